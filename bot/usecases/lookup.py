"""The lookup window's question: one job, by ID or name, in the project typed or picked."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.huawei import errors
from bot.render.blocks import Message
from bot.render.card import build_job_card
from bot.render.messages import list_error
from bot.render.refusals import Asked, NoneNamed, NoSuchJob, NoSuchProject, NotAJob, SeveralNamed
from bot.usecases.find_job import match_name
from bot.usecases.job_names import is_job_name
from bot.usecases.projects import Project, Projects, UnknownProject
from bot.usecases.requests import FindJob, ShowJob, Usage, parse_job
from bot.usecases.show_job import show_job

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Query:
    """One job to look up, by ID or by name; `prefixed` when typed as `project:…`."""

    project: Project
    job_id: int | None = None
    name: str | None = None
    prefixed: bool = False

    @property
    def asked(self) -> Asked:
        """Return the query as the window says it back."""
        return Asked(self.project.name, self.job_id, self.name, self.prefixed)


@dataclass(frozen=True)
class Found:
    """The job's card."""

    query: Query
    job_id: int
    job_name: str
    card: Message


@dataclass(frozen=True)
class Failed:
    """The job API could not answer: the plain-words message, and the error's name."""

    message: Message
    outcome: str


Looked = Found | NoSuchJob | NoneNamed | SeveralNamed | Failed


def read_query(
    typed: str, picked: str | None, projects: Projects
) -> Query | NotAJob | NoSuchProject:
    """Read what was typed as `/job show` reads it; a `project:` prefix wins over the picker."""
    request = parse_job(typed, projects.names)
    if isinstance(request, Usage):
        if request.problem == "project":
            return NoSuchProject(request.argument, projects.names)
        return NotAJob()
    if isinstance(request, FindJob) and not is_job_name(request.name):
        return NotAJob()
    prefix = request.target.project if isinstance(request, ShowJob) else request.project
    try:
        project = projects.get(prefix) if prefix else projects.keyed(picked or "")
    except UnknownProject as unknown:
        return NoSuchProject(unknown.typed, unknown.known, picked=not prefix)
    if isinstance(request, ShowJob):
        return Query(project, job_id=request.target.job_id, prefixed=bool(prefix))
    return Query(project, name=request.name, prefixed=bool(prefix))


async def look_up(query: Query, *, now: datetime) -> Looked:
    """Fetch the job by ID, or find it by name with one list request."""
    project = query.project
    if query.job_id is not None:
        result = await show_job(project.jobs, query.job_id, now=now, project=project.name)
        if result.outcome == "JobNotFound":
            return NoSuchJob(query.asked)
        if result.job is None:
            return Failed(result.message, result.outcome)
        return Found(query, query.job_id, result.job.name or "", result.message)
    try:
        matches = await match_name(project, query.name or "")
    except errors.JobApiError as error:
        log.warning("name lookup failed: %s", type(error).__name__, extra=error.log_fields())
        message = list_error(error, timeout_s=project.jobs.timeout_s)
        return Failed(message, type(error).__name__)
    named = [job for job in matches.named if job.job_id]
    if len(named) == 1:
        job, job_id = named[0], named[0].job_id or 0
        card = build_job_card(job, job_id, now=now, project=project.name)
        return Found(query, job_id, job.name or "", card)
    if named:
        return SeveralNamed(query.asked, tuple(job.job_id or 0 for job in named))
    closest = ((job.name or "").strip() for job in matches.closest)
    return NoneNamed(query.asked, tuple(name for name in closest if name))


def outcome(looked: Looked) -> str:
    """Name how a lookup went, for the audit line."""
    match looked:
        case Found():
            return "ok"
        case NoSuchJob():
            return "JobNotFound"
        case NoneNamed():
            return "none"
        case SeveralNamed():
            return "several"
    return looked.outcome
