"""What a listener hands the use cases: who asks, where, and the watch commands wired in."""

from __future__ import annotations

from bot.slack.deps import Deps
from bot.usecases import requests as rq
from bot.usecases.answer import Answer
from bot.usecases.ask import Asking, Handler, project_for
from bot.usecases.watching.commands import list_watches, start_watch, stop_watch


def asking_for(
    deps: Deps,
    *,
    command: str,
    visibility: str,
    user: str | None,
    channel: str | None,
    shareable: bool = False,
) -> Asking:
    """Return the context a request is answered in, watching included when it is wired."""
    others: dict[type, Handler] = {}
    if deps.watching is not None:
        others = {rq.WatchJob: _watch, rq.UnwatchJob: _watch, rq.ListWatches: _watching}
    return Asking(
        projects=deps.projects,
        channel_defaults=deps.channel_defaults,
        command=command,
        visibility=visibility,
        now=deps.clock(),
        user=user,
        channel=channel,
        others=others,
        watching=deps.watching,
        shareable=shareable,
        home=deps.home,
    )


async def _watch(request: rq.Request, asking: Asking) -> Answer:
    assert isinstance(request, rq.WatchJob | rq.UnwatchJob)
    assert asking.watching is not None
    project = await project_for(asking, request.target.project)
    use = start_watch if isinstance(request, rq.WatchJob) else stop_watch
    answer = await use(
        asking.watching,
        project=project.name,
        job_id=request.target.job_id,
        channel_id=asking.channel or "",
        user_id=asking.user or "",
    )
    return Answer(
        answer.message, public=False, outcome=answer.outcome, job_ids=(request.target.job_id,)
    )


async def _watching(request: rq.Request, asking: Asking) -> Answer:
    assert asking.watching is not None
    answer = await list_watches(asking.watching, asking.channel or "")
    return Answer(answer.message, public=False, outcome=answer.outcome)
