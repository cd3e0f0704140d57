"""Show Block Kit messages in a terminal, for `jobbot show` and `jobbot demo`."""

from __future__ import annotations

import re
from typing import Any

from bot.render.blocks import Message
from bot.render.labels import HEALTH_EMOJI, HEALTH_SIGN

_DATE_TOKEN = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
_CHANNEL_LINK = re.compile(r"<#([A-Z0-9]+)>")
_EMOJI = {
    **{HEALTH_EMOJI[health]: HEALTH_SIGN[health] for health in HEALTH_EMOJI},
    ":mag:": "🔍",
    ":lock:": "🔒",
    ":hourglass:": "⏳",
    ":construction:": "🚧",
    ":warning:": "⚠️",
    ":thinking_face:": "🤔",
    ":no_entry:": "⛔",
    ":information_source:": "ℹ️",  # noqa: RUF001
}


def to_terminal(text: str) -> str:
    """Turn mrkdwn into what a terminal can show: date fallbacks, real characters, emoji."""
    text = _DATE_TOKEN.sub(r"\1", text)
    text = _CHANNEL_LINK.sub(r"#\1", text)
    for code, char in _EMOJI.items():
        text = text.replace(code, char)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def render_terminal(message: Message) -> str:
    """Lay a message out as plain text lines."""
    lines: list[str] = []
    for block in message.blocks:
        lines.extend(_block_lines(block))
    return "\n".join(lines)


def _block_lines(block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        title = to_terminal(block["text"]["text"])
        return [title, "═" * min(len(title) + 2, 78)]
    if kind == "section":
        lines = []
        if "text" in block:
            lines.append(to_terminal(block["text"]["text"]))
        for item in block.get("fields", []):
            label, _, value = to_terminal(item["text"]).partition("\n")
            lines.append(f"  {label.strip('*')}: {value}")
        return lines
    if kind == "context":
        return ["  " + to_terminal(e.get("text", "")) for e in block.get("elements", [])]
    if kind == "actions":
        labels = [e["text"]["text"] for e in block.get("elements", []) if "text" in e]
        return ["  " + "  ".join(f"[{label}]" for label in labels)]
    return []
