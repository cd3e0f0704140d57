"""Watch threads on Slack: parent cards, tagged replies, and finding a reply by its tag.

Every reply carries message metadata (`event_type` jobbot_change, the notification's key in
`event_payload`), so after a crash between posting and recording, `conversations.replies`
with `include_all_metadata` shows whether the reply is already in the thread.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.huawei.retry_after import parse_retry_after
from bot.render.blocks import Message
from bot.slack import chat
from bot.slack.delivery import slack_error_code
from bot.slack.retries import MAX_RETRY_AFTER_S
from bot.usecases.watching.threads import ChannelGone, PostFailed, Throttled

log = logging.getLogger(__name__)

# Slack's answers when a channel cannot take our messages any more.
GONE_ERRORS = frozenset(
    {"is_archived", "channel_not_found", "not_in_channel", "channel_is_archived"}
)

# A channel's history read for a lost parent card, at most (200 messages a page).
MAX_HISTORY_PAGES = 25

T = TypeVar("T")


class SlackThreads:
    """The watch's side of Slack: parent cards and tagged replies, through bot.slack.chat.

    `client`'s retry handlers wait out 429s for parent cards, updates and reads; a reply
    goes through a sibling client without the 429 handler, because the outbox waits a 429
    out itself after renewing its lease.
    """

    def __init__(
        self, client: AsyncWebClient, *, on_error: Callable[[str, str], None] | None = None
    ) -> None:
        self._client = client
        handlers: list[AsyncRetryHandler] = [
            h for h in client.retry_handlers if not isinstance(h, AsyncRateLimitErrorRetryHandler)
        ]
        self._prompt = AsyncWebClient(
            token=client.token,
            base_url=client.base_url,
            timeout=client.timeout,
            retry_handlers=handlers,
        )
        self._on_error = on_error or (lambda method, error: None)

    async def post_parent(self, channel: str, message: Message, *, key: str) -> str:
        """Post a message in the channel, visible to everyone, tagged with `key`; return its ts."""
        posted = chat.post_message(
            self._client, channel, message, key=key, event_type=chat.PARENT_EVENT_TYPE
        )
        return await self._call("chat.postMessage", posted)

    async def find_parent(self, channel: str, key: str, *, oldest: float) -> str | None:
        """Look through the channel's messages since `oldest` for the card tagged with `key`."""
        cursor: str | None = None
        for _ in range(MAX_HISTORY_PAGES):
            answer: Any = await self._call(
                "conversations.history",
                self._client.conversations_history(
                    channel=channel,
                    oldest=f"{max(0.0, oldest):.6f}",
                    include_all_metadata=True,
                    limit=200,
                    cursor=cursor,
                ),
            )
            found = _tagged(answer.get("messages") or [], chat.PARENT_EVENT_TYPE, key)
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
        posted = chat.post_message(
            self._prompt, channel, message, thread_ts=thread_ts, broadcast=broadcast, key=key
        )
        return await self._call("chat.postMessage", posted)

    async def find_reply(self, channel: str, thread_ts: str, key: str) -> str | None:
        """Look through the thread for the reply tagged with `key`."""
        cursor: str | None = None
        while True:
            answer: Any = await self._call(
                "conversations.replies",
                self._client.conversations_replies(
                    channel=channel,
                    ts=thread_ts,
                    include_all_metadata=True,
                    limit=200,
                    cursor=cursor,
                ),
            )
            found = _tagged(answer.get("messages") or [], chat.CHANGE_EVENT_TYPE, key)
            if found is not None:
                return found
            cursor = (answer.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None

    async def update(self, channel: str, ts: str, message: Message) -> None:
        """Replace a message in place (the parent card, with the latest state)."""
        await self._call("chat.update", chat.update_message(self._client, channel, ts, message))

    async def permalink(self, channel: str, ts: str) -> str | None:
        """Return a link to a message, or None."""
        try:
            return await self._call("chat.getPermalink", chat.permalink(self._client, channel, ts))
        except (ChannelGone, PostFailed):
            return None

    async def _call(self, method: str, call: Awaitable[T]) -> T:
        try:
            return await call
        except SlackApiError as error:
            code = slack_error_code(error) or f"http_{error.response.status_code}"
            if error.response.status_code == 429:
                # Still throttled after the client's own waits, or a reply (which does not wait).
                retry_after = parse_retry_after(error.response.headers.get("Retry-After"))
                raise Throttled(
                    min(MAX_RETRY_AFTER_S, retry_after if retry_after is not None else 1.0)
                ) from None
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
