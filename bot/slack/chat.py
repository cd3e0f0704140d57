"""The one writer of Slack's chat API: messages, thread replies, updates, private notes, links.

Every chat.* call jobbot makes goes through here, on a client whose retry handlers
(bot.slack.retries) wait out 429s and dropped connections; Slack's refusals come back as
slack_sdk's SlackApiError for the caller to read.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.render.blocks import Message

# The event types of the metadata that tags what a watch posts: after a crash between posting
# and recording, a thread is searched for the reply carrying its key, and the channel for the
# parent card carrying its watch's key.
CHANGE_EVENT_TYPE = "jobbot_change"
PARENT_EVENT_TYPE = "jobbot_watch"


async def post_message(
    client: AsyncWebClient,
    channel: str,
    message: Message,
    *,
    thread_ts: str | None = None,
    broadcast: bool | None = None,
    key: str | None = None,
    event_type: str = CHANGE_EVENT_TYPE,
) -> str:
    """Post a message in a channel or a thread and return its ts.

    `broadcast` also shows a thread reply in the channel; `key` tags it in its metadata.
    """
    extra: dict[str, Any] = {}
    if thread_ts:
        extra["thread_ts"] = thread_ts
    if broadcast is not None:
        extra["reply_broadcast"] = broadcast
    if key is not None:
        extra["metadata"] = {"event_type": event_type, "event_payload": {"key": key}}
    answer = await client.chat_postMessage(
        channel=channel,
        text=message.text,
        blocks=message.blocks,
        unfurl_links=False,
        unfurl_media=False,
        **extra,
    )
    return str(answer.get("ts") or "")


async def update_message(client: AsyncWebClient, channel: str, ts: str, message: Message) -> None:
    """Replace a posted message in place."""
    await client.chat_update(channel=channel, ts=ts, text=message.text, blocks=message.blocks)


async def post_ephemeral(
    client: AsyncWebClient,
    channel: str,
    user: str,
    message: Message,
    *,
    thread_ts: str | None = None,
) -> None:
    """Show a message to one person in a channel (or a thread), visible to nobody else."""
    await client.chat_postEphemeral(
        channel=channel, user=user, thread_ts=thread_ts, text=message.text, blocks=message.blocks
    )


async def permalink(client: AsyncWebClient, channel: str, ts: str) -> str | None:
    """Return the link to a posted message, or None when Slack gives none."""
    answer = await client.chat_getPermalink(channel=channel, message_ts=ts)
    return str(answer.get("permalink") or "") or None
