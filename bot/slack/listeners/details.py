"""The `job_more` button: a Details modal, opened at once, filled when the job API answers."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.render import asking as say
from bot.render.details import (
    broken_details,
    details_error,
    details_loading,
    details_view,
    plan_summary,
)
from bot.render.ids import ActionId
from bot.render.refs import DetailsPageRef
from bot.slack.audit import Audit
from bot.slack.delivery import slack_error_code
from bot.slack.deps import Deps
from bot.slack.listeners.guard import guarded
from bot.usecases.job_details import job_details
from bot.usecases.projects import UnknownProject

log = logging.getLogger(__name__)


async def handle_more(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    audit: Audit,
) -> None:
    """Open the Details modal with a loading view, then show the job's details in it."""
    await ack()
    try:
        ref = DetailsPageRef.from_value(action.get("value") or "")
    except ValueError:
        if not body.get("response_url"):
            audit.finish("bad button value")
            return
        note = broken_details(deps.settings.command)
        await deps.responder.answer(body["response_url"], note, audit, "bad button value")
        return
    audit.job_ids.append(ref.job_id)
    # The trigger_id lives 3 s and the job API may take longer: open the modal first.
    loading = details_loading(ref)
    try:
        if (body.get("container") or {}).get("type") == "view":
            # From inside a modal (the lookup window) a second modal goes on top of it.
            opened = await client.views_push(trigger_id=body["trigger_id"], view=loading)
        else:
            opened = await client.views_open(trigger_id=body["trigger_id"], view=loading)
    except SlackApiError as error:
        deps.slack_api_error("views.open", slack_error_code(error))
        audit.finish(f"modal not opened: {slack_error_code(error)}")
        return
    view = opened.get("view") or {}
    outcome = await fill(client, deps, ref, str(view.get("id")), view.get("hash"))
    audit.finish(outcome)


async def handle_page(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    audit: Audit,
) -> None:
    """Show another page of the Details modal in place."""
    await ack()
    view = body.get("view") or {}
    try:
        ref = DetailsPageRef.from_value(action.get("value") or "")
    except ValueError:
        audit.finish("bad button value")
        return
    audit.job_ids.append(ref.job_id)
    audit.finish(await fill(client, deps, ref, str(view.get("id")), view.get("hash")))


async def fill(
    client: AsyncWebClient, deps: Deps, ref: DetailsPageRef, view_id: str, view_hash: str | None
) -> str:
    """Fetch the job from its project and put its details (or why there are none) in the modal."""
    try:
        project = deps.projects.keyed(ref.project)
    except UnknownProject as unknown:
        # A project removed from JOBBOT_PROJECTS since the card was made.
        said = say.unknown_project(f"{ref.project}:{ref.job_id}", unknown.typed, unknown.known)
        shown, outcome = details_error(ref, said), "unknown project"
    else:
        found = await job_details(project.jobs, ref.job_id, now=deps.clock())
        result, outcome = found.answer, found.answer.outcome
        if result.job is not None:
            shown = details_view(result.job, ref, plan=plan_summary(found.plan))
        else:
            shown = details_error(ref, result.message)
    try:
        # The hash makes Slack refuse the update if the modal changed meanwhile (a second click).
        await client.views_update(view_id=view_id, hash=view_hash, view=shown)
    except SlackApiError as error:
        # The reader closed the modal, or clicked again: nothing is lost.
        deps.slack_api_error("views.update", slack_error_code(error))
        return f"{outcome}, modal not updated: {slack_error_code(error)}"
    return outcome


def register(app: AsyncApp) -> None:
    """Register Details and its page buttons."""
    app.action(ActionId.JOB_MORE.value)(guarded(handle_more))
    app.action(ActionId.JOB_MORE_PREVIOUS.value)(guarded(handle_page))
    app.action(ActionId.JOB_MORE_NEXT.value)(guarded(handle_page))
