"""One list over several API statuses: a page of each, asked at once, merged newest first.

The list API filters by one status a request, so `failed` (three statuses) asks once per
status, concurrently, and merges the answers by job ID, newest first. The page after (or
before) a boundary is among the `limit` jobs each status has after (or before) it, so a page
costs one request per status however deep it is. The boundary travels in the page buttons:
on CS a job ID (every status's list pages by it as its cursor), on DLI one offset per status.
"""

from __future__ import annotations

import asyncio
import heapq
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.jobs.models import Job
from bot.jobs.paging import FIRST_PAGE, JobPage, JobQuery, PageRef

ListPage = Callable[[JobQuery, PageRef], Awaitable[JobPage]]

_REF = re.compile(
    r"^o(?P<offset>\d{1,9})"
    r"(?:c(?P<cursor>\d{1,19})(?P<cway>[fb])|s(?P<starts>\d{1,9}(?:-\d{1,9}){0,13})(?P<sway>[fb]))?$"
)


@dataclass(frozen=True)
class MergedRef:
    """Where a page of a merged list is: the `limit` jobs after or before a boundary.

    `offset` is the position of the page's first job in the merged list. The boundary is
    `cursor` on CS (a job ID) and `starts` on DLI (each status's own offset); `forward` says
    whether the page follows the boundary or ends at it. No boundary: the first page.
    """

    offset: int = 0
    cursor: int | None = None
    starts: tuple[int, ...] = ()
    forward: bool = True

    def encode(self) -> str:
        """Return a short text form for a button's value (`o40c50321f`, `o40s12-0-28b`)."""
        if self.cursor is not None:
            return f"o{self.offset}c{self.cursor}{'f' if self.forward else 'b'}"
        if any(self.starts) or not self.forward:
            starts = "-".join(str(start) for start in self.starts)
            return f"o{self.offset}s{starts}{'f' if self.forward else 'b'}"
        return f"o{self.offset}"

    @classmethod
    def decode(cls, text: str, statuses: int) -> MergedRef | None:
        """Read `encode`'s form back for a list of that many statuses; None if it is not ours."""
        match = _REF.match(text.strip())
        if match is None:
            return None
        offset = int(match.group("offset"))
        if match.group("cursor") is not None:
            return cls(offset, cursor=int(match.group("cursor")), forward=match["cway"] == "f")
        if match.group("starts") is None:
            return cls(offset) if offset == 0 else None
        starts = tuple(int(start) for start in match.group("starts").split("-"))
        if len(starts) != statuses:
            return None
        return cls(sum(starts), starts=starts, forward=match["sway"] == "f")


@dataclass(frozen=True)
class MergedPage:
    """One page of a merged list, the sum of the statuses' totals, and its neighbours."""

    jobs: tuple[Job, ...]
    total: int | None
    offset: int
    next_ref: MergedRef | None
    previous_ref: MergedRef | None


async def merged_page(
    list_jobs: ListPage,
    *,
    service: str,
    query: JobQuery,
    statuses: Sequence[str],
    ref: MergedRef | None,
) -> MergedPage:
    """Read a page of the jobs in any of `statuses`: one request per status, concurrently."""
    ref = ref or MergedRef()
    dli = service == "dli"
    starts = ref.starts or (0,) * len(statuses)
    if (ref.cursor is not None) == dli or (dli and len(starts) != len(statuses)):
        # No boundary, or another service's: the first page.
        ref, starts = MergedRef(), (0,) * len(statuses)
    pages = await _each_status(list_jobs, query, statuses, _status_refs(ref, starts, query.limit))
    lists = [_before(page, start) if dli and not ref.forward else page.jobs
             for page, start in zip(pages, starts, strict=True)]  # fmt: skip
    jobs, taken = _merge(lists, query.limit, newest_first=ref.forward)
    totals = [page.total for page in pages]
    total = None if None in totals else sum(t for t in totals if t is not None)
    if dli:
        before = starts if ref.forward else tuple(s - t for s, t in zip(starts, taken, strict=True))
        after = tuple(s + t for s, t in zip(before, taken, strict=True))
        offset = sum(before)
    else:
        before = after = ()
        offset = ref.offset if ref.forward or len(jobs) == query.limit else 0
    end = offset + len(jobs)
    more = end < total if total is not None else any(len(j) == query.limit for j in lists)
    following: MergedRef | None = None
    preceding: MergedRef | None = None
    if jobs and (more or not ref.forward):
        following = MergedRef(end, starts=after, forward=True)
        if not dli:
            following = MergedRef(end, cursor=jobs[-1].job_id or 0)
    if offset > 0:
        preceding = MergedRef()
        if offset > query.limit and jobs:
            back = offset - query.limit
            preceding = MergedRef(back, starts=before, forward=False)
            if not dli:
                preceding = MergedRef(back, cursor=jobs[0].job_id or 0, forward=False)
    return MergedPage(jobs, total, offset, following, preceding)


def _status_refs(ref: MergedRef, starts: tuple[int, ...], limit: int) -> list[PageRef]:
    """Return each status's own page: after the boundary, or the `limit` jobs before it."""
    if ref.cursor is not None:
        return [PageRef(cursor=ref.cursor, forward=ref.forward)] * len(starts)
    if ref.forward:
        return [PageRef(offset=start) if start else FIRST_PAGE for start in starts]
    return [PageRef(offset=max(0, start - limit)) for start in starts]


def _before(page: JobPage, start: int) -> tuple[Job, ...]:
    """Keep the jobs of a DLI page read backwards that come before the status's offset."""
    return page.jobs[: max(0, start - page.offset)]


async def _each_status(
    list_jobs: ListPage, query: JobQuery, statuses: Sequence[str], refs: Sequence[PageRef]
) -> list[JobPage]:
    calls = [
        list_jobs(JobQuery(name=query.name, status=status, limit=query.limit), ref)
        for status, ref in zip(statuses, refs, strict=True)
    ]
    # Every request runs to its end (each within the lookup's deadline), so none is left
    # behind unobserved; the first failure is the answer.
    answers = await asyncio.gather(*calls, return_exceptions=True)
    for answer in answers:
        if isinstance(answer, BaseException):
            raise answer
    return [answer for answer in answers if isinstance(answer, JobPage)]


def _merge(
    lists: Sequence[tuple[Job, ...]], limit: int, *, newest_first: bool
) -> tuple[tuple[Job, ...], list[int]]:
    """Merge newest-first lists: the newest `limit` (or, backwards, the oldest) and how many
    each list gave."""
    taken = [0] * len(lists)
    tagged = [[(i, job) for job in (jobs if newest_first else reversed(jobs))]
              for i, jobs in enumerate(lists)]  # fmt: skip
    sign = -1 if newest_first else 1
    seen: set[int] = set()
    page: list[Job] = []
    for i, job in heapq.merge(*tagged, key=lambda pair: sign * (pair[1].job_id or 0)):
        if len(page) == limit:
            break
        taken[i] += 1
        # A job that changed status between two requests can be in two lists: show it once.
        if (job.job_id or 0) in seen:
            continue
        seen.add(job.job_id or 0)
        page.append(job)
    return tuple(page if newest_first else reversed(page)), taken
