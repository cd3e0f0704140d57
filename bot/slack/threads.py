"""Watch threads on Slack: parent cards, tagged replies, and finding a reply by its tag.

Every reply carries message metadata (`event_type` jobbot_change, the notification's key in
`event_payload`), so after a crash between posting and recording, `conversations.replies`
with `include_all_metadata` shows whether the reply is already in the thread.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.jobs.retry_after import parse_retry_after
from bot.render.blocks import Message
from bot.slack.delivery import slack_error_code
from bot.watch.threads import ChannelGone, PostFailed, Throttled

log = logging.getLogger(__name__)

EVENT_TYPE = "jobbot_change"
# The parent card's tag: which watch it belongs to (see bot/watch/parents.py).
PARENT_EVENT_TYPE = "jobbot_watch"
# A channel's history read for a lost parent card, at most (200 messages a page).
MAX_HISTORY_PAGES = 25
# Slack's answers when a channel cannot take our messages any more.
GONE_ERRORS = frozenset(
    {"is_archived", "channel_not_found", "not_in_channel", "channel_is_archived"}
)
MAX_429_WAITS = 5
MAX_WAIT_S = 60.0

Sleep = Callable[[float], Awaitable[None]]


class SlackThreads:
    """Slack's chat.postMessage, chat.update, conversations.replies and chat.getPermalink."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        sleep: Sleep,
        on_error: Callable[[str, str], None] | None = None,
    ) -> None:
        self._client = client
        self._sleep = sleep
        self._on_error = on_error or (lambda method, error: None)

    async def post_parent(self, channel: str, message: Message, *, key: str) -> str:
        """Post a message in the channel, visible to everyone, tagged with `key`; return its ts."""
        answer = await self._call(
            "chat.postMessage",
            lambda: self._client.chat_postMessage(
                channel=channel,
                text=message.text,
                blocks=message.blocks,
                metadata={"event_type": PARENT_EVENT_TYPE, "event_payload": {"key": key}},
                unfurl_links=False,
                unfurl_media=False,
            ),
        )
        return str(answer["ts"])

    async def find_parent(self, channel: str, key: str, *, oldest: float) -> str | None:
        """Look through the channel's messages since `oldest` for the card tagged with `key`."""
        cursor: str | None = None
        for _ in range(MAX_HISTORY_PAGES):
            answer = await self._call(
                "conversations.history",
                lambda page=cursor: self._client.conversations_history(  # type: ignore[misc]
                    channel=channel,
                    oldest=f"{max(0.0, oldest):.6f}",
                    include_all_metadata=True,
                    limit=200,
                    cursor=page,
                ),
            )
            found = _tagged(answer.get("messages") or [], PARENT_EVENT_TYPE, key)
            if found is not None:
                return found
            cursor = (answer.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
        log.warning("parent card %s not found in %d pages of history", key, MAX_HISTORY_PAGES)
        return None

    async def reply(
        self, channel: str, thread_ts: str, message: Message, *, key: str, broadcast: bool
    ) -> str:
        """Reply in a thread, tagged with `key`; `broadcast` also shows it in the channel."""
        # A 429 goes back to the caller, who waits it out and renews its lease first.
        answer = await self._call(
            "chat.postMessage",
            lambda: self._client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                reply_broadcast=broadcast,
                text=message.text,
                blocks=message.blocks,
                metadata={"event_type": EVENT_TYPE, "event_payload": {"key": key}},
                unfurl_links=False,
                unfurl_media=False,
            ),
            wait_out_429=False,
        )
        return str(answer["ts"])

    async def find_reply(self, channel: str, thread_ts: str, key: str) -> str | None:
        """Look through the thread for the reply tagged with `key`."""
        cursor: str | None = None
        while True:
            answer = await self._call(
                "conversations.replies",
                lambda page=cursor: self._client.conversations_replies(  # type: ignore[misc]
                    channel=channel,
                    ts=thread_ts,
                    include_all_metadata=True,
                    limit=200,
                    cursor=page,
                ),
            )
            found = _tagged(answer.get("messages") or [], EVENT_TYPE, key)
            if found is not None:
                return found
            cursor = (answer.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None

    async def update(self, channel: str, ts: str, message: Message) -> None:
        """Replace a message in place (the parent card, with the latest state)."""
        await self._call(
            "chat.update",
            lambda: self._client.chat_update(
                channel=channel, ts=ts, text=message.text, blocks=message.blocks
            ),
        )

    async def permalink(self, channel: str, ts: str) -> str | None:
        """Return a link to a message, or None."""
        try:
            answer = await self._call(
                "chat.getPermalink",
                lambda: self._client.chat_getPermalink(channel=channel, message_ts=ts),
            )
        except (ChannelGone, PostFailed):
            return None
        link = answer.get("permalink")
        return str(link) if link else None

    async def _call(
        self, method: str, call: Callable[[], Awaitable[Any]], *, wait_out_429: bool = True
    ) -> Any:
        waits = 0
        while True:
            try:
                return await call()
            except SlackApiError as error:
                code = slack_error_code(error) or f"http_{error.response.status_code}"
                if error.response.status_code == 429:
                    # About one message per second per channel: wait as long as Slack says.
                    retry_after = parse_retry_after(error.response.headers.get("Retry-After"))
                    wait = min(MAX_WAIT_S, retry_after if retry_after is not None else 1.0)
                    if not wait_out_429:
                        raise Throttled(wait) from None
                if error.response.status_code == 429 and waits < MAX_429_WAITS:
                    await self._sleep(wait)
                    waits += 1
                    continue
                self._on_error(method, code)
                if code in GONE_ERRORS:
                    raise ChannelGone(code) from None
                raise PostFailed(code) from None
            except (OSError, TimeoutError, aiohttp.ClientError) as error:
                self._on_error(method, type(error).__name__)
                raise PostFailed(type(error).__name__) from None


def _tagged(messages: list[dict[str, Any]], event_type: str, key: str) -> str | None:
    """Return the ts of the message whose metadata carries this event type and key."""
    for message in messages:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == event_type and payload.get("key") == key:
            return str(message["ts"])
    return None
