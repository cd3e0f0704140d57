"""Share and Watch inside the lookup window, on the job (and project) their button carries."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.render import asking as say
from bot.render.blocks import Block, context_block, section_block
from bot.render.ids import ActionId, BlockId, InputId
from bot.render.lookup import Picker, lookup_view, notice_blocks
from bot.render.refs import JobRef
from bot.render.share import channel_link, shared_card
from bot.render.text import fit
from bot.render.views import View
from bot.slack.audit import Audit
from bot.slack.delivery import slack_error_code
from bot.slack.deps import Deps
from bot.slack.listeners.guard import guarded
from bot.slack.sharing import NotShared, message_link, post_shared
from bot.usecases.projects import UnknownProject
from bot.usecases.show_job import JobAnswer, show_job
from bot.usecases.watching.commands import start_watch


def state_value(view: dict[str, Any], block_id: str, action_id: str) -> dict[str, Any]:
    """Return what the window holds in one of its inputs ({} when it has none)."""
    values = (view.get("state") or {}).get("values") or {}
    return dict((values.get(block_id) or {}).get(action_id) or {})


def picked_project(view: dict[str, Any]) -> str | None:
    """Return the project chosen in the window's picker, or None when it has none."""
    select = state_value(view, BlockId.LOOKUP_PROJECT.value, InputId.LOOKUP_PROJECT.value)
    chosen = select.get("selected_option") or {}
    return str(chosen["value"]) if chosen.get("value") else None


def picker_for(deps: Deps, view: dict[str, Any] | None = None) -> Picker:
    """Return the window's picker: the projects, with the one chosen (else the default)."""
    picked = picked_project(view or {})
    return Picker(deps.projects.names, picked or deps.projects.default.name)


def answer_view(
    typed: str,
    picker: Picker,
    ref: JobRef,
    result: JobAnswer,
    *,
    notice: list[Block] | None = None,
    channel: str | None = None,
) -> View:
    """Return the window with the job's card and its buttons, or why there is no card."""
    if not result.found:
        return lookup_view(typed, picker=picker, notice=notice_blocks(result.message))
    return lookup_view(
        typed, picker=picker, result=result.message, ref=ref, notice=notice, channel=channel
    )


async def update_window(
    client: AsyncWebClient, deps: Deps, view: dict[str, Any], shown: View
) -> None:
    """Replace the window, unless it was closed or changed meanwhile."""
    try:
        await client.views_update(view_id=str(view.get("id")), hash=view.get("hash"), view=shown)
    except SlackApiError as error:
        # The window was closed or changed meanwhile: nothing to show it in.
        deps.slack_api_error("views.update", slack_error_code(error))


# What a button in the lookup window acts on: the window, what was typed, its picker, the
# channel chosen beside the button, the job's reference and the job fetched afresh.
WindowJob = tuple[dict[str, Any], str, Picker, str | None, JobRef, JobAnswer]


async def _window_job(
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    audit: Audit,
    button: tuple[str, str],
) -> WindowJob | None:
    """Read a window button's job and fetch it from its project; say a bad value (None)."""
    view = body.get("view") or {}
    typed = str(view.get("private_metadata") or "")
    picker = picker_for(deps, view)
    try:
        ref = JobRef.from_value(action.get("value") or "")
        project = deps.projects.keyed(ref.project)
    except ValueError:
        name, verb = button
        note = [
            section_block(f":thinking_face: That {name} button does not say which job to {verb}.")
        ]
        await update_window(client, deps, view, lookup_view(typed, picker=picker, notice=note))
        audit.finish("bad button value")
        return None
    except UnknownProject as unknown:
        # A project removed from JOBBOT_PROJECTS since the window showed the card.
        said = say.unknown_project(f"{ref.project}:{ref.job_id}", unknown.typed, unknown.known)
        shown = lookup_view(typed, picker=picker, notice=notice_blocks(said))
        await update_window(client, deps, view, shown)
        audit.finish("unknown project")
        return None
    # The project as configured, whatever case the value spelled it in (watches store it).
    ref = JobRef(job_id=ref.job_id, project=project.name)
    audit.job_ids.append(ref.job_id)
    result = await show_job(project.jobs, ref.job_id, now=deps.clock(), project=project.name)
    return view, typed, picker, _chosen_channel(view), ref, result


def _chosen_channel(view: dict[str, Any]) -> str | None:
    select = state_value(view, BlockId.LOOKUP_SHARE.value, ActionId.LOOKUP_CHANNEL.value)
    chosen = select.get("selected_conversation")
    return str(chosen) if chosen else None


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
    view, typed, picker, channel, ref, result = clicked
    if not result.found:
        # The job cannot be read now: the window says why, and nothing is posted.
        await update_window(client, deps, view, answer_view(typed, picker, ref, result))
        audit.finish(f"not shared: {result.outcome}")
        return
    if not channel:
        note = [context_block(":point_down: Choose a channel to share the card in, then Share.")]
        shown = answer_view(typed, picker, ref, result, notice=note)
        await update_window(client, deps, view, shown)
        audit.finish("no channel chosen")
        return
    allowed = deps.settings.allowed_channels
    if allowed and channel not in allowed:
        note = [context_block(f":no_entry: jobbot is not enabled in {channel_link(channel)}.")]
        shown = answer_view(typed, picker, ref, result, notice=note)
        await update_window(client, deps, view, shown)
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
    shown = answer_view(typed, picker, ref, result, notice=note, channel=channel)
    await update_window(client, deps, view, shown)
    audit.finish(outcome)


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
    view, typed, picker, channel, ref, result = clicked
    if not result.found or deps.watching is None:
        await update_window(client, deps, view, answer_view(typed, picker, ref, result))
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
    shown = answer_view(typed, picker, ref, result, notice=note, channel=channel)
    await update_window(client, deps, view, shown)
    audit.finish(outcome)


def register(app: AsyncApp) -> None:
    """Register the window's Watch (its Share is the card's `job_share`, told apart there)."""
    app.action(ActionId.LOOKUP_WATCH.value)(guarded(handle_watch))
