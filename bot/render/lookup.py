"""The lookup window: one input, then the card in the window with Share. Pure, no I/O."""

from __future__ import annotations

from bot.render.blocks import Block, Message, actions_block, button, context_block, plain
from bot.render.refs import JobRef
from bot.render.views import View, divider, modal
from bot.slack.ids import ActionId, BlockId, InputId, ViewId

TITLE = "Look up a job"
QUERY_LIMIT = 200
EXAMPLES = "For example `50320`, `my_job_001` or `prod:50320`."


def lookup_view(
    typed: str = "",
    *,
    result: Message | None = None,
    ref: JobRef | None = None,
    notice: list[Block] | None = None,
    channel: str | None = None,
) -> View:
    """Return the lookup window: the input, then a notice and the card when there is one."""
    blocks: list[Block] = [_input(typed), context_block(EXAMPLES)]
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


def lookup_loading(typed: str, what: str) -> View:
    """Return the window while the job API answers."""
    return lookup_view(
        typed, notice=[context_block(f":hourglass_flowing_sand: Looking up {what}…")]
    )


def notice_blocks(message: Message) -> list[Block]:
    """Return a message's text blocks, to show as a notice inside the window."""
    return [b for b in message.blocks if b.get("type") in {"section", "context"}]


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
