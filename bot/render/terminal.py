"""Show Block Kit messages in a terminal with rich, for `jobbot show` and `jobbot demo`."""

from __future__ import annotations

import os
import re
from typing import IO, Any

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.syntax import Syntax
from rich.text import Text

from bot.jobs.models import Health
from bot.render.blocks import Message
from bot.render.labels import HEALTH_EMOJI, HEALTH_SIGN

HEALTH_STYLE: dict[Health, str] = {
    Health.GOOD: "bold green",
    Health.BUSY: "bold blue",
    Health.BAD: "bold red",
    Health.IDLE: "bold white",
    Health.UNKNOWN: "bold yellow",
}
_HEALTH_BY_EMOJI = {code: health for health, code in HEALTH_EMOJI.items()}
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
_DATE_TOKEN = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
_CHANNEL_LINK = re.compile(r"<#([A-Z0-9]+)(?:\|[^>]*)?>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_FENCE = re.compile(r"```(.*?)```", re.DOTALL)
# Slack's inline formats: a marker counts only at a word's edge (my_job_001 stays as it is).
_INLINE = re.compile(
    r"`(?P<code>[^`\n]+)`"
    r"|(?<!\w)\*(?P<bold>[^*\n]+)\*(?!\w)"
    r"|(?<!\w)_(?P<italic>[^_\n]+)_(?!\w)"
    r"|(?<!\w)~(?P<strike>[^~\n]+)~(?!\w)"
)
_LABELLED = re.compile(r"\*([^*\n]+)\* ([^\n]+)")
_STYLES = {"code": "cyan", "bold": "bold", "italic": "italic", "strike": "strike"}


def terminal_console(file: IO[str] | None = None, *, force_terminal: bool | None = None) -> Console:
    """Return a console that colours a terminal and writes plain text anywhere else.

    NO_COLOR (no-color.org) turns every style off, bold included; rich alone would keep bold.
    """
    plain = bool(os.environ.get("NO_COLOR"))
    return Console(
        file=file,
        force_terminal=force_terminal,
        color_system=None if plain else "auto",
        highlight=False,
        markup=False,
        emoji=False,
    )


def print_message(console: Console, message: Message) -> None:
    """Print a message as the terminal shows it, with a blank line after it."""
    plain = not console.is_terminal or console.color_system is None
    console.print(render_message(message, plain=plain), soft_wrap=plain)
    console.print()


def render_message(message: Message, *, plain: bool = False) -> RenderableType:
    """Lay a message out for a terminal: what a person sees in Slack, minus the buttons.

    `plain` (a pipe, a file, NO_COLOR) prints code as whole lines, never cut to a width.
    """
    parts: list[RenderableType] = []
    for block in message.blocks:
        parts.extend(_block(block, plain))
    return Group(*parts)


def _block(block: dict[str, Any], plain: bool) -> list[RenderableType]:
    kind = block.get("type")
    if kind == "header":
        title = to_terminal(block["text"]["text"])
        return [Text(title, style="bold"), Text("═" * min(len(title) + 2, 78), style="dim")]
    if kind == "section":
        parts = _mrkdwn(block["text"]["text"], plain) if "text" in block else []
        for item in block.get("fields", []):
            label, _, value = item["text"].partition("\n")
            line = Text("  ")
            line.append(to_terminal(label.strip("*")) + ": ", style="bold")
            line.append_text(_inline(value))
            parts.append(line)
        return parts
    if kind == "context":
        texts = [to_terminal(e.get("text", "")) for e in block.get("elements", [])]
        return [Text("  " + "  ".join(texts), style="dim")]
    # Buttons cannot be pressed in a terminal: they are left out on purpose.
    return []


def _mrkdwn(text: str, plain: bool) -> list[RenderableType]:
    """Turn a section's mrkdwn into lines, with fenced code as highlighted code."""
    parts: list[RenderableType] = []
    label = ""
    position = 0
    for fence in _FENCE.finditer(text):
        before = text[position : fence.start()].rstrip("\n")
        if before:
            parts.append(_lines(before))
            label = before.strip().strip("*").lower()
        code = to_terminal(fence.group(1)).strip("\n")
        if plain:
            parts.append(Text("\n".join("  " + line for line in code.splitlines())))
        else:
            lexer = "sql" if label == "sql" else "text"
            syntax = Syntax(
                code, lexer, theme="ansi_dark", background_color="default", word_wrap=True
            )
            parts.append(Padding(syntax, (0, 0, 0, 2)))
        position = fence.end()
    rest = text[position:].strip("\n")
    if rest:
        parts.append(_lines(rest))
    return parts


def _lines(text: str) -> Text:
    return Text("\n").join(_status_or_inline(line) for line in text.split("\n"))


def _status_or_inline(text: str) -> Text:
    """Colour a status line (`:red_circle: *Failed* …`) by the job's health."""
    for code, health in _HEALTH_BY_EMOJI.items():
        if text.startswith(code + " "):
            return _inline(text, bold_style=HEALTH_STYLE[health])
    labelled = _LABELLED.fullmatch(text)
    if labelled is not None:  # `*JAR* `path``: read as "JAR: path", like the fields
        line = Text(to_terminal(labelled.group(1)) + ": ", style="bold")
        return line.append_text(_inline(labelled.group(2)))
    return _inline(text)


def _inline(text: str, *, bold_style: str = "bold") -> Text:
    result = Text()
    position = 0
    for match in _INLINE.finditer(text):
        result.append(to_terminal(text[position : match.start()]))
        kind = match.lastgroup or "code"
        style = bold_style if kind == "bold" else _STYLES[kind]
        result.append(to_terminal(match.group(kind)), style=style)
        position = match.end()
    result.append(to_terminal(text[position:]))
    return result


def to_terminal(text: str) -> str:
    """Turn mrkdwn into what a terminal can show: date fallbacks, real characters, emoji."""
    text = _DATE_TOKEN.sub(r"\1", text)
    text = _CHANNEL_LINK.sub(r"#\1", text)
    text = _LINK.sub(r"\2 (\1)", text)
    for code, char in _EMOJI.items():
        text = text.replace(code, char)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
