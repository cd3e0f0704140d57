"""Text for mrkdwn: escaping, masking of credentials, cutting to Block Kit's limits, time."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

CUT_MARKER = "… (cut)"
# The start of an entity left at a cut in already-escaped text (`&am`): Slack would show it.
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control characters in mrkdwn.

    Slack's formatting reference: replace `&`, `<` and `>` with entities and nothing else
    (full HTML escaping would show `&#39;` to users). `&` goes first so entities stay intact.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_ENTITY = re.compile(r"&(amp|lt|gt);")
_UNESCAPED = {"amp": "&", "lt": "<", "gt": ">"}


def unescape(text: str) -> str:
    """Undo Slack's escaping of typed text, giving back exactly what the person typed.

    Slack sends `&`, `<` and `>` typed in a slash command as `&amp;`, `&lt;` and `&gt;` (and
    nothing else). One pass, so a typed `&lt;` (sent as `&amp;lt;`) stays `&lt;`.
    """
    return _ENTITY.sub(lambda match: _UNESCAPED[match.group(1)], text)


def code(text: str) -> str:
    """Render text as an inline code span that its own backticks cannot break out of."""
    return f"`{escape(_defang_backticks(text))}`"


def code_block(text: str) -> str:
    """Render text as a fenced code block that its own fences cannot close."""
    return f"```{escape(_defang_backticks(text))}```"


def _defang_backticks(text: str) -> str:
    # mrkdwn has no escape for a backtick inside code; a look-alike keeps the span closed.
    return text.replace("`", "ˋ")  # noqa: RUF001


def fit(raw: str, limit: int, render: Callable[[str], str] = escape) -> str:
    """Render raw text, cutting it with a visible marker so the result fits in `limit`."""
    rendered = render(raw)
    if len(rendered) <= limit:
        return rendered
    # Rendering never shortens text, so at most `limit` raw characters can fit; find how
    # many do by bisection (escaping makes some characters five times longer).
    low, high = 0, min(len(raw), limit)
    while low < high:
        middle = (low + high + 1) // 2
        if len(render(raw[:middle] + CUT_MARKER)) <= limit:
            low = middle
        else:
            high = middle - 1
    return render(_PARTIAL_ENTITY.sub("", raw[:low]).rstrip() + CUT_MARKER)


def date_token(moment: datetime) -> str:
    """Format a time as a Slack date token that each reader sees in their own time zone."""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def duration(seconds: float) -> str:
    """Say how long something took, to the two largest units: `3 h 12 min`, `2 d 4 h`, `45 s`."""
    total = max(0, int(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "min"), (secs, "s")]
    first = next((i for i, (n, _) in enumerate(parts) if n), None)
    if first is None:
        return "0 s"
    # Two adjacent units: "1 d 5 min" would hide the hours in between.
    shown = [p for p in parts[first : first + 2] if p[0]]
    return " ".join(f"{n} {unit}" for n, unit in shown)
