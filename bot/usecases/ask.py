"""Answer a request, wherever it was asked: the slash command, a mention, a button."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.render import asking as say
from bot.render.messages import invalid_job_id, too_long_a_name, usage_error
from bot.usecases import requests as rq
from bot.usecases.answer import Answer
from bot.usecases.find_job import find_job
from bot.usecases.home import HomeSource, note_lookup
from bot.usecases.list_jobs import first_page, list_jobs
from bot.usecases.projects import ChannelDefaults, Project, Projects, UnknownProject
from bot.usecases.show_job import show_job
from bot.usecases.show_plan import show_plan
from bot.usecases.watching.commands import Watching

__all__ = ["Answer", "Asking", "answer", "quick_answer"]


# Answers one kind of request that this module leaves to another (watching).
Handler = Callable[["rq.Request", "Asking"], Awaitable[Answer]]


@dataclass(frozen=True)
class Asking:
    """Who asks, where, and what jobbot has to answer with."""

    projects: Projects
    channel_defaults: ChannelDefaults
    command: str
    visibility: str
    now: datetime
    user: str | None = None
    channel: str | None = None
    # Answers requests this module does not (watching), once that part is wired in.
    others: dict[type, Handler] = field(default_factory=dict)
    # What watching needs (the database, the poller's outbox), when it is wired in.
    watching: Watching | None = None
    # Cards only the asker sees get Share.
    shareable: bool = False
    # Where shown cards are remembered for the asker's Home tab.
    home: HomeSource | None = None


def quick_answer(
    request: rq.Request, *, command: str, visibility: str, projects: tuple[str, ...]
) -> Answer | None:
    """Answer at once what needs no job API and no database (help, usage); else None."""
    if isinstance(request, rq.Help):
        return Answer(say.help_text(command, visibility, projects), public=False, outcome="usage")
    if isinstance(request, rq.UseProject) and not projects:
        return Answer(say.no_projects(), public=False, outcome="usage")
    if not isinstance(request, rq.Usage):
        return None
    typed = f"{command} {request.typed}".strip()
    match request.problem:
        case "job_id":
            message = invalid_job_id(command, request.argument)
        case "name":
            message = too_long_a_name(command, request.argument)
        case "project":
            message = say.unknown_project(request.typed, request.argument, projects)
        case "status":
            message = say.unknown_status(command, typed, request.argument, rq.status_words())
        case "missing_id":
            message = say.missing_job_id(command, request.argument)
        case "missing_project":
            message = say.missing_project(command, projects)
        case _:
            message = usage_error(command, typed)
    return Answer(message, public=False, outcome="usage")


async def project_for(asking: Asking, name: str | None) -> Project:
    """Return the named project, else the channel's default, else the first."""
    if name or not asking.projects.named or not asking.channel:
        return asking.projects.pick(name)
    return asking.projects.pick(None, await asking.channel_defaults.get(asking.channel))


async def answer(request: rq.Request, asking: Asking) -> Answer:
    """Answer any request: a card, a list, a plan, a confirmation or a plain-words note."""
    quick = quick_answer(
        request,
        command=asking.command,
        visibility=asking.visibility,
        projects=asking.projects.names,
    )
    if quick is not None:
        return quick
    try:
        return await _answer(request, asking)
    except UnknownProject as unknown:
        # A project that is gone from JOBBOT_PROJECTS (an old button, a channel default).
        message = say.unknown_project(unknown.typed, unknown.typed, asking.projects.names)
        return Answer(message, public=False, outcome="unknown project")


async def _answer(request: rq.Request, asking: Asking) -> Answer:
    handler = asking.others.get(type(request))
    if handler is not None:
        return await handler(request, asking)
    match request:
        case rq.ShowJob(target=target):
            project = await project_for(asking, target.project)
            result = await show_job(
                project.jobs,
                target.job_id,
                now=asking.now,
                project=project.name,
                shareable=asking.shareable,
            )
            if result.job is not None:
                # Queued before the card goes out; the Home tab waits for queued lookups.
                await note_lookup(
                    asking.home,
                    asking.user or "",
                    target.job_id,
                    result.job.name or "",
                    project=project.name,
                )
            return Answer(result.message, result.found, result.outcome, (target.job_id,))
        case rq.FindJob(project=name, name=job_name):
            project = await project_for(asking, name)
            found = await find_job(project, job_name, now=asking.now)
            if found.public and found.job_ids:
                # One job by that name: its card, remembered as a lookup by ID is.
                user = asking.user or ""
                job_id = found.job_ids[0]
                await note_lookup(asking.home, user, job_id, job_name.strip(), project=project.name)
            return found
        case rq.ListJobs(project=name, statuses=words, name=job_name):
            project = await project_for(asking, name)
            return await list_jobs(project, first_page(project, words, job_name))
        case rq.ShowPlan(target=target):
            project = await project_for(asking, target.project)
            return await show_plan(project, target.job_id, now=asking.now)
        case rq.UseProject(project=name):
            project = asking.projects.get(name)
            if not asking.channel:
                return Answer(say.not_available("use"), public=False, outcome="no channel")
            user = asking.user or ""
            await asking.channel_defaults.set(asking.channel, project.name, set_by=user)
            return Answer(say.project_chosen(project.name, asking.user), public=True, outcome="ok")
    typed = f"{asking.command} {_describe(request)}"
    return Answer(say.not_available(typed), public=False, outcome="not available")


def _describe(request: rq.Request) -> str:
    match request:
        case rq.WatchJob() | rq.UnwatchJob():
            verb = type(request).__name__.removesuffix("Job").lower()
            target = request.target
            prefix = f"{target.project}:" if target.project else ""
            return f"{verb} {prefix}{target.job_id}"
        case rq.ListWatches():
            return "watching"
    return type(request).__name__
