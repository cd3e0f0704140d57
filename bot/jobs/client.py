"""JobsClient: ask CS or DLI about jobs (one, a page, a plan) within a deadline, retrying."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

import httpx

from bot.huawei import errors
from bot.huawei.endpoints import Service, job_path, list_path, plan_path
from bot.huawei.retry_after import parse_retry_after
from bot.jobs.models import Job
from bot.jobs.paging import (
    DLI_MAX_NAME,
    FIRST_PAGE,
    JobPage,
    JobQuery,
    PageRef,
    list_params,
    make_page,
)
from bot.jobs.plan import ExecutionPlan
from bot.jobs.wire import dated, decode_job, decode_job_page, decode_plan
from bot.timing import utc_now

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, bounded by attempts and the lookup's deadline."""

    max_attempts: int = 4
    base_delay_s: float = 0.1
    max_delay_s: float = 2.0

    def delay(self, attempt: int, jitter: float) -> float:
        """Return how long to wait after the given failed attempt (1-based)."""
        return float(min(self.max_delay_s, self.base_delay_s * 2.0 ** (attempt - 1)) * jitter)


class LookupObserver:
    """Hooks for metrics; the default does nothing."""

    def attempt(self, service: str, attempt: int) -> None:
        """Count one request sent upstream (attempt 1 is not a retry)."""

    def finished(self, service: str, outcome: str, seconds: float) -> None:
        """Record how one lookup ended."""


RETRYABLE = (errors.ApiUnavailable, errors.Throttled)
# Requests to the job API at once (httpx's pool size); the rest wait their turn within their
# own deadline. httpx's pool scans every waiter against every connection at each release
# (a 200-burst: ~10 ms of CPU per lookup, profiled with cProfile); a semaphore in front of it
# queues them for free.
MAX_CONCURRENT_REQUESTS = 100


T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


class JobsClient:
    """Ask the CS or DLI API about jobs. One instance per process; it owns its connections."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        service: Service,
        project_id: str,
        timeout_s: float,
        retry: RetryPolicy | None = None,
        observer: LookupObserver | None = None,
        jitter: Callable[[], float] = random.random,
        max_concurrent: int = MAX_CONCURRENT_REQUESTS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        utc_now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._http = http
        # Dates an answer that says neither in its body nor its headers when it was given.
        self._utc_now = utc_now
        self._slots = asyncio.Semaphore(max_concurrent)
        self.service = service
        self._project_id = project_id
        self.timeout_s = timeout_s
        self._retry = retry or RetryPolicy()
        self._observer = observer or LookupObserver()
        self._jitter = jitter
        # The deadline and retry waits are measured on `clock` and waited with `sleep`.
        self._clock = clock
        self._sleep = sleep

    async def get_job(self, job_id: int) -> Job:
        """Fetch a job, or raise a JobApiError; never takes longer than `timeout_s`."""

        def decode(r: httpx.Response) -> Job:
            job = decode_job(self.service, r.status_code, r.headers, r.content)
            return dated(job, self._arrived())

        path = job_path(self.service, self._project_id, job_id)
        return await self._within_deadline(path, None, decode, lookup=True)

    async def list_jobs(self, query: JobQuery, page: PageRef | None = None) -> JobPage:
        """Fetch one page of the job list (the first if `page` is None): one request, retried."""
        ref = page or FIRST_PAGE
        if self.service == "cs" and ref.cursor is None:
            # CS pages only by cursor: without one, this is the first page whatever it says.
            ref = FIRST_PAGE
        if self.service == "dli" and query.name is not None and len(query.name) > DLI_MAX_NAME:
            # No DLI job has such a name, and DLI refuses to search for one.
            return make_page(self.service, query, ref, (), 0)

        def decode(r: httpx.Response) -> JobPage:
            page = decode_job_page(self.service, r.status_code, r.headers, r.content, query, ref)
            arrived = self._arrived()
            return replace(page, jobs=tuple(dated(job, arrived) for job in page.jobs))

        path = list_path(self.service, self._project_id)
        return await self._within_deadline(path, list_params(self.service, query, ref), decode)

    async def get_plan(self, job_id: int) -> ExecutionPlan:
        """Fetch a job's execution plan, or raise a JobApiError (JobNotFound for no job)."""

        def decode(r: httpx.Response) -> ExecutionPlan:
            return decode_plan(self.service, job_id, r.status_code, r.headers, r.content)

        path = plan_path(self.service, self._project_id, job_id)
        return await self._within_deadline(path, None, decode)

    def _arrived(self) -> int:
        """Return the time now, as epoch milliseconds."""
        return int(self._utc_now().timestamp() * 1000)

    async def _within_deadline(
        self,
        path: str,
        params: list[tuple[str, str]] | None,
        decode: Callable[[httpx.Response], T],
        *,
        lookup: bool = False,
    ) -> T:
        started = self._clock()
        attempts = 0
        outcome = "ok"
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.timeout_s) as deadline:
                while True:
                    attempts += 1
                    self._observer.attempt(self.service, attempts)
                    try:
                        return await self._attempt(path, params, decode)
                    except errors.JobApiError as error:
                        error.attempts = attempts
                        delay = self._retry_delay(error, attempts, started)
                        if delay is None:
                            raise
                        log.info(
                            "job API attempt %d failed, retrying in %.2f s",
                            attempts,
                            delay,
                            extra=error.log_fields(),
                        )
                        await self._sleep(delay)
                        # The time a wait used is the clock's: the rest of the budget is
                        # what is left of it (the same instant when the clock is the loop's).
                        left = self.timeout_s - (self._clock() - started)
                        deadline.reschedule(loop.time() + left)
        except TimeoutError:
            outcome = "ApiTimeout"
            raise errors.ApiTimeout(
                f"no answer within {self.timeout_s:g} s", attempts=attempts
            ) from None
        except errors.JobApiError as error:
            outcome = type(error).__name__
            raise
        finally:
            # Upstream requests are all counted by `attempt`; lookups are timed on their own.
            if lookup:
                self._observer.finished(self.service, outcome, self._clock() - started)

    async def _attempt(
        self,
        path: str,
        params: list[tuple[str, str]] | None,
        decode: Callable[[httpx.Response], T],
    ) -> T:
        try:
            query = httpx.QueryParams(tuple(params)) if params else None
            async with self._slots:
                response = await self._http.get(path, params=query)
        except httpx.TimeoutException:
            raise errors.ApiUnavailable("the job API timed out on one attempt") from None
        except httpx.TransportError as exc:
            raise errors.ApiUnavailable(
                f"could not reach the job API ({type(exc).__name__})"
            ) from None
        try:
            return decode(response)
        except errors.Throttled as error:
            error.retry_after = parse_retry_after(response.headers.get("retry-after"))
            raise

    def _retry_delay(
        self, error: errors.JobApiError, attempts: int, started: float
    ) -> float | None:
        if not isinstance(error, RETRYABLE) or attempts >= self._retry.max_attempts:
            return None
        remaining = self.timeout_s - (self._clock() - started)
        if error.retry_after is not None:
            delay = error.retry_after
        else:
            delay = self._retry.delay(attempts, self._jitter())
        # A wait that outlasts the deadline only delays the bad news.
        return delay if delay < remaining else None

    async def aclose(self) -> None:
        """Close the connections (and the sign-in's own, if it has any)."""
        close_auth = getattr(self._http.auth, "aclose", None)
        if close_auth is not None:
            await close_auth()
        await self._http.aclose()
