"""Block Kit primitives as plain dicts, each within Slack's limits by construction."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from bot.render.text import escape, fit

Block = dict[str, Any]


@dataclass(frozen=True)
class Message:
    """A Slack message: the notification text and its blocks."""

    text: str
    blocks: list[Block] = dataclass_field(default_factory=list)

    def as_payload(self) -> dict[str, Any]:
        """Return the message as the JSON Slack takes."""
        return {"text": self.text, "blocks": self.blocks}


def mrkdwn(text: str) -> dict[str, Any]:
    # verbatim stops Slack from turning bare URLs and channel names into links and mentions.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def header_block(text: str) -> Block:
    """Return a header; its text is escaped and cut to 150 characters."""
    return {"type": "header", "text": plain(fit(text.strip() or "Job", 150))}


def section_block(text: str | None, *, fields: list[str] | None = None) -> Block:
    """Return a section from ready mrkdwn text and/or up to 10 ready mrkdwn fields."""
    block: Block = {"type": "section"}
    if text:
        block["text"] = mrkdwn(text)
    if fields:
        block["fields"] = [mrkdwn(f) for f in fields[:10]]
    return block


def context_block(text: str) -> Block:
    """Return a context block holding one ready mrkdwn element."""
    return {"type": "context", "elements": [mrkdwn(text)]}


def actions_block(block_id: str, elements: list[Block]) -> Block:
    """Return an actions block."""
    return {"type": "actions", "block_id": block_id, "elements": elements}


def button(label: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    """Return a button; the label is plain text, the value at most 2000 characters."""
    element: Block = {
        "type": "button",
        "text": plain(label[:75]),
        "action_id": action_id,
        "value": value[:2000],
    }
    if style:
        element["style"] = style
    return element


def field(label: str, value: str) -> str:
    """Return a `*Label*` over value section field, cut to Slack's 2000 characters."""
    return fit(f"*{escape(label)}*\n{value}", 2000, render=lambda s: s)
