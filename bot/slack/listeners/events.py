"""`@jobbot …` (the `app_mention` event): anything /job takes, answered in the thread."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.blocks import Message
from bot.render.text import unescape
from bot.slack import chat
from bot.slack.asking import asking_for
from bot.slack.audit import Audit
from bot.slack.deps import Deps
from bot.slack.listeners.guard import guarded
from bot.usecases.ask import answer
from bot.usecases.requests import parse_mention

_LEADING_MENTION = re.compile(r"^\s*<@[A-Z0-9]+(?:\|[^>]*)?>")


def mention_request_text(text: str, bot_user_id: str | None) -> str:
    """Return what was asked: the text without the bot's mention, Slack's escaping undone."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    else:
        text = _LEADING_MENTION.sub(" ", text, count=1)
    # Slack escapes `&`, `<` and `>` in message text; the parser reads what was typed.
    return unescape(text).strip()


async def handle_mention(
    ack: AsyncAck,
    body: dict[str, Any],
    event: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    deps: Deps,
    audit: Audit,
) -> None:
    """Answer a mention in its thread (or start one under it), once per event."""
    await ack()
    await deps.acks.settled()
    event_id = str(body.get("event_id") or "")
    # Slack redelivers events it did not see acknowledged (over HTTP and Socket Mode alike),
    # possibly to another replica: the database says whether this one was handled already.
    if event_id and not await deps.seen_events.first_sighting(event_id):
        audit.finish("ignored: event already handled")
        return
    channel = str(event.get("channel") or "")
    thread_ts = str(event.get("thread_ts") or event.get("ts") or "")
    text = mention_request_text(str(event.get("text") or ""), context.bot_user_id)
    settings = deps.settings
    asking = asking_for(
        deps,
        command=settings.command,
        visibility="in_channel",
        user=event.get("user"),
        channel=channel or None,
    )
    result = await answer(parse_mention(text, deps.projects.names), asking)
    audit.job_ids.extend(result.job_ids)
    await chat.post_message(client, channel, result.message, thread_ts=thread_ts)
    audit.finish(result.outcome)


async def deny_mention(client: AsyncWebClient, body: dict[str, Any], message: Message) -> None:
    """Tell only the person who mentioned jobbot why it will not answer them."""
    event = body.get("event") or {}
    await chat.post_ephemeral(
        client,
        str(event.get("channel") or ""),
        str(event.get("user") or ""),
        message,
        thread_ts=event.get("thread_ts") or event.get("ts"),
    )


def register(app: AsyncApp) -> None:
    """Register the mention listener."""
    app.event("app_mention")(guarded(handle_mention))
