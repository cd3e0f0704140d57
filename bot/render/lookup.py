"""The lookup window: the input, the project picker, then the card with Share. Pure, no I/O."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.render.blocks import (
    Block,
    Message,
    actions_block,
    button,
    context_block,
    plain,
    section_block,
)
from bot.render.ids import ActionId, BlockId, InputId, ViewId
from bot.render.refs import JobRef
from bot.render.refusals import (
    Asked,
    NoneNamed,
    NoSuchJob,
    NoSuchProject,
    NotAJob,
    Refusal,
    SeveralNamed,
)
from bot.render.text import code, escape, fit
from bot.render.views import View, divider, modal

TITLE = "Look up a job"
QUERY_LIMIT = 200
# Slack shows at most 100 options in a static menu.
MAX_PROJECTS = 100
IDS_NAMED = 5
CLOSEST_NAMED = 3
INLINE_LIMIT = 500
NOT_A_JOB = "That is not a job ID or name. Try 50320 or my_job_001."


@dataclass(frozen=True)
class Picker:
    """The configured project names (none in the single-project setup) and the one chosen."""

    projects: tuple[str, ...] = ()
    chosen: str = ""


def lookup_view(
    typed: str = "",
    *,
    picker: Picker | None = None,
    result: Message | None = None,
    ref: JobRef | None = None,
    notice: list[Block] | None = None,
    channel: str | None = None,
) -> View:
    """Return the lookup window: the input, then a notice and the card when there is one."""
    picker = picker or Picker()
    blocks: list[Block] = [_input(typed), context_block(_examples(picker.projects))]
    if len(picker.projects) > 1:
        blocks.append(_project_select(picker))
    if notice:
        blocks += notice
    if result is not None:
        blocks.append(divider())
        # The card's own buttons answer through a response_url, which a modal has not:
        # the window carries its own Share and Details instead.
        blocks += [b for b in result.blocks if b.get("type") != "actions"]
        if ref is not None:
            blocks.append(_share_row(ref, channel))
    return modal(
        TITLE,
        blocks,
        callback_id=ViewId.JOB_LOOKUP,
        submit="Look up",
        private_metadata=typed[:QUERY_LIMIT],
    )


def lookup_loading(typed: str, query: Asked, picker: Picker | None = None) -> View:
    """Return the window while the job API answers."""
    job = query.job_id
    what = f"job {code(str(job))}" if job else f"jobs named {code(query.name or '')}"
    note = [context_block(f":hourglass_flowing_sand: Looking up {what}{_where(query, code)}…")]
    return lookup_view(typed, picker=picker, notice=note)


def notice_blocks(message: Message) -> list[Block]:
    """Return a message's text blocks, to show as a notice inside the window."""
    return [b for b in message.blocks if b.get("type") in {"section", "context"}]


def inline_error(refusal: Refusal) -> str:
    """Return the error Slack shows under the field (plain text, escaped as Slack asks)."""
    return fit(_say(refusal, quote=str), INLINE_LIMIT)


def refusal_notice(refusal: Refusal) -> list[Block]:
    """Return the same error as a notice in the window, once the acknowledgement has gone."""
    text = _say(refusal, quote=code)
    return [section_block(fit(f":mag: {text}", 3000, render=str))]


def _say(refusal: Refusal, *, quote: Callable[[str], str]) -> str:
    # `quote` marks up names and IDs: code spans in the window, as they are under the field.
    match refusal:
        case NotAJob():
            return NOT_A_JOB
        case NoSuchProject(typed=typed, known=known, picked=picked):
            name = quote(typed[:40])
            if not known:
                return (
                    f"There is no project {name}: this jobbot has one project, so type the "
                    "job's ID or name alone."
                )
            names = ", ".join(quote(n) for n in known[:MAX_PROJECTS])
            if picked:
                return f"The project {name} is no longer configured. The projects are {names}."
            return f"There is no project {name}. The projects are {names}."
        case NoSuchJob(query=query):
            return (
                f"No such job{_where(query, quote)}: check the ID "
                "(it may belong to another project or region)."
            )
        case NoneNamed(query=query, closest=closest):
            said = f"No job is named {quote(query.name or '')}{_where(query, quote)}."
            if closest:
                names = ", ".join(quote(n[:60]) for n in closest[:CLOSEST_NAMED])
                said += f" The closest names: {names}."
            return said
        case SeveralNamed(query=query, job_ids=ids):
            prefix = f"{query.project}:" if query.prefixed else ""
            shown = ", ".join(quote(f"{prefix}{i}") for i in ids[:IDS_NAMED])
            more = f" and {len(ids) - IDS_NAMED} more" if len(ids) > IDS_NAMED else ""
            return (
                f"{len(ids)} jobs are named {quote(query.name or '')}{_where(query, quote)}: "
                f"type the ID of the one you mean ({shown}{more})."
            )


def _where(query: Asked, quote: Callable[[str], str]) -> str:
    return f" in project {quote(query.project)}" if query.project else ""


def _examples(projects: tuple[str, ...]) -> str:
    if not projects:
        return "For example `50320` or `my_job_001`."
    return f"For example `50320`, `my_job_001` or `{escape(projects[-1])}:50320`."


def _input(typed: str) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": InputId.LOOKUP_QUERY,
        "placeholder": plain("A job ID or name, optionally project:…"),
        "max_length": QUERY_LIMIT,
    }
    if typed:
        element["initial_value"] = typed[:QUERY_LIMIT]
    return {
        "type": "input",
        "block_id": BlockId.LOOKUP_INPUT,
        "label": plain("Job"),
        "element": element,
    }


def _project_select(picker: Picker) -> Block:
    options = [_option(name) for name in picker.projects[:MAX_PROJECTS]]
    chosen = picker.chosen if picker.chosen in picker.projects[:MAX_PROJECTS] else None
    element: Block = {
        "type": "static_select",
        "action_id": InputId.LOOKUP_PROJECT,
        "placeholder": plain("Project"),
        "options": options,
        "initial_option": _option(chosen or picker.projects[0]),
    }
    example = f"{picker.projects[-1]}:50320"
    return {
        "type": "input",
        "block_id": BlockId.LOOKUP_PROJECT,
        "label": plain("Project"),
        "element": element,
        "hint": plain(f"A project typed before the job ({example}) wins over this choice."),
    }


def _option(name: str) -> Block:
    return {"text": plain(name), "value": name}


def _share_row(ref: JobRef, channel: str | None) -> Block:
    select: Block = {
        "type": "conversations_select",
        "action_id": ActionId.LOOKUP_CHANNEL,
        "placeholder": plain("Channel to share in"),
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if channel:
        select["initial_conversation"] = channel
    value = ref.to_value()
    elements = [
        select,
        button("Share", ActionId.JOB_SHARE, value, style="primary"),
        button("Watch", ActionId.LOOKUP_WATCH, value),
        button("Details", ActionId.JOB_MORE, value),
    ]
    return actions_block(BlockId.LOOKUP_SHARE, elements)
