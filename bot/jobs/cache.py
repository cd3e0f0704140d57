"""JobCache: one upstream request per question at a time, and a short-lived cache.

When twenty people in an incident channel look up, list or refresh the same job at once, the
job API should see one request: concurrent askers share the request in flight, and its answer
is kept for `ttl_s` seconds. A job, a page of the job list and a plan are cached alike.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, Protocol, TypeVar

from bot.huawei import errors
from bot.jobs.models import Job
from bot.jobs.paging import JobPage, JobQuery, PageRef
from bot.jobs.plan import ExecutionPlan

MAX_ENTRIES = 1024

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class JobSource(Protocol):
    """Anything that can answer about jobs (the real client)."""

    @property
    def service(self) -> str: ...

    @property
    def timeout_s(self) -> float: ...

    async def get_job(self, job_id: int) -> Job: ...

    async def list_jobs(self, query: JobQuery, page: PageRef | None = None) -> JobPage: ...

    async def get_plan(self, job_id: int) -> ExecutionPlan: ...


class CacheObserver:
    """Hooks for metrics; the default does nothing."""

    def cache_hit(self) -> None:
        """Count a lookup answered from the cache."""

    def coalesced(self) -> None:
        """Count a lookup that joined a request already in flight."""


class _Shared(Generic[K, V]):
    """Answers by key: shared while in flight, kept `ttl_s` (a not-found answer too)."""

    def __init__(self, ttl_s: float, observer: CacheObserver, clock: Callable[[], float]) -> None:
        self._ttl_s = ttl_s
        self._observer = observer
        self._clock = clock
        # key -> (when the request that produced it started, answer or not-found error)
        self._cache: OrderedDict[K, tuple[float, V | errors.JobNotFound]] = OrderedDict()
        self._in_flight: dict[K, asyncio.Task[V]] = {}

    async def get(self, key: K, fetch: Callable[[], Awaitable[V]]) -> V:
        cached = self._cache.get(key)
        if cached is not None and self._clock() - cached[0] <= self._ttl_s:
            self._observer.cache_hit()
            if isinstance(cached[1], errors.JobNotFound):
                raise cached[1]
            return cached[1]
        task = self._in_flight.get(key)
        if task is None:
            task = asyncio.create_task(self._fetch(key, fetch, self._clock()))
            task.add_done_callback(_mark_observed)
            self._in_flight[key] = task
        else:
            self._observer.coalesced()
        # shield: one caller giving up (its Slack request cancelled) must not cancel the
        # request the others are waiting for.
        return await asyncio.shield(task)

    async def _fetch(self, key: K, fetch: Callable[[], Awaitable[V]], started: float) -> V:
        try:
            value = await fetch()
        except errors.JobNotFound as missing:
            self._remember(key, started, missing)
            raise
        else:
            self._remember(key, started, value)
            return value
        finally:
            del self._in_flight[key]

    def _remember(self, key: K, started: float, result: V | errors.JobNotFound) -> None:
        if self._ttl_s <= 0:
            return
        self._cache[key] = (started, result)
        self._cache.move_to_end(key)
        while len(self._cache) > MAX_ENTRIES:
            self._cache.popitem(last=False)


class JobCache:
    """Ask a source about jobs, sharing requests in flight and caching answers briefly."""

    def __init__(
        self,
        source: JobSource,
        *,
        ttl_s: float,
        observer: CacheObserver | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        seen = observer or CacheObserver()
        self._jobs: _Shared[int, Job] = _Shared(ttl_s, seen, clock)
        self._pages: _Shared[tuple[JobQuery, PageRef | None], JobPage] = _Shared(ttl_s, seen, clock)
        self._plans: _Shared[int, ExecutionPlan] = _Shared(ttl_s, seen, clock)

    @property
    def timeout_s(self) -> float:
        """Return the lookup's time budget."""
        return self.source.timeout_s

    @property
    def service(self) -> str:
        """Return which API answers: `cs` or `dli`."""
        return self.source.service

    async def get(self, job_id: int) -> Job:
        """Return the job, from a request at most `ttl_s` old."""
        return await self._jobs.get(job_id, lambda: self.source.get_job(job_id))

    async def list_jobs(self, query: JobQuery, page: PageRef | None = None) -> JobPage:
        """Return a page of the job list, from a request at most `ttl_s` old."""
        return await self._pages.get((query, page), lambda: self.source.list_jobs(query, page))

    async def get_plan(self, job_id: int) -> ExecutionPlan:
        """Return a job's execution plan, from a request at most `ttl_s` old."""
        return await self._plans.get(job_id, lambda: self.source.get_plan(job_id))


def _mark_observed(task: asyncio.Task[V]) -> None:
    # Every waiter may have gone (their Slack requests cancelled); reading the exception here
    # keeps asyncio from reporting it as never retrieved.
    if not task.cancelled():
        task.exception()
