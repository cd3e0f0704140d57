"""Acknowledgements first: work after an ack waits while other requests await theirs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass

# Under steady traffic the server is never idle; a card waits at most this long for it.
MAX_DEFER_S = 0.5
# A request with no other arriving this close before it is alone: not part of a burst.
QUIET_S = 0.05


@dataclass
class _Request:
    """One request being acknowledged; counted once however it ends."""

    alone: bool
    counted: bool = True


# The request a listener runs for: Bolt starts the listener as a task inside the dispatch,
# so the task sees the request it was started for.
_current: ContextVar[_Request | None] = ContextVar("jobbot_request_acknowledging", default=None)


class AcksFirst:
    """Count the Slack requests not yet acknowledged; let follow-up work wait for none.

    Slack gives 3 s for an acknowledgement and none for the card. In a burst, one event loop
    that renders and posts the first cards while later requests still wait for their ack
    makes those acks slow; deferring the follow-up work a moment keeps every ack fast.
    """

    def __init__(
        self, max_defer_s: float = MAX_DEFER_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._pending = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._max_defer_s = max_defer_s
        self._clock = clock
        self._last_arrival = float("-inf")

    @property
    def pending(self) -> int:
        """Return how many requests are between arrival and acknowledgement."""
        return self._pending

    @contextmanager
    def acknowledging(self) -> Iterator[None]:
        """Count one request from its arrival until its acknowledgement is sent."""
        now = self._clock()
        request = _Request(alone=self._pending == 0 and now - self._last_arrival >= QUIET_S)
        self._last_arrival = now
        token = _current.set(request)
        self._pending += 1
        self._idle.clear()
        try:
            yield
        finally:
            _current.reset(token)
            self._uncount(request)

    def _uncount(self, request: _Request) -> None:
        if not request.counted:
            return
        request.counted = False
        self._pending -= 1
        if self._pending == 0:
            self._idle.set()

    async def settled(self) -> None:
        """Wait until no request awaits its acknowledgement (at most `max_defer_s`).

        A request that came alone and is still alone goes on at once, after its listener's
        ack() and before Bolt sends it (Bolt looks for the ack every 10 ms). In a burst, even
        the listener's own request waits until sent: that short wait lets the rest of the
        burst arrive and be counted before any card is made.
        """
        request = _current.get()
        if request is not None and request.alone and self._pending == 1:
            self._uncount(request)
        if self._pending == 0:
            return
        with suppress(TimeoutError):
            async with asyncio.timeout(self._max_defer_s):
                await self._idle.wait()
