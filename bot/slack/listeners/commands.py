"""The slash command: `/job ID`, `/job show ID`, `/job help`, and the watch subcommands."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.render.blocks import Message
from bot.render.messages import help_message, invalid_job_id, usage_error
from bot.render.text import unescape
from bot.slack.audit import Audit
from bot.slack.deps import Deps
from bot.slack.listeners.guard import guarded
from bot.slack.listeners.watching import (
    WATCH_WORDS,
    WatchRequest,
    answer_watch_command,
    parse_watch,
)
from bot.usecases.home import note_lookup
from bot.usecases.job_ids import parse_job_id
from bot.usecases.show_job import show_job


def parse_command(
    command: str, text: str, visibility: str = "ephemeral"
) -> int | WatchRequest | Message:
    """Read the command's text (as typed, unescaped): a job ID, a watch subcommand, or a reply."""
    words = text.split()
    if not words or (len(words) == 1 and words[0].lower() == "help"):
        return help_message(command, visibility)
    if words[0].lower() in WATCH_WORDS:
        return parse_watch(command, words)
    if len(words) == 2 and words[0].lower() == "show":
        argument = words[1]
    elif len(words) == 1:
        argument = words[0]
    else:
        return usage_error(command, f"{command} {text}")
    job_id = parse_job_id(argument)
    return job_id if job_id is not None else invalid_job_id(command, argument)


async def handle_job_command(
    ack: AsyncAck, command: dict[str, Any], deps: Deps, audit: Audit
) -> None:
    """Answer `/job`: help and usage errors at once, the card after the lookup."""
    parsed = parse_command(
        command.get("command") or deps.settings.command,
        # Quoted back as typed: the messages escape it themselves, once.
        unescape(command.get("text", "")),
        deps.settings.visibility,
    )
    if isinstance(parsed, Message):
        # Answered in the acknowledgement itself: instant, and it spends no response_url use.
        await ack(text=parsed.text, blocks=parsed.blocks, response_type="ephemeral")
        audit.finish("usage")
        return
    await ack()
    await deps.acks.settled()
    if isinstance(parsed, WatchRequest):
        if parsed.job_id:
            audit.job_ids.append(parsed.job_id)
        await answer_watch_command(parsed, command, deps, audit)
        return
    audit.job_ids.append(parsed)
    visibility = deps.settings.visibility
    result = await show_job(
        deps.jobs, parsed, now=deps.clock(), shareable=visibility == "ephemeral"
    )
    visibility = visibility if result.ok else "ephemeral"
    if result.job is not None:
        # Recorded before the card goes out, so the Home tab opened right after shows it.
        await note_lookup(deps.home, command.get("user_id", ""), parsed, result.job.name or "")
    sent = await deps.responder.respond(
        command["response_url"], result.message, response_type=visibility
    )
    audit.finish(sent.outcome(result.outcome), replied=sent.ok)


def register(app: AsyncApp, command: str) -> None:
    """Register the slash command under its configured name."""
    app.command(command)(guarded(handle_job_command))
