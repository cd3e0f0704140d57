"""The lookup window: the `job_lookup` global shortcut, its submission, and Share inside it."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.blocks import Block, context_block, section_block
from bot.render.lookup import lookup_loading, lookup_view, notice_blocks
from bot.render.refs import JobRef
from bot.render.share import channel_link, shared_card
from bot.render.text import code, fit
from bot.render.views import View
from bot.slack.audit import Audit
from bot.slack.delivery import slack_error_code
from bot.slack.deps import Deps
from bot.slack.ids import ActionId, BlockId, CallbackId, InputId, ViewId
from bot.slack.listeners.guard import guarded
from bot.slack.sharing import NotShared, message_link, post_shared
from bot.usecases.home import note_lookup
from bot.usecases.job_ids import parse_job_id
from bot.usecases.show_job import JobAnswer, show_job
from bot.usecases.watching import start_watch

log = logging.getLogger(__name__)

# A view submission must be answered within Slack's 3 s; a lookup that takes longer than
# this answers with a loading view and fills it in afterwards with views.update.
ACK_BUDGET_S = 1.5
NOT_A_JOB = "That is not a job ID or name. " + "Try 50320 or my_job_001."
NO_SUCH_JOB = "No such job: check the ID (it may belong to another project or region)."
NAMES_LATER = "Looking jobs up by name or project is not available yet: enter the job's ID."
# A job name as CS and DLI allow them, optionally after `project:`.
_NAME = re.compile(r"^(?:[A-Za-z0-9_.\-]{1,40}:)?[A-Za-z0-9_.\-]{1,57}$")


def parse_query(typed: str) -> int | str:
    """Read what was typed in the window: a job ID, or the inline error to show."""
    text = typed.strip()
    job_id = parse_job_id(text)
    if job_id is not None:
        return job_id
    # Digits that are no job ID (0, twenty digits) are not a name either.
    return NAMES_LATER if _NAME.match(text) and not text.isdigit() else NOT_A_JOB


async def open_lookup(client: AsyncWebClient, deps: Deps, trigger_id: str) -> str:
    """Open the lookup window; return the audit outcome."""
    try:
        await client.views_open(trigger_id=trigger_id, view=lookup_view())
    except SlackApiError as error:
        deps.slack_api_error("views.open", slack_error_code(error))
        return f"window not opened: {slack_error_code(error)}"
    return "window opened"


async def handle_shortcut(
    ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient, deps: Deps, audit: Audit
) -> None:
    """Open the lookup window at once (no job API request stands before it)."""
    await ack()
    audit.finish(await open_lookup(client, deps, shortcut["trigger_id"]))


async def handle_submit(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, deps: Deps, audit: Audit
) -> None:
    """Check what was typed, then show the job's card in the window."""
    view = body.get("view") or {}
    typed = _typed(view)
    parsed = parse_query(typed)
    if isinstance(parsed, str):
        await ack(response_action="errors", errors={BlockId.LOOKUP_INPUT.value: parsed})
        audit.finish("not a job ID")
        return
    audit.job_ids.append(parsed)
    lookup = asyncio.ensure_future(show_job(deps.jobs, parsed, now=deps.clock()))
    done, _ = await asyncio.wait({lookup}, timeout=ACK_BUDGET_S)
    if done:
        result = lookup.result()
        if result.outcome == "JobNotFound":
            await ack(response_action="errors", errors={BlockId.LOOKUP_INPUT.value: NO_SUCH_JOB})
        else:
            await _note(deps, body, parsed, result)
            await ack(response_action="update", view=_answer_view(typed, parsed, result))
        audit.finish(result.outcome)
        return
    await ack(response_action="update", view=lookup_loading(typed, f"job {code(str(parsed))}"))
    result = await lookup
    if result.outcome == "JobNotFound":
        # Inline errors only go with the acknowledgement; later, the window says it itself.
        note = [section_block(f":mag: {NO_SUCH_JOB}")]
        shown = lookup_view(typed, notice=note)
    else:
        await _note(deps, body, parsed, result)
        shown = _answer_view(typed, parsed, result)
    try:
        await client.views_update(view_id=str(view.get("id")), view=shown)
    except SlackApiError as error:
        deps.slack_api_error("views.update", slack_error_code(error))
    audit.finish(result.outcome)


async def _note(deps: Deps, body: dict[str, Any], job_id: int, result: JobAnswer) -> None:
    if result.job is not None:
        user = str((body.get("user") or {}).get("id") or "")
        await note_lookup(deps.home, user, job_id, result.job.name or "")


def _typed(view: dict[str, Any]) -> str:
    values = (view.get("state") or {}).get("values") or {}
    field = (values.get(BlockId.LOOKUP_INPUT.value) or {}).get(InputId.LOOKUP_QUERY.value) or {}
    return str(field.get("value") or "")


def _answer_view(
    typed: str, job_id: int, result: JobAnswer, *, notice: list[Block] | None = None
) -> View:
    if not result.ok:
        return lookup_view(typed, notice=notice_blocks(result.message))
    ref = JobRef(job_id=job_id)
    return lookup_view(typed, result=result.message, ref=ref, notice=notice)


async def share_from_lookup(
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    audit: Audit,
) -> None:
    """Share the window's card in the channel chosen beside the button; say how it went."""
    clicked = await _window_job(body, action, client, deps, audit, ("Share", "share"))
    if clicked is None:
        return
    view, typed, channel, ref, result = clicked
    if not result.ok:
        # The job cannot be read now: the window says why, and nothing is posted.
        await _update(client, deps, view, _answer_view(typed, ref.job_id, result))
        audit.finish(f"not shared: {result.outcome}")
        return
    if not channel:
        note = [context_block(":point_down: Choose a channel to share the card in, then Share.")]
        await _update(client, deps, view, _answer_view(typed, ref.job_id, result, notice=note))
        audit.finish("no channel chosen")
        return
    allowed = deps.settings.allowed_channels
    if allowed and channel not in allowed:
        note = [context_block(f":no_entry: jobbot is not enabled in {channel_link(channel)}.")]
        shown = _answer_view(typed, ref.job_id, result, notice=note)
        await _update(client, deps, view, shown)
        audit.finish("not shared: channel not allowed")
        return
    user = str((body.get("user") or {}).get("id") or "")
    posted = await post_shared(client, deps, channel, shared_card(result.message, user))
    if isinstance(posted, NotShared):
        note = notice_blocks(posted.message)
        outcome = posted.outcome
    else:
        link = await message_link(client, channel, posted)
        text = f":white_check_mark: Shared in {channel_link(channel)}: <{link}|see the message>."
        note = [section_block(fit(text, 3000, render=str))]
        outcome = "shared"
    # The channel stays chosen, to share again elsewhere or retry after inviting jobbot.
    shown = lookup_view(typed, result=result.message, ref=ref, notice=note, channel=channel)
    await _update(client, deps, view, shown)
    audit.finish(outcome)


# What a button in the lookup window acts on: the window, what was typed, the channel chosen
# beside the button, the job's reference and the job fetched afresh.
WindowJob = tuple[dict[str, Any], str, str | None, JobRef, JobAnswer]


async def _window_job(
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    audit: Audit,
    button: tuple[str, str],
) -> WindowJob | None:
    """Read a window button's job and fetch it; a forged value is said in the window (None)."""
    view = body.get("view") or {}
    typed = str(view.get("private_metadata") or "")
    try:
        ref = JobRef.from_value(action.get("value") or "")
    except ValueError:
        name, verb = button
        note = [
            section_block(f":thinking_face: That {name} button does not say which job to {verb}.")
        ]
        await _update(client, deps, view, lookup_view(typed, notice=note))
        audit.finish("bad button value")
        return None
    audit.job_ids.append(ref.job_id)
    result = await show_job(deps.jobs, ref.job_id, now=deps.clock())
    return view, typed, _chosen_channel(view), ref, result


def _chosen_channel(view: dict[str, Any]) -> str | None:
    values = (view.get("state") or {}).get("values") or {}
    select = (values.get(BlockId.LOOKUP_SHARE.value) or {}).get(ActionId.LOOKUP_CHANNEL.value)
    chosen = (select or {}).get("selected_conversation")
    return str(chosen) if chosen else None


async def _update(client: AsyncWebClient, deps: Deps, view: dict[str, Any], shown: View) -> None:
    try:
        await client.views_update(view_id=str(view.get("id")), hash=view.get("hash"), view=shown)
    except SlackApiError as error:
        # The window was closed or changed meanwhile: nothing to show it in.
        deps.slack_api_error("views.update", slack_error_code(error))


async def handle_watch(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    audit: Audit,
) -> None:
    """Watch the window's job in the channel chosen beside the button; say how it went."""
    await ack()
    clicked = await _window_job(body, action, client, deps, audit, ("Watch", "watch"))
    if clicked is None:
        return
    view, typed, channel, ref, result = clicked
    if not result.ok or deps.watching is None:
        await _update(client, deps, view, _answer_view(typed, ref.job_id, result))
        audit.finish(f"not watched: {result.outcome}")
        return
    allowed = deps.settings.allowed_channels
    if not channel:
        note = [context_block(":point_down: Choose a channel to watch the job in, then Watch.")]
        outcome = "no channel chosen"
    elif allowed and channel not in allowed:
        note = [context_block(f":no_entry: jobbot is not enabled in {channel_link(channel)}.")]
        outcome = "not watched: channel not allowed"
    else:
        user = str((body.get("user") or {}).get("id") or "")
        answer = await start_watch(
            deps.watching, project=ref.project, job_id=ref.job_id, channel_id=channel, user_id=user
        )
        note, outcome = notice_blocks(answer.message), answer.outcome
    shown = lookup_view(typed, result=result.message, ref=ref, notice=note, channel=channel)
    await _update(client, deps, view, shown)
    audit.finish(outcome)


async def handle_channel_chosen(ack: AsyncAck) -> None:
    """Acknowledge the channel menu: its choice is read from the window when Share is clicked."""
    await ack()


async def handle_open_button(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, deps: Deps, audit: Audit
) -> None:
    """Open the lookup window from the Home tab's Look up a job button."""
    await ack()
    audit.finish(await open_lookup(client, deps, body["trigger_id"]))


def register(app: AsyncApp) -> None:
    """Register the global shortcut, the window's submission and its channel menu."""
    app.global_shortcut(CallbackId.JOB_LOOKUP.value)(guarded(handle_shortcut))
    app.view_submission(ViewId.JOB_LOOKUP.value)(guarded(handle_submit))
    app.action(ActionId.LOOKUP_CHANNEL.value)(handle_channel_chosen)
    app.action(ActionId.LOOKUP_WATCH.value)(guarded(handle_watch))
    app.action(ActionId.LOOKUP_OPEN.value)(guarded(handle_open_button))
