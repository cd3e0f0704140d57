"""List jobs a page at a time, newest first, 20 a page with an exact total.

A status word standing for one API status (`running`) is the API's own filter: one request a
page. Words standing for several statuses (`failed` is three) ask once per status, at once,
and merge the answers (bot.jobs.merged).
"""

from __future__ import annotations

import logging

from bot.huawei import errors
from bot.jobs.merged import MergedPage, MergedRef, merged_page
from bot.jobs.paging import JobPage, JobQuery, PageRef
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
    try:
        page = await _read_page(project, ref, statuses)
    except errors.JobApiError as error:
        log.warning("job list failed: %s", type(error).__name__, extra=error.log_fields())
        return Answer(
            list_error(error, timeout_s=project.jobs.timeout_s), False, type(error).__name__
        )
    jobs = page.jobs
    view = PageView(
        jobs=jobs,
        first=page.offset + 1,
        total=page.total,
        next_ref=_neighbour(ref, page.next_ref),
        previous_ref=_neighbour(ref, page.previous_ref),
    )
    title = _title(ref.statuses, ref.name)
    if project.name:
        title += f" in {project.name}"
    ids = tuple(job.job_id for job in jobs if job.job_id)
    return Answer(list_message(view, title=title), public=True, outcome="ok", job_ids=ids)


async def _read_page(
    project: Project, ref: ListRef, statuses: tuple[str, ...]
) -> JobPage | MergedPage:
    if len(statuses) > 1:
        return await merged_page(
            project.jobs.list_jobs,
            service=project.jobs.service,
            query=JobQuery(name=ref.name or None),
            statuses=statuses,
            ref=MergedRef.decode(ref.page, len(statuses)),
        )
    query = JobQuery(name=ref.name or None, status=statuses[0] if statuses else None)
    return await project.jobs.list_jobs(query, PageRef.decode(ref.page))


def _neighbour(ref: ListRef, page: PageRef | MergedRef | None) -> ListRef | None:
    return None if page is None else ref.model_copy(update={"page": page.encode()})


def first_page(project: Project, words: tuple[str, ...], name: str | None) -> ListRef:
    """Return the reference of a list's first page."""
    # Kept whole in the page buttons; no job has a longer name (DLI allows 57 characters).
    return ListRef(project=project.name, statuses=words, name=name[:NAME_LIMIT] if name else None)
