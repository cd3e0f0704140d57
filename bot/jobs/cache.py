"""JobCache: one upstream request per job at a time, and a short-lived cache.

When twenty people in an incident channel look up or refresh the same job at once, the
job API should see one request: concurrent lookups share the request in flight, and its
answer is kept for `ttl_s` seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from bot.jobs import errors
from bot.jobs.models import Job

MAX_ENTRIES = 1024


class JobSource(Protocol):
    """Anything that can fetch a job (the real client)."""

    @property
    def service(self) -> str: ...

    @property
    def timeout_s(self) -> float: ...

    async def get_job(self, job_id: int) -> Job: ...


class CacheObserver:
    """Hooks for metrics; the default does nothing."""

    def cache_hit(self) -> None:
        """Count a lookup answered from the cache."""

    def coalesced(self) -> None:
        """Count a lookup that joined a request already in flight."""


class JobCache:
    """Fetch jobs through a source, sharing requests in flight and caching answers briefly."""

    def __init__(
        self,
        source: JobSource,
        *,
        ttl_s: float,
        observer: CacheObserver | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self._ttl_s = ttl_s
        self._observer = observer or CacheObserver()
        self._clock = clock
        # job_id -> (when the request that produced it started, job or not-found error)
        self._cache: OrderedDict[int, tuple[float, Job | errors.JobNotFound]] = OrderedDict()
        self._in_flight: dict[int, asyncio.Task[Job]] = {}

    @property
    def timeout_s(self) -> float:
        """Return the lookup's time budget."""
        return self.source.timeout_s

    async def get(self, job_id: int) -> Job:
        """Return the job, from a request at most `ttl_s` old."""
        cached = self._cache.get(job_id)
        if cached is not None and self._clock() - cached[0] <= self._ttl_s:
            self._observer.cache_hit()
            if isinstance(cached[1], errors.JobNotFound):
                raise cached[1]
            return cached[1]
        task = self._in_flight.get(job_id)
        if task is None:
            task = asyncio.create_task(self._fetch(job_id, self._clock()))
            task.add_done_callback(_mark_observed)
            self._in_flight[job_id] = task
        else:
            self._observer.coalesced()
        # shield: one caller giving up (its Slack request cancelled) must not cancel the
        # request the others are waiting for.
        return await asyncio.shield(task)

    async def _fetch(self, job_id: int, started: float) -> Job:
        try:
            job = await self.source.get_job(job_id)
        except errors.JobNotFound as missing:
            self._remember(job_id, started, missing)
            raise
        else:
            self._remember(job_id, started, job)
            return job
        finally:
            del self._in_flight[job_id]

    def _remember(self, job_id: int, started: float, result: Job | errors.JobNotFound) -> None:
        if self._ttl_s <= 0:
            return
        self._cache[job_id] = (started, result)
        self._cache.move_to_end(job_id)
        while len(self._cache) > MAX_ENTRIES:
            self._cache.popitem(last=False)


def _mark_observed(task: asyncio.Task[Job]) -> None:
    # Every waiter may have gone (their Slack requests cancelled); reading the exception here
    # keeps asyncio from reporting it as never retrieved.
    if not task.cancelled():
        task.exception()
