"""Waiting in tests without waiting real seconds: a skipping clock, and bounded polls."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from bot.timing import Timing
from tests.fakes import wait_until

__all__ = ["REQUESTS", "FakeTime", "Requests", "eventually", "wait_until"]


class FakeTime:
    """Real time plus every wait skipped: `sleep` returns at once and the clocks move on.

    `pause` (the poller's wait between ticks) waits for real, so a poller left alone paces
    itself at its interval; `ticks(n)` ends its current waits at once, n times, and returns
    when the poller has finished n more ticks (its clocks moved on by what it skipped).
    """

    def __init__(self) -> None:
        self.skipped = 0.0
        self.slept: list[float] = []
        self.pauses = 0
        self.pausing = 0
        self._kick = asyncio.Event()

    def wall(self) -> float:
        return time.time() + self.skipped

    def monotonic(self) -> float:
        return time.monotonic() + self.skipped

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.skipped += max(0.0, seconds)
        await asyncio.sleep(0)

    async def pause(self, seconds: float) -> None:
        self.pauses += 1
        self.pausing += 1
        started = time.monotonic()
        try:
            await asyncio.wait_for(self._kick.wait(), timeout=seconds)
        except TimeoutError:
            return
        finally:
            self.pausing -= 1
        self.skipped += max(0.0, seconds - (time.monotonic() - started))

    async def ticks(self, n: int, timeout: float = 5.0) -> None:
        """Let the poller run n more ticks now, without waiting out its interval."""
        for _ in range(n):
            await wait_until(lambda: self.pausing > 0, timeout=timeout)
            seen = self.pauses
            kick, self._kick = self._kick, asyncio.Event()
            kick.set()
            await wait_until(lambda s=seen: self.pauses > s, timeout=timeout)

    def timing(self) -> Timing:
        return Timing(wall=self.wall, monotonic=self.monotonic, sleep=self.sleep, pause=self.pause)


async def eventually(
    predicate: Callable[[], Awaitable[bool]], timeout: float = 10.0, every: float = 0.05
) -> None:
    """Wait until `await predicate()` is true (it asks over I/O), failing after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not await predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(every)


class Requests(logging.Handler):
    """Slack requests jobbot accepted in this test, and how many have finished their work.

    jobbot writes one audit line per request once its work and replies are done, so when
    every accepted request has its line, nothing more can follow from them.
    """

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.accepted = 0
        self.finished = 0

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "audit", False):
            self.finished += 1

    async def settled(self, timeout: float = 5.0) -> None:
        """Wait until every accepted request has finished its work."""
        await wait_until(lambda: self.finished >= self.accepted, timeout=timeout)


REQUESTS = Requests()
