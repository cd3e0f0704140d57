"""Pages of the job list: one query and page reference for CS's cursors and DLI's offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.huawei.endpoints import Service
from bot.jobs.models import Job

# DLI refuses a bigger page (limit 0-100); CS documents no limit, so one ceiling serves both.
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# CS and DLI take job names of at most 57 characters, in their create calls and list filters.
MAX_NAME_LENGTH = 57
# On DLI a longer name matches nothing, and DLI refuses it.
DLI_MAX_NAME = MAX_NAME_LENGTH


@dataclass(frozen=True)
class JobQuery:
    """Which jobs to list: a name (part of it), one API status, page size and order."""

    name: str | None = None
    status: str | None = None
    limit: int = DEFAULT_PAGE_SIZE
    newest_first: bool = True
    # Ask for whole jobs (show_detail=true) rather than the list's short rows.
    detail: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            raise ValueError(f"a page holds 1 to {MAX_PAGE_SIZE} jobs, not {self.limit}")


_REF = re.compile(r"^o(?P<offset>\d{1,9})(?:c(?P<cursor>\d{1,19})(?P<way>[fb]))?$")


@dataclass(frozen=True)
class PageRef:
    """Where a page starts.

    `offset` is the position of the page's first job in the list (DLI pages by it; for CS it
    is counted as the pages go, for "41-60 of 340"). CS pages by `cursor`, a job ID: the page
    holds the jobs after it (`forward`) or the jobs before it (not `forward`).
    """

    offset: int = 0
    cursor: int | None = None
    forward: bool = True

    def encode(self) -> str:
        """Return a short text form for a button's value (`o40`, `o40c50321f`)."""
        if self.cursor is None:
            return f"o{self.offset}"
        return f"o{self.offset}c{self.cursor}{'f' if self.forward else 'b'}"

    @classmethod
    def decode(cls, text: str) -> PageRef | None:
        """Read `encode`'s form back; None for anything else (a forged button value)."""
        match = _REF.match(text.strip())
        if match is None:
            return None
        cursor = match.group("cursor")
        return cls(
            offset=int(match.group("offset")),
            cursor=int(cursor) if cursor is not None else None,
            forward=match.group("way") != "b",
        )


FIRST_PAGE = PageRef()


@dataclass(frozen=True)
class JobPage:
    """One page of jobs, with how many match in all and how to ask for its neighbours."""

    jobs: tuple[Job, ...]
    total: int | None
    ref: PageRef
    next_ref: PageRef | None
    previous_ref: PageRef | None

    @property
    def offset(self) -> int:
        """Return the position of the page's first job (0-based)."""
        return self.ref.offset


def list_params(service: Service, query: JobQuery, ref: PageRef) -> list[tuple[str, str]]:
    """Return the list API's query parameters for a page."""
    params: list[tuple[str, str]] = [
        ("limit", str(query.limit)),
        ("order", "desc" if query.newest_first else "asc"),
        ("show_detail", "true" if query.detail else "false"),
    ]
    if query.name:
        params.append(("name", query.name))
    if query.status:
        params.append(("status", query.status))
    if service == "dli":
        params.append(("offset", str(ref.offset)))
    elif ref.cursor is not None:
        params += [("cursor", str(ref.cursor)), ("next", "true" if ref.forward else "false")]
    return params


def make_page(
    service: Service, query: JobQuery, ref: PageRef, jobs: tuple[Job, ...], total: int | None
) -> JobPage:
    """Put a page together with the references of the pages before and after it."""
    if service == "dli":
        return _offset_page(query, ref, jobs, total)
    return _cursor_page(query, ref, jobs, total)


def _more_after(end: int, count: int, query: JobQuery, total: int | None) -> bool:
    if total is not None:
        return end < total
    return count == query.limit


def _offset_page(
    query: JobQuery, ref: PageRef, jobs: tuple[Job, ...], total: int | None
) -> JobPage:
    end = ref.offset + len(jobs)
    following = PageRef(offset=end) if jobs and _more_after(end, len(jobs), query, total) else None
    preceding = PageRef(offset=max(0, ref.offset - query.limit)) if ref.offset > 0 else None
    return JobPage(jobs, total, ref, following, preceding)


def _cursor_page(
    query: JobQuery, ref: PageRef, jobs: tuple[Job, ...], total: int | None
) -> JobPage:
    if not ref.forward and all(job.job_id is not None for job in jobs):
        # The cursor pages by job ID; whatever order a backward page arrives in, show it in
        # the list's own order.
        jobs = tuple(sorted(jobs, key=lambda job: job.job_id or 0, reverse=query.newest_first))
    first = jobs[0].job_id if jobs else None
    last = jobs[-1].job_id if jobs else None
    end = ref.offset + len(jobs)
    back_offset = max(0, ref.offset - query.limit)
    following: PageRef | None = None
    preceding: PageRef | None = None
    if ref.forward:
        if last is not None and _more_after(end, len(jobs), query, total):
            following = PageRef(offset=end, cursor=last)
        if ref.cursor is not None:
            anchor = first if first is not None else ref.cursor
            preceding = PageRef(offset=back_offset, cursor=anchor, forward=False)
    else:
        # A backward page always has the cursor's own job after it.
        following = PageRef(offset=end, cursor=last) if last is not None else FIRST_PAGE
        if first is not None and len(jobs) == query.limit and ref.offset > 0:
            preceding = PageRef(offset=back_offset, cursor=first, forward=False)
    return JobPage(jobs, total, ref, following, preceding)
