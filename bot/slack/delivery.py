"""Sending messages back to Slack: through a `response_url`, or into a thread."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from typing import Any

import httpx
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.jobs.retry_after import parse_retry_after
from bot.render.blocks import Message

log = logging.getLogger(__name__)

# Slack: a response_url "can be used up to 5 times within 30 minutes".
RESPONSE_URL_USES = 5
RESPONSE_URL_LIFETIME_S = 30 * 60
MAX_TRACKED_URLS = 10_000
MAX_429_RETRIES = 3
MAX_RETRY_AFTER_S = 30.0


class ResponseUrlSpent(Exception):
    """The response_url has been used as many times as Slack allows."""


class Responder:
    """Post messages to response_urls, never more often than Slack accepts per URL."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http
        self._uses: OrderedDict[str, tuple[float, int]] = OrderedDict()

    def uses_left(self, url: str) -> int:
        """Return how many more times a response_url may be used."""
        first_use, count = self._uses.get(url, (time.monotonic(), 0))
        if time.monotonic() - first_use > RESPONSE_URL_LIFETIME_S:
            return 0
        return RESPONSE_URL_USES - count

    def _take_use(self, url: str) -> None:
        if self.uses_left(url) <= 0:
            raise ResponseUrlSpent("this response_url was already used 5 times")
        first_use, count = self._uses.get(url, (time.monotonic(), 0))
        self._uses[url] = (first_use, count + 1)
        self._uses.move_to_end(url)
        while len(self._uses) > MAX_TRACKED_URLS:
            self._uses.popitem(last=False)

    async def respond(
        self,
        url: str,
        message: Message,
        *,
        response_type: str = "ephemeral",
        replace_original: bool = False,
    ) -> None:
        """Send a message through a response_url, waiting out Slack's rate limits."""
        self._take_use(url)
        payload: dict[str, Any] = message.as_payload()
        if replace_original:
            payload["replace_original"] = True
        else:
            payload["response_type"] = response_type
        attempt = 0
        while True:
            response = await self._http.post(url, json=payload)
            retry_after = response.headers.get("retry-after")
            if not await _waited_out_429(response.status_code, retry_after, attempt):
                break
            attempt += 1
        if response.status_code >= 400:
            log.warning(
                "response_url refused the message",
                extra={"http_status": response.status_code, "slack_error": response.text[:200]},
            )

    async def aclose(self) -> None:
        """Close the connections."""
        await self._http.aclose()


async def post_in_thread(
    client: AsyncWebClient, channel: str, thread_ts: str, message: Message
) -> None:
    """Post a message as a reply in a thread; raises SlackApiError when Slack refuses."""
    attempt = 0
    while True:
        try:
            await client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                text=message.text,
                blocks=message.blocks,
                unfurl_links=False,
                unfurl_media=False,
            )
            return
        except SlackApiError as error:
            retry_after = error.response.headers.get("Retry-After")
            if not await _waited_out_429(error.response.status_code, retry_after, attempt):
                raise
            attempt += 1


def slack_error_code(error: SlackApiError) -> str:
    """Return Slack's error code (`not_in_channel`, …) from a failed Web API call."""
    data = error.response.data
    return str(data.get("error", "")) if isinstance(data, dict) else ""


async def _waited_out_429(status: int, retry_after: str | None, retries_so_far: int) -> bool:
    """Sleep out Slack's 429 and say whether to send again.

    chat.postMessage allows about one message per second per channel and response_urls
    have limits too; past them Slack answers 429 with Retry-After, and the card must
    still arrive.
    """
    if status != 429 or retries_so_far >= MAX_429_RETRIES:
        return False
    wait = parse_retry_after(retry_after)
    await asyncio.sleep(min(MAX_RETRY_AFTER_S, wait if wait is not None else 1.0))
    return True
