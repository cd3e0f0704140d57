"""Watching on Slack: `/job watch ID`, `/job unwatch ID`, `/job watching`, Watch/Unwatch buttons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError
from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.render.blocks import Message
from bot.render.ids import ActionId
from bot.render.messages import invalid_job_id
from bot.render.refs import WatchRef
from bot.render.watch import broken_watch_button, missing_watch_id
from bot.slack.audit import Audit
from bot.slack.deps import Deps
from bot.slack.listeners.guard import guarded
from bot.usecases.job_ids import parse_job_id
from bot.usecases.watching.commands import WatchAnswer, list_watches, start_watch, stop_watch

WATCH_WORDS = ("watch", "unwatch", "watching")


@dataclass(frozen=True)
class WatchRequest:
    """A watch subcommand, read from `/job …`."""

    action: Literal["watch", "unwatch", "watching"]
    job_id: int = 0


def parse_watch(command: str, words: list[str]) -> WatchRequest | Message:
    """Read `watch ID`, `unwatch ID` or `watching`; anything else gets its short answer."""
    action = words[0].lower()
    if action == "watching":
        return WatchRequest("watching")
    if len(words) != 2:
        return missing_watch_id(command, action)
    job_id = parse_job_id(words[1])
    if job_id is None:
        return invalid_job_id(command, words[1])
    return WatchRequest("watch" if action == "watch" else "unwatch", job_id)


async def answer_watch_command(
    request: WatchRequest, command: dict[str, Any], deps: Deps, audit: Audit
) -> None:
    """Do what a watch subcommand asks and answer privately through the response_url."""
    channel = command.get("channel_id") or ""
    answer = await _run(request, deps, channel=channel, user=command.get("user_id") or "")
    await deps.responder.respond(command["response_url"], answer.message)
    audit.finish(answer.outcome)


async def _run(request: WatchRequest, deps: Deps, *, channel: str, user: str) -> WatchAnswer:
    w = deps.watching
    assert w is not None, "watching is wired in every runtime that serves Slack"
    if request.action == "watching":
        return await list_watches(w, channel)
    # One project until JOBBOT_PROJECTS arrives: its name is "".
    use = start_watch if request.action == "watch" else stop_watch
    return await use(w, project="", job_id=request.job_id, channel_id=channel, user_id=user)


async def handle_button(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], deps: Deps, audit: Audit
) -> None:
    """Watch or Unwatch from a button; a value that is not ours changes nothing."""
    await ack()
    response_url = body["response_url"]
    try:
        ref = WatchRef.from_value(action.get("value") or "")
    except (ValueError, ValidationError):
        await deps.responder.respond(response_url, broken_watch_button())
        audit.finish("bad button value")
        return
    audit.job_ids.append(ref.job_id)
    kind = "watch" if action.get("action_id") == ActionId.JOB_WATCH else "unwatch"
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id", ""
    )
    user = (body.get("user") or {}).get("id", "")
    w = deps.watching
    assert w is not None
    if kind == "watch":
        answer = await start_watch(
            w, project=ref.project, job_id=ref.job_id, channel_id=channel, user_id=user
        )
    else:
        answer = await stop_watch(
            w, project=ref.project, job_id=ref.job_id, channel_id=channel, user_id=user
        )
    await deps.responder.respond(response_url, answer.message)
    audit.finish(answer.outcome)


def register(app: AsyncApp) -> None:
    """Register the Watch and Unwatch buttons."""
    app.action(ActionId.JOB_WATCH.value)(guarded(handle_button))
    app.action(ActionId.JOB_UNWATCH.value)(guarded(handle_button))
