"""Find a job by its name: one list request, then its card, a short choice, or "no job named"."""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass
from datetime import datetime

from bot.huawei import errors
from bot.jobs.models import Job
from bot.jobs.paging import MAX_PAGE_SIZE, JobQuery
from bot.render.card import build_job_card
from bot.render.lists import choices_message
from bot.render.messages import list_error
from bot.render.text import code, fit
from bot.usecases.answer import Answer
from bot.usecases.projects import Project

log = logging.getLogger(__name__)

MAX_CHOICES = 10


def _named(jobs: tuple[Job, ...], name: str) -> list[Job]:
    exact = [job for job in jobs if (job.name or "").strip() == name]
    if exact:
        return exact
    return [job for job in jobs if (job.name or "").strip().lower() == name.lower()]


def _closest(jobs: tuple[Job, ...], name: str) -> list[Job]:
    def likeness(job: Job) -> float:
        return difflib.SequenceMatcher(None, name.lower(), (job.name or "").lower()).ratio()

    return sorted(jobs, key=likeness, reverse=True)[:MAX_CHOICES]


@dataclass(frozen=True)
class NameMatches:
    """The jobs a list request found by that exact name, else the closest names it found."""

    named: list[Job]
    closest: list[Job]


async def match_name(project: Project, name: str) -> NameMatches:
    """Ask for jobs by name with one list request (the API matches by "contains")."""
    name = name.strip()
    # Whole jobs (show_detail) so that one match is its card without a second request.
    page = await project.jobs.list_jobs(JobQuery(name=name, limit=MAX_PAGE_SIZE, detail=True))
    named = _named(page.jobs, name)
    return NameMatches(named, [] if named else _closest(page.jobs, name))


async def find_job(project: Project, name: str, *, now: datetime) -> Answer:
    """Look a job up by name: its card, a short choice, or "no job named" with the closest."""
    name = name.strip()
    shown = fit(name, 200, render=code)
    where = f" in project {code(project.name)}" if project.name else ""
    try:
        matches = await match_name(project, name)
    except errors.JobApiError as error:
        log.warning("name lookup failed: %s", type(error).__name__, extra=error.log_fields())
        return Answer(
            list_error(error, timeout_s=project.jobs.timeout_s), False, type(error).__name__
        )
    named = matches.named
    if len(named) == 1 and named[0].job_id:
        job = named[0]
        job_id = job.job_id or 0
        card = build_job_card(job, job_id, now=now, project=project.name)
        return Answer(card, public=True, outcome="ok", job_ids=(job_id,))
    if named:
        heading = f"*{len(named)} jobs are named {shown}{where}.* Which one?"
        return Answer(choices_message(heading, named, project.name), False, "several")
    if matches.closest:
        heading = f":mag: No job is named {shown}{where}. The closest names:"
        return Answer(choices_message(heading, matches.closest, project.name), False, "none")
    return Answer(
        choices_message(f":mag: There is no job named {shown}{where}.", [], project.name),
        public=False,
        outcome="none",
    )
