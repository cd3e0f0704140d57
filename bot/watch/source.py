"""Reading watched jobs: one request per job, or the job list when that costs fewer requests.

Per interval a project costs `min(watched jobs, list pages)` requests: with few watched jobs
each is read on its own; once they outnumber the list's pages (100 jobs a page) the whole list
is read instead. The page count is learnt from the list's total and refreshed now and then.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from typing import Protocol

from bot.huawei import errors
from bot.jobs.client import JobsClient
from bot.jobs.models import Job
from bot.jobs.paging import JobQuery, PageRef
from bot.usecases.watching.changes import Reading

PAGE_SIZE = 100
# How long a learnt page count is trusted before the first page is read again to check it.
PAGES_TTL_S = 600.0

Outcome = Reading | errors.JobApiError


class JobGetter(Protocol):
    """Reads one job (the job API's details request)."""

    async def get_job(self, job_id: int) -> Job: ...


@dataclass(frozen=True)
class ListPage:
    """One page of the job list: each row's reading, and how many jobs the project has."""

    readings: dict[int, Reading]
    total: int


class JobLister(Protocol):
    """Reads the job list, `PAGE_SIZE` rows a page, one request per page, first page first."""

    def pages(self) -> AsyncGenerator[ListPage, None]: ...


class SourceObserver:
    """Told how many requests each read cost (metrics subclass it)."""

    def requests(self, project: str, mode: str, count: int) -> None:
        """Count requests sent to read watched jobs: mode `job` or `list`."""


def reading_of(job: Job) -> Reading:
    """Turn a job's details into what change detection compares."""
    return Reading(
        job_name=(job.name or "").strip(),
        status=job.status,
        status_desc=(job.status_desc or "").strip(),
        restart_times=job.restart_times,
    )


@dataclass
class _Pages:
    count: int
    learnt_at: float


class JobReader:
    """Reads a project's watched jobs in the cheaper of the two ways, a few requests at a time."""

    def __init__(
        self,
        getter: Callable[[str], JobGetter],
        lister: Callable[[str], JobLister | None],
        *,
        concurrency: int,
        clock: Callable[[], float],
        observer: SourceObserver | None = None,
    ) -> None:
        self._getter = getter
        self._lister = lister
        self._limit = asyncio.Semaphore(concurrency)
        self._clock = clock
        self._observer = observer or SourceObserver()
        self._pages: dict[str, _Pages] = {}

    async def read(self, project: str, job_ids: list[int]) -> dict[int, Outcome]:
        """Read every job; each gets its reading or the error that kept it from being read."""
        lister = self._lister(project)
        if lister is not None and len(job_ids) > 1:
            pages = await self._page_count(project, lister)
            if pages is not None and len(job_ids) > pages:
                return await self._read_list(project, lister, job_ids)
        return await self._read_each(project, job_ids)

    async def _page_count(self, project: str, lister: JobLister) -> int | None:
        known = self._pages.get(project)
        if known and self._clock() - known.learnt_at < PAGES_TTL_S:
            return known.count
        pages = lister.pages()
        try:
            async with self._limit:
                first = await anext(pages)
        except (errors.JobApiError, StopAsyncIteration):
            return known.count if known else None
        finally:
            self._observer.requests(project, "list", 1)
            await pages.aclose()
        self._learn(project, first.total)
        return self._pages[project].count

    def _learn(self, project: str, total: int) -> None:
        self._pages[project] = _Pages(max(1, math.ceil(total / PAGE_SIZE)), self._clock())

    async def _read_each(self, project: str, job_ids: list[int]) -> dict[int, Outcome]:
        getter = self._getter(project)

        async def one(job_id: int) -> Outcome:
            async with self._limit:
                try:
                    return reading_of(await getter.get_job(job_id))
                except errors.JobApiError as error:
                    return error

        outcomes = await asyncio.gather(*(one(j) for j in job_ids))
        self._observer.requests(project, "job", len(job_ids))
        return dict(zip(job_ids, outcomes, strict=True))

    async def _read_list(
        self, project: str, lister: JobLister, job_ids: list[int]
    ) -> dict[int, Outcome]:
        wanted = set(job_ids)
        found: dict[int, Outcome] = {}
        pages = lister.pages()
        try:
            while wanted - found.keys():
                async with self._limit:
                    listed = await anext(pages, None)
                if listed is None:
                    break
                self._observer.requests(project, "list", 1)
                found.update({j: r for j, r in listed.readings.items() if j in wanted})
                self._learn(project, listed.total)
        except errors.JobApiError as error:
            return {j: found.get(j, error) for j in job_ids}
        finally:
            await pages.aclose()
        # A job missing from the list may have moved between pages while we read: ask for it.
        missing = [j for j in job_ids if j not in found]
        if missing:
            found.update(await self._read_each(project, missing))
        return {j: found[j] for j in job_ids}


class ClientLister:
    """Reads a project's job list through the job API client, newest first."""

    def __init__(self, client: JobsClient) -> None:
        self._client = client

    async def pages(self) -> AsyncGenerator[ListPage, None]:
        """Yield each page of the list in turn (one request each) until the last."""
        query = JobQuery(limit=PAGE_SIZE)
        ref: PageRef | None = None
        while True:
            page = await self._client.list_jobs(query, ref)
            readings = {job.job_id: reading_of(job) for job in page.jobs if job.job_id}
            more = page.next_ref is not None and bool(page.jobs)
            # CS may not say how many jobs there are: count what we saw, and a page more.
            total = page.total
            if total is None:
                total = page.offset + len(page.jobs) + (PAGE_SIZE if more else 0)
            yield ListPage(readings, total)
            if not more:
                return
            ref = page.next_ref
