"""Watching on Slack: `/job watch ID`, `/job unwatch ID`, `/job watching`, Watch/Unwatch buttons."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.render.ids import ActionId
from bot.render.refs import WatchRef
from bot.render.watch import broken_watch_button
from bot.slack.audit import Audit
from bot.slack.deps import Deps
from bot.slack.listeners.guard import guarded
from bot.usecases.watching.commands import start_watch, stop_watch


async def handle_button(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], deps: Deps, audit: Audit
) -> None:
    """Watch or Unwatch from a button; a value that is not ours changes nothing."""
    await ack()
    response_url = body["response_url"]
    try:
        ref = WatchRef.from_value(action.get("value") or "")
    except (ValueError, ValidationError):
        await deps.responder.answer(response_url, broken_watch_button(), audit, "bad button value")
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
    await deps.responder.answer(response_url, answer.message, audit, answer.outcome)


def register(app: AsyncApp) -> None:
    """Register the Watch and Unwatch buttons."""
    app.action(ActionId.JOB_WATCH.value)(guarded(handle_button))
    app.action(ActionId.JOB_UNWATCH.value)(guarded(handle_button))
