"""Read what a person asks, from `/job …` and `@jobbot …` alike, into a typed request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.jobs.paging import MAX_NAME_LENGTH
from bot.usecases.job_ids import find_job_ids, parse_job_id

# What a person types -> the API statuses it stands for (the contract's table).
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "running": ("job_running",),
    "failed": ("job_submit_fail", "job_running_exception", "job_cancel_fail"),
    "stopped": ("job_cancel_success", "job_arrearage_stopped"),
    "finished": ("job_finish",),
    "draft": ("job_init",),
    "starting": ("job_submitting", "job_downloading", "job_arrearage_recovering"),
    "stopping": ("job_canceling",),
    "savepoint": ("job_savepointing",),
    "idle": ("job_idle",),
}
SUBCOMMANDS = ("show", "list", "plan", "use", "watch", "unwatch", "watching", "help")


@dataclass(frozen=True)
class JobTarget:
    """A job ID, in a named project or (None) the channel's default project."""

    project: str | None
    job_id: int


@dataclass(frozen=True)
class ShowJob:
    """`/job 50320`, `/job prod:50320`, `/job show 50320`."""

    target: JobTarget


@dataclass(frozen=True)
class FindJob:
    """`/job orders_enrich`, `/job prod:orders_enrich`: look a job up by its name."""

    project: str | None
    name: str


@dataclass(frozen=True)
class ListJobs:
    """`/job list [PROJECT] [STATUS…] [NAME]`."""

    project: str | None
    statuses: tuple[str, ...]
    name: str | None

    @property
    def api_statuses(self) -> tuple[str, ...]:
        """Return the API statuses the status words stand for, in the table's order."""
        found: list[str] = []
        for word in self.statuses:
            found += [s for s in STATUS_WORDS[word] if s not in found]
        return tuple(found)


@dataclass(frozen=True)
class ShowPlan:
    """`/job plan 50320`."""

    target: JobTarget


@dataclass(frozen=True)
class UseProject:
    """`/job use prod`: the channel's default project."""

    project: str


@dataclass(frozen=True)
class WatchJob:
    """`/job watch 50320`."""

    target: JobTarget


@dataclass(frozen=True)
class UnwatchJob:
    """`/job unwatch 50320`."""

    target: JobTarget


@dataclass(frozen=True)
class ListWatches:
    """`/job watching`."""


@dataclass(frozen=True)
class Help:
    """`/job`, `/job help`, a bare mention."""


@dataclass(frozen=True)
class Usage:
    """What was typed is not a request: `problem` says why, `typed` is it exactly as typed.

    `problem` is one of: `unknown` (not a command), `job_id` (`argument` is not a job ID),
    `project` (`argument` names no project), `status` (`argument` is no status word),
    `missing_project` (`/job use` without a name), `missing_id` (`plan`, `watch` or `unwatch`,
    in `argument`, without exactly one job), `name` (`argument` is too long to be a job name).
    """

    typed: str
    problem: str
    argument: str = ""


Request = (
    ShowJob
    | FindJob
    | ListJobs
    | ShowPlan
    | UseProject
    | WatchJob
    | UnwatchJob
    | ListWatches
    | Help
    | Usage
)


class _Problem(Exception):
    def __init__(self, problem: str, argument: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.argument = argument


def parse_request(text: str, projects: Sequence[str] = ()) -> Request:
    """Read the text after `/job` (or after the mention), already decoded from Slack's entities."""
    try:
        return _parse(text, {name.lower() for name in projects})
    except _Problem as problem:
        return Usage(text, problem.problem, problem.argument)


def parse_mention(text: str, projects: Sequence[str] = ()) -> Request:
    """Read a mention as a person means it: `job 50320?` is job 50320, as the shortcut reads it.

    Only what would otherwise be a name (or too long for one) is read for a job ID; a name is
    what is left when no ID is there.
    """
    request = parse_request(text, projects)
    if isinstance(request, FindJob) or (isinstance(request, Usage) and request.problem == "name"):
        found = find_job_ids(text, limit=1)
        if found:
            project = request.project if isinstance(request, FindJob) else None
            return ShowJob(JobTarget(project, found[0]))
    return request


def parse_job(text: str, projects: Sequence[str] = ()) -> ShowJob | FindJob | Usage:
    """Read one job as `/job show` takes it: `50320`, `prod:50320`, a name or `prod:NAME`."""
    try:
        found = _target(text.strip(), {name.lower() for name in projects})
    except _Problem as problem:
        return Usage(text, problem.problem, problem.argument)
    return found if isinstance(found, FindJob) else ShowJob(found)


def _parse(text: str, projects: set[str]) -> Request:
    words = text.split()
    if not words:
        return Help()
    verb, rest = words[0].lower(), words[1:]
    if verb == "help" and not rest:
        return Help()
    if verb == "watching" and not rest:
        return ListWatches()
    if verb == "list":
        return _list(rest, projects)
    if verb == "use":
        if len(rest) != 1:
            raise _Problem("missing_project" if not rest else "unknown", "")
        return UseProject(_project(rest[0], projects))
    if verb in ("plan", "watch", "unwatch"):
        if len(rest) != 1:
            raise _Problem("missing_id", verb)
        target = _target(rest[0], projects)
        if isinstance(target, FindJob):
            raise _Problem("job_id", target.name)
        if verb == "plan":
            return ShowPlan(target)
        return WatchJob(target) if verb == "watch" else UnwatchJob(target)
    if verb == "show" and rest:
        found = _target(" ".join(rest), projects)
        return found if isinstance(found, FindJob) else ShowJob(found)
    if verb in SUBCOMMANDS:
        raise _Problem("unknown", "")
    found = _target(" ".join(words), projects)
    return found if isinstance(found, FindJob) else ShowJob(found)


def _target(argument: str, projects: set[str]) -> JobTarget | FindJob:
    """Read `50320`, `#50320`, `prod:50320`, `orders_enrich` or `prod:orders_enrich`."""
    project: str | None = None
    head, colon, tail = argument.partition(":")
    # Job names are letters, digits, `_` and `-`: a colon separates a project.
    if colon and head and " " not in head and tail.strip():
        project, argument = _project(head, projects), tail.strip()
    job_id = parse_job_id(argument)
    if job_id is not None:
        return JobTarget(project, job_id)
    if argument.strip().lstrip("#").isdigit():
        # All digits but not a job ID (0, or more than 19 digits): not a name either.
        raise _Problem("job_id", argument.strip())
    if len(argument.strip()) > MAX_NAME_LENGTH:
        # Neither API has such a job, and both refuse to search for one.
        raise _Problem("name", argument.strip())
    return FindJob(project, argument.strip())


def _project(word: str, projects: set[str]) -> str:
    if word.lower() not in projects:
        raise _Problem("project", word)
    return word.lower()


def _list(words: list[str], projects: set[str]) -> ListJobs:
    project = None
    if words and words[0].lower() in projects:
        project, words = words[0].lower(), words[1:]
    statuses: list[str] = []
    while words and words[0].lower() in STATUS_WORDS:
        if words[0].lower() not in statuses:
            statuses.append(words[0].lower())
        words = words[1:]
    if len(words) > 1:
        # A name is one word: the first of two leftover words is a status word mistyped.
        raise _Problem("status", words[0])
    return ListJobs(project, tuple(statuses), words[0] if words else None)


def status_words() -> tuple[str, ...]:
    """Return the status words in the contract's order."""
    return tuple(STATUS_WORDS)
