"""The `job_refresh` button: fetch the job again and replace the card in place."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.render.messages import broken_button
from bot.render.refs import JobRef
from bot.slack.audit import Audit
from bot.slack.deps import Deps
from bot.slack.ids import ActionId
from bot.slack.listeners.guard import guarded
from bot.usecases.show_job import show_job


async def handle_refresh(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], deps: Deps, audit: Audit
) -> None:
    """Replace the card (or the error it came from) with a fresh card."""
    await ack()
    await deps.acks.settled()
    response_url = body["response_url"]
    try:
        job_id = JobRef.from_value(action.get("value") or "").job_id
    except ValueError:
        sent = await deps.responder.respond(response_url, broken_button(deps.settings.command))
        audit.finish(sent.outcome("bad button value"), replied=sent.ok)
        return
    audit.job_ids.append(job_id)
    shared_card = not (body.get("container") or {}).get("is_ephemeral", False)
    result = await show_job(deps.jobs, job_id, now=deps.clock(), shareable=not shared_card)
    if result.ok or not shared_card:
        sent = await deps.responder.respond(response_url, result.message, replace_original=True)
    else:
        # A failed refresh must not wipe a card others are reading; tell only the clicker.
        sent = await deps.responder.respond(response_url, result.message)
    audit.finish(sent.outcome(result.outcome), replied=sent.ok)


def register(app: AsyncApp) -> None:
    """Register the refresh button."""
    app.action(ActionId.JOB_REFRESH.value)(guarded(handle_refresh))
