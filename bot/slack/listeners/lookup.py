"""The lookup window: the `job_lookup` global shortcut and its submission."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.ids import ActionId, BlockId, CallbackId, InputId, ViewId
from bot.render.lookup import (
    Picker,
    inline_error,
    lookup_loading,
    lookup_view,
    notice_blocks,
    refusal_notice,
)
from bot.render.refs import JobRef
from bot.render.refusals import NoneNamed, NoSuchJob, NoSuchProject, NotAJob, SeveralNamed
from bot.render.views import View
from bot.slack.audit import Audit
from bot.slack.delivery import slack_error_code
from bot.slack.deps import Deps
from bot.slack.listeners import lookup_buttons
from bot.slack.listeners.guard import guarded
from bot.slack.listeners.lookup_buttons import picked_project, picker_for, state_value
from bot.usecases.home import note_lookup
from bot.usecases.lookup import (
    Failed,
    Found,
    Looked,
    look_up,
    outcome,
    read_query,
)

log = logging.getLogger(__name__)

# A view submission must be answered within Slack's 3 s; a lookup that takes longer than
# this answers with a loading view and fills it in afterwards with views.update.
ACK_BUDGET_S = 1.5


async def open_lookup(client: AsyncWebClient, deps: Deps, trigger_id: str) -> str:
    """Open the lookup window; return the audit outcome."""
    try:
        await client.views_open(trigger_id=trigger_id, view=lookup_view(picker=picker_for(deps)))
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
    picker = picker_for(deps, view)
    query = read_query(typed, picked_project(view), deps.projects)
    if isinstance(query, NotAJob | NoSuchProject):
        picked = isinstance(query, NoSuchProject) and query.picked
        block = BlockId.LOOKUP_PROJECT if picked else BlockId.LOOKUP_INPUT
        await ack(response_action="errors", errors={block.value: inline_error(query)})
        audit.finish("not a job ID or name" if isinstance(query, NotAJob) else "unknown project")
        return
    if query.job_id is not None:
        audit.job_ids.append(query.job_id)
    lookup = asyncio.ensure_future(look_up(query, now=deps.clock()))
    done, _ = await asyncio.wait({lookup}, timeout=ACK_BUDGET_S)
    if done:
        looked = lookup.result()
        if isinstance(looked, NoSuchJob | NoneNamed | SeveralNamed):
            errors = {BlockId.LOOKUP_INPUT.value: inline_error(looked)}
            await ack(response_action="errors", errors=errors)
        else:
            shown = await _shown(deps, body, typed, picker, looked)
            await ack(response_action="update", view=shown)
        _finish(audit, looked)
        return
    await ack(response_action="update", view=lookup_loading(typed, query.asked, picker))
    looked = await lookup
    if isinstance(looked, NoSuchJob | NoneNamed | SeveralNamed):
        # Inline errors only go with the acknowledgement; later, the window says it itself.
        shown = lookup_view(typed, picker=picker, notice=refusal_notice(looked))
    else:
        shown = await _shown(deps, body, typed, picker, looked)
    try:
        await client.views_update(view_id=str(view.get("id")), view=shown)
    except SlackApiError as error:
        deps.slack_api_error("views.update", slack_error_code(error))
    _finish(audit, looked)


async def _shown(
    deps: Deps, body: dict[str, Any], typed: str, picker: Picker, looked: Found | Failed
) -> View:
    """Return the window with the card (noted for the Home tab), or why the API failed."""
    if isinstance(looked, Failed):
        return lookup_view(typed, picker=picker, notice=notice_blocks(looked.message))
    project = looked.query.project.name
    user = str((body.get("user") or {}).get("id") or "")
    # Queued before the card goes out; the Home tab waits for queued lookups.
    await note_lookup(deps.home, user, looked.job_id, looked.job_name, project=project)
    ref = JobRef(job_id=looked.job_id, project=project)
    return lookup_view(typed, picker=picker, result=looked.card, ref=ref)


def _finish(audit: Audit, looked: Looked) -> None:
    if isinstance(looked, Found) and looked.job_id not in audit.job_ids:
        audit.job_ids.append(looked.job_id)
    audit.finish(outcome(looked))


def _typed(view: dict[str, Any]) -> str:
    field = state_value(view, BlockId.LOOKUP_INPUT.value, InputId.LOOKUP_QUERY.value)
    return str(field.get("value") or "")


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
    """Register the global shortcut, the window's submission, its channel menu and Watch."""
    app.global_shortcut(CallbackId.JOB_LOOKUP.value)(guarded(handle_shortcut))
    app.view_submission(ViewId.JOB_LOOKUP.value)(guarded(handle_submit))
    app.action(ActionId.LOOKUP_CHANNEL.value)(handle_channel_chosen)
    app.action(ActionId.LOOKUP_OPEN.value)(guarded(handle_open_button))
    lookup_buttons.register(app)
