"""JobsClient: fetch one job from CS or DLI within a deadline, retrying what is worth it."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from bot.jobs import errors
from bot.jobs.endpoints import job_path
from bot.jobs.models import Job
from bot.jobs.retry_after import parse_retry_after
from bot.jobs.wire import Service, decode_job

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
    ) -> None:
        self._http = http
        self.service = service
        self._project_id = project_id
        self.timeout_s = timeout_s
        self._retry = retry or RetryPolicy()
        self._observer = observer or LookupObserver()
        self._jitter = jitter

    async def get_job(self, job_id: int) -> Job:
        """Fetch a job, or raise a JobApiError; never takes longer than `timeout_s`."""
        started = time.monotonic()
        attempts = 0
        outcome = "ok"
        try:
            async with asyncio.timeout(self.timeout_s):
                while True:
                    attempts += 1
                    self._observer.attempt(self.service, attempts)
                    try:
                        return await self._attempt(job_id)
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
                        await asyncio.sleep(delay)
        except TimeoutError:
            outcome = "ApiTimeout"
            raise errors.ApiTimeout(
                f"no answer within {self.timeout_s:g} s", attempts=attempts
            ) from None
        except errors.JobApiError as error:
            outcome = type(error).__name__
            raise
        finally:
            self._observer.finished(self.service, outcome, time.monotonic() - started)

    async def _attempt(self, job_id: int) -> Job:
        path = job_path(self.service, self._project_id, job_id)
        try:
            response = await self._http.get(path)
        except httpx.TimeoutException:
            raise errors.ApiUnavailable("the job API timed out on one attempt") from None
        except httpx.TransportError as exc:
            raise errors.ApiUnavailable(
                f"could not reach the job API ({type(exc).__name__})"
            ) from None
        try:
            return decode_job(
                self.service, response.status_code, response.headers, response.content
            )
        except errors.Throttled as error:
            error.retry_after = parse_retry_after(response.headers.get("retry-after"))
            raise

    def _retry_delay(
        self, error: errors.JobApiError, attempts: int, started: float
    ) -> float | None:
        if not isinstance(error, RETRYABLE) or attempts >= self._retry.max_attempts:
            return None
        remaining = self.timeout_s - (time.monotonic() - started)
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
