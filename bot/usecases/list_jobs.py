"""List jobs a page at a time: one API request a page, newest first.

A status word standing for one API status (`running`) is the API's own filter: 20 jobs a
page and an exact total. Words standing for several statuses (`failed` is three) cannot be
one filter, and one request a page must stay one request: such a page reads the next 100
jobs of the list (the API's largest page) and shows those in the statuses asked for.
"""

from __future__ import annotations

import logging

from bot.huawei import errors
from bot.jobs.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, JobQuery, PageRef
from bot.render.lists import PageView, list_message
from bot.render.messages import list_error
from bot.render.refs import ListRef
from bot.usecases.answer import Answer
from bot.usecases.projects import Project
from bot.usecases.requests import STATUS_WORDS

log = logging.getLogger(__name__)

NAME_LIMIT = 300


def _api_statuses(words: tuple[str, ...]) -> tuple[str, ...]:
    found: list[str] = []
    for word in words:
        found += [s for s in STATUS_WORDS.get(word, ()) if s not in found]
    return tuple(found)


def _title(words: tuple[str, ...], name: str | None) -> str:
    title = " or ".join(words) + " jobs" if words else "jobs"
    return f"{title} named like “{name}”" if name else title


async def list_jobs(project: Project, ref: ListRef) -> Answer:
    """Read one page of the list the reference describes and render it."""
    statuses = _api_statuses(ref.statuses)
    several = len(statuses) > 1
    query = JobQuery(
        name=ref.name or None,
        status=statuses[0] if len(statuses) == 1 else None,
        limit=MAX_PAGE_SIZE if several else DEFAULT_PAGE_SIZE,
    )
    page_ref = PageRef.decode(ref.page)
    try:
        page = await project.jobs.list_jobs(query, page_ref)
    except errors.JobApiError as error:
        log.warning("job list failed: %s", type(error).__name__, extra=error.log_fields())
        return Answer(
            list_error(error, timeout_s=project.jobs.timeout_s), False, type(error).__name__
        )
    jobs = tuple(job for job in page.jobs if job.status in statuses) if several else page.jobs
    view = PageView(
        jobs=jobs,
        first=page.offset + 1,
        total=page.total,
        scanned=len(page.jobs) if several else None,
        next_ref=_neighbour(ref, page.next_ref),
        previous_ref=_neighbour(ref, page.previous_ref),
    )
    title = _title(ref.statuses, ref.name)
    if project.name:
        title += f" in {project.name}"
    ids = tuple(job.job_id for job in jobs if job.job_id)
    return Answer(list_message(view, title=title), public=True, outcome="ok", job_ids=ids)


def _neighbour(ref: ListRef, page: PageRef | None) -> ListRef | None:
    return None if page is None else ref.model_copy(update={"page": page.encode()})


def first_page(project: Project, words: tuple[str, ...], name: str | None) -> ListRef:
    """Return the reference of a list's first page."""
    # Kept whole in the page buttons; no job has a longer name (DLI allows 57 characters).
    return ListRef(project=project.name, statuses=words, name=name[:NAME_LIMIT] if name else None)
