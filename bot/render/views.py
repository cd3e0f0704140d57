"""Modals as plain dicts, within Slack's limits for views by construction. Pure."""

from __future__ import annotations

from typing import Any

from bot.render.blocks import Block, plain, section_block
from bot.render.text import fit

MAX_VIEW_BLOCKS = 100
TITLE_LIMIT = 24
BUTTON_TEXT_LIMIT = 24
METADATA_LIMIT = 3000

View = dict[str, Any]


def modal(
    title: str,
    blocks: list[Block],
    *,
    callback_id: str,
    private_metadata: str = "",
    submit: str | None = None,
    close: str = "Close",
) -> View:
    """Return a modal view; the title is cut to 24 characters and the blocks to 100."""
    view: View = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(fit(title.strip() or "jobbot", TITLE_LIMIT, render=str)),
        "close": plain(close[:BUTTON_TEXT_LIMIT]),
        "blocks": blocks[:MAX_VIEW_BLOCKS] or [section_block("Nothing to show.")],
    }
    if submit:
        view["submit"] = plain(submit[:BUTTON_TEXT_LIMIT])
    if private_metadata:
        view["private_metadata"] = private_metadata[:METADATA_LIMIT]
    return view


def loading_view(title: str, text: str, *, callback_id: str, private_metadata: str = "") -> View:
    """Return the modal shown while the job API answers (views.update replaces it)."""
    return modal(
        title,
        [section_block(f":hourglass_flowing_sand: {text}")],
        callback_id=callback_id,
        private_metadata=private_metadata,
    )


def header(text: str) -> Block:
    """Return a header block for a part of a modal."""
    return {"type": "header", "text": plain(fit(text, 150, render=str))}


def divider() -> Block:
    """Return a divider."""
    return {"type": "divider"}
