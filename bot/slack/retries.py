"""slack_sdk's retry handlers for 429s and dropped connections, with an injectable sleep."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.huawei.retry_after import parse_retry_after

Sleep = Callable[[float], Awaitable[None]]

MAX_429_RETRIES = 3
MAX_CONNECTION_RETRIES = 2
# Slack's Retry-After is a few seconds; a longer one would hold a card past any use.
MAX_RETRY_AFTER_S = 30.0


class RateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """Wait out Slack's 429 as its `Retry-After` says, then send again.

    The SDK's handler calls asyncio.sleep itself and reads only whole seconds (an HTTP-date
    Retry-After raises); this one reads both forms, caps the wait and sleeps through `sleep`.
    """

    def __init__(
        self,
        max_retry_count: int = MAX_429_RETRIES,
        *,
        sleep: Sleep = asyncio.sleep,
        max_wait_s: float = MAX_RETRY_AFTER_S,
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._sleep = sleep
        self._max_wait_s = max_wait_s

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        """Sleep for Retry-After (plus up to 1 s of jitter, as the SDK does), then retry."""
        if response is None:
            raise error or RuntimeError("no response to read Retry-After from")
        state.next_attempt_requested = True
        values = {key.lower(): value for key, value in response.headers.items()}
        header = values.get("retry-after") or [""]
        wait = parse_retry_after(header[0] if isinstance(header, list) else header)
        wait = (1.0 if wait is None else wait) + random.random()
        await self._sleep(min(self._max_wait_s, wait))
        state.increment_current_attempt()


class ConnectionRetry(AsyncConnectionErrorRetryHandler):
    """Send again after a dropped or reset connection (aiohttp's errors), with backoff."""

    def __init__(
        self, max_retry_count: int = MAX_CONNECTION_RETRIES, *, sleep: Sleep = asyncio.sleep
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._sleep = sleep

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        """Sleep for the SDK's exponential backoff with jitter, then retry."""
        state.next_attempt_requested = True
        await self._sleep(self.interval_calculator.calculate_sleep_duration(state.current_attempt))
        state.increment_current_attempt()


def slack_retry_handlers(sleep: Sleep = asyncio.sleep) -> list[AsyncRetryHandler]:
    """Return the handlers every Slack call gets: dropped connections, then 429s."""
    return [ConnectionRetry(sleep=sleep), RateLimitRetry(sleep=sleep)]
