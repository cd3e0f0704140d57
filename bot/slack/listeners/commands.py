"""The slash command: `/job ID`, `/job NAME`, `/job list …`, `/job plan ID`, `/job use …`."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.render.text import unescape
from bot.slack.asking import asking_for
from bot.slack.audit import Audit
from bot.slack.deps import Deps
from bot.slack.listeners.guard import guarded
from bot.usecases.ask import answer, quick_answer
from bot.usecases.requests import parse_request


async def handle_job_command(
    ack: AsyncAck, command: dict[str, Any], deps: Deps, audit: Audit
) -> None:
    """Answer `/job`: help and usage errors at once, everything else after the ack."""
    settings = deps.settings
    name = command.get("command") or settings.command
    # Read as typed: Slack's escaping undone; the messages escape it themselves, once.
    request = parse_request(unescape(command.get("text", "")), deps.projects.names)
    quick = quick_answer(
        request, command=name, visibility=settings.visibility, projects=deps.projects.names
    )
    if quick is not None:
        # Answered in the acknowledgement itself: instant, and it spends no response_url use.
        message = quick.message
        await ack(text=message.text, blocks=message.blocks, response_type="ephemeral")
        audit.finish(quick.outcome)
        return
    await ack()
    await deps.acks.settled()
    asking = asking_for(
        deps,
        command=name,
        visibility=settings.visibility,
        user=command.get("user_id"),
        channel=command.get("channel_id"),
        shareable=settings.visibility == "ephemeral",
    )
    result = await answer(request, asking)
    audit.job_ids.extend(result.job_ids)
    visibility = settings.visibility if result.public else "ephemeral"
    await deps.responder.answer(
        command["response_url"], result.message, audit, result.outcome, response_type=visibility
    )


def register(app: AsyncApp, command: str) -> None:
    """Register the slash command under its configured name."""
    app.command(command)(guarded(handle_job_command))
