"""Sending messages back to Slack: through a `response_url`, or into a thread."""

from __future__ import annotations

import asyncio
import copy
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.render.blocks import Message
from bot.slack.audit import Audit
from bot.slack.retries import Sleep, slack_retry_handlers

log = logging.getLogger(__name__)
# slack_sdk's webhook client prints the response_url it posts to in its DEBUG lines, and in
# INFO lines when it retries (whenever its logger's own level is DEBUG or unset): it gets a
# logger of its own that says only warnings. Our own lines say how a reply went.
_sdk_log = logging.getLogger(f"{__name__}.webhook")
_sdk_log.setLevel(logging.WARNING)

# Slack: a response_url "can be used up to 5 times within 30 minutes".
RESPONSE_URL_USES = 5
RESPONSE_URL_LIFETIME_S = 30 * 60
MAX_TRACKED_URLS = 10_000
REPLY_TIMEOUT_S = 10.0
# hooks.slack.com answers a refused post with a short code (`expired_url`, `no_text`, ...).
_SLACK_CODE = re.compile(r"[a-z][a-z0-9_]{0,49}")


@dataclass(frozen=True)
class Delivery:
    """Whether Slack took a reply, and its reason when it did not."""

    arrived: bool
    error: str = ""

    def outcome(self, wanted: str) -> str:
        """Return the audit outcome: `wanted` when the reply arrived, else what happened."""
        return wanted if self.arrived else f"{wanted}; reply refused: {self.error}"


SENT = Delivery(arrived=True)


class Responder:
    """Post messages to response_urls, never more often than Slack accepts per URL.

    Replies go through slack_sdk's AsyncWebhookClient on one aiohttp session (made on the
    first reply, inside the running loop), with the SDK's retry handlers for 429s and
    dropped connections. `on_refused(method, error)` hears of every post Slack refused.
    """

    def __init__(
        self,
        *,
        on_refused: Callable[[str, str], None] | None = None,
        sleep: Sleep = asyncio.sleep,
        timeout_s: float = REPLY_TIMEOUT_S,
    ) -> None:
        self._uses: OrderedDict[str, tuple[float, int]] = OrderedDict()
        self._on_refused = on_refused
        self._retry_handlers = slack_retry_handlers(sleep)
        self._timeout_s = timeout_s
        self._session: aiohttp.ClientSession | None = None
        self._template: AsyncWebhookClient | None = None
        self._closed = False

    def uses_left(self, url: str) -> int:
        """Return how many more times a response_url may be used."""
        first_use, count = self._uses.get(url, (time.monotonic(), 0))
        if time.monotonic() - first_use > RESPONSE_URL_LIFETIME_S:
            return 0
        return RESPONSE_URL_USES - count

    def _take_use(self, url: str) -> bool:
        if self.uses_left(url) <= 0:
            return False
        first_use, count = self._uses.get(url, (time.monotonic(), 0))
        self._uses[url] = (first_use, count + 1)
        self._uses.move_to_end(url)
        while len(self._uses) > MAX_TRACKED_URLS:
            self._uses.popitem(last=False)
        return True

    def _client(self, url: str) -> AsyncWebhookClient:
        if self._closed:
            raise aiohttp.ClientConnectionError("jobbot is shutting down")
        if self._template is None:
            # No per-host cap: a burst's replies all go to hooks.slack.com at once.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0),
                timeout=aiohttp.ClientTimeout(total=self._timeout_s),
            )
            self._template = AsyncWebhookClient(
                "", session=self._session, retry_handlers=self._retry_handlers, logger=_sdk_log
            )
        # A client is bound to one URL; copying the template skips the ~1 ms the SDK spends
        # building its User-Agent and reading proxy settings for every new client.
        client = copy.copy(self._template)
        client.url = url
        return client

    async def answer(
        self,
        url: str,
        message: Message,
        audit: Audit,
        outcome: str,
        *,
        response_type: str = "ephemeral",
        replace_original: bool = False,
    ) -> Delivery:
        """Reply through a response_url, then write the request's audit line with how it went."""
        sent = await self.respond(
            url, message, response_type=response_type, replace_original=replace_original
        )
        audit.finish(sent.outcome(outcome), replied=sent.arrived)
        return sent

    async def respond(
        self,
        url: str,
        message: Message,
        *,
        response_type: str = "ephemeral",
        replace_original: bool = False,
    ) -> Delivery:
        """Send a message through a response_url; say whether Slack took it."""
        if not self._take_use(url):
            log.warning("response_url already used 5 times; reply dropped")
            return Delivery(arrived=False, error="response_url_used_up")
        payload: dict[str, Any] = message.as_payload()
        if replace_original:
            payload["replace_original"] = True
        else:
            payload["response_type"] = response_type
        try:
            response = await self._client(url).send_dict(payload)
        except (aiohttp.ClientError, TimeoutError) as error:
            return self._refused(type(error).__name__, "connection_failed")
        if response.status_code >= 400:
            body = (response.body or "").strip()
            code = body if _SLACK_CODE.fullmatch(body) else f"http_{response.status_code}"
            return self._refused(f"HTTP {response.status_code} {body[:100]!r}", code)
        return SENT

    def _refused(self, detail: str, code: str) -> Delivery:
        log.warning("response_url refused the message", extra={"slack_error": detail})
        if self._on_refused is not None:
            self._on_refused("response_url", code)
        return Delivery(arrived=False, error=code)

    async def aclose(self) -> None:
        """Close the connections; later replies are refused."""
        self._closed = True
        if self._session is not None:
            await self._session.close()


def slack_error_code(error: SlackApiError) -> str:
    """Return Slack's error code (`not_in_channel`, …) from a failed Web API call."""
    data = error.response.data
    return str(data.get("error", "")) if isinstance(data, dict) else ""
