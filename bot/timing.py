"""The clocks and sleeps jobbot waits on, in one place so that tests can pass their own.

Time is read here (and injected everywhere else), in UTC.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

Sleep = Callable[[float], Awaitable[None]]


def utc_now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Timing:
    """What time it is and how to wait; the defaults are the real ones."""

    # Stored times, leases and when a watched job is next due (seconds since the epoch).
    wall: Callable[[], float] = time.time
    # The job API's deadlines, measured on a clock that never jumps.
    monotonic: Callable[[], float] = time.monotonic
    # Retry waits: the job API's backoff, Slack's Retry-After on watch posts.
    sleep: Sleep = asyncio.sleep
    # The poller's wait between ticks.
    pause: Sleep = asyncio.sleep


REAL = Timing()


def stoppable(sleep: Sleep, stopping: asyncio.Event) -> Sleep:
    """Return a sleep that ends early when the process is stopping."""

    async def wait(seconds: float) -> None:
        if stopping.is_set():
            return
        waiting = asyncio.ensure_future(sleep(seconds))
        stopped = asyncio.ensure_future(stopping.wait())
        try:
            await asyncio.wait((waiting, stopped), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (waiting, stopped):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    return wait
