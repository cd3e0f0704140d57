"""The buttons: Refresh a card, page a list, Show a job of a list, a job's Plan."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.render.ids import ActionId
from bot.render.messages import broken_button
from bot.render.refs import JobRef, ListRef
from bot.slack.audit import Audit
from bot.slack.deps import Deps
from bot.slack.listeners.guard import guarded
from bot.usecases.answer import Answer
from bot.usecases.list_jobs import list_jobs
from bot.usecases.projects import Project, UnknownProject
from bot.usecases.show_job import show_job
from bot.usecases.show_plan import show_plan


def _shared(body: dict[str, Any]) -> bool:
    return not (body.get("container") or {}).get("is_ephemeral", False)


async def _job_of(
    action: dict[str, Any], deps: Deps, response_url: str, audit: Audit
) -> tuple[JobRef, Project] | None:
    """Read the job a button is about; answer and return None when it is not ours."""
    try:
        ref = JobRef.from_value(action.get("value") or "")
        project = deps.projects.pick(ref.project or None)
    except (ValueError, UnknownProject):
        await deps.responder.answer(
            response_url, broken_button(deps.settings.command), audit, "bad button value"
        )
        return None
    audit.job_ids.append(ref.job_id)
    return ref, project


async def _replace(deps: Deps, body: dict[str, Any], result: Answer, audit: Audit) -> None:
    response_url = body["response_url"]
    if result.public or not _shared(body):
        await deps.responder.answer(
            response_url, result.message, audit, result.outcome, replace_original=True
        )
    else:
        # A failure must not wipe a message others are reading; tell only the clicker.
        await deps.responder.answer(response_url, result.message, audit, result.outcome)


async def handle_refresh(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], deps: Deps, audit: Audit
) -> None:
    """Replace the card (or the error it came from) with a fresh card."""
    await ack()
    await deps.acks.settled()
    found = await _job_of(action, deps, body["response_url"], audit)
    if found is None:
        return
    ref, project = found
    result = await show_job(
        project.jobs,
        ref.job_id,
        now=deps.clock(),
        project=project.name,
        shareable=not _shared(body),
    )
    await _replace(deps, body, Answer(result.message, result.found, result.outcome), audit)


async def handle_show(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], deps: Deps, audit: Audit
) -> None:
    """Show one job of a list as its card, to the person who clicked."""
    await ack()
    await deps.acks.settled()
    found = await _job_of(action, deps, body["response_url"], audit)
    if found is None:
        return
    ref, project = found
    result = await show_job(
        project.jobs, ref.job_id, now=deps.clock(), project=project.name, shareable=True
    )
    await deps.responder.answer(body["response_url"], result.message, audit, result.outcome)


async def handle_plan(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], deps: Deps, audit: Audit
) -> None:
    """Show the card's job's execution plan, to the person who clicked."""
    await ack()
    await deps.acks.settled()
    found = await _job_of(action, deps, body["response_url"], audit)
    if found is None:
        return
    ref, project = found
    result = await show_plan(project, ref.job_id, now=deps.clock())
    await deps.responder.answer(body["response_url"], result.message, audit, result.outcome)


async def handle_list_page(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], deps: Deps, audit: Audit
) -> None:
    """Replace a list with its next or previous page."""
    await ack()
    await deps.acks.settled()
    try:
        ref = ListRef.from_value(action.get("value") or "")
        project = deps.projects.pick(ref.project or None)
    except (ValueError, UnknownProject):
        await deps.responder.answer(
            body["response_url"], broken_button(deps.settings.command), audit, "bad button value"
        )
        return
    result = await list_jobs(project, ref)
    await _replace(deps, body, result, audit)


def register(app: AsyncApp) -> None:
    """Register the buttons."""
    app.action(ActionId.JOB_REFRESH.value)(guarded(handle_refresh))
    app.action(ActionId.JOB_SHOW.value)(guarded(handle_show))
    app.action(ActionId.JOB_PLAN.value)(guarded(handle_plan))
    app.action(ActionId.JOB_LIST_PAGE.value)(guarded(handle_list_page))
