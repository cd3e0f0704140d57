"""The `job_share` button: post a card only its reader sees to the channel, for everyone."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.card import job_title
from bot.render.ids import ActionId
from bot.render.refs import JobRef
from bot.render.share import broken_share, not_shareable, shared_card, shared_note
from bot.slack.audit import Audit
from bot.slack.deps import Deps
from bot.slack.listeners.guard import guarded
from bot.slack.listeners.lookup_buttons import share_from_lookup
from bot.slack.sharing import NotShared, message_link, post_shared
from bot.usecases.projects import UnknownProject
from bot.usecases.show_job import show_job


async def handle_share(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    audit: Audit,
) -> None:
    """Post a fresh card in the channel, then turn the private copy into a link to it."""
    await ack()
    container = body.get("container") or {}
    if container.get("type") == "view":
        await share_from_lookup(body, action, client, deps, audit)
        return
    await deps.acks.settled()
    response_url = body["response_url"]
    try:
        ref = JobRef.from_value(action.get("value") or "")
        project = deps.projects.keyed(ref.project)
    except (ValueError, UnknownProject):
        # A forged value, or a project removed from JOBBOT_PROJECTS since the card was made.
        await deps.responder.answer(
            response_url, broken_share(deps.settings.command), audit, "bad button value"
        )
        return
    if not container.get("is_ephemeral"):
        await deps.responder.answer(response_url, not_shareable(), audit, "already shared")
        return
    audit.job_ids.append(ref.job_id)
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
    user = str((body.get("user") or {}).get("id") or "")
    # The channel sees the job as it is now, not as it was when the private card was made.
    result = await show_job(project.jobs, ref.job_id, now=deps.clock(), project=project.name)
    if not result.found or result.job is None:
        await deps.responder.answer(
            response_url, result.message, audit, f"not shared: {result.outcome}"
        )
        return
    posted = await post_shared(client, deps, channel, shared_card(result.message, user))
    if isinstance(posted, NotShared):
        await deps.responder.answer(response_url, posted.message, audit, posted.outcome)
        return
    link = await message_link(client, channel, posted)
    note = shared_note(ref.job_id, job_title(result.job, ref.job_id), channel, link)
    await deps.responder.answer(response_url, note, audit, "shared", replace_original=True)


def register(app: AsyncApp) -> None:
    """Register the Share button."""
    app.action(ActionId.JOB_SHARE.value)(guarded(handle_share))
