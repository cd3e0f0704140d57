"""Find job names in alerts that name a job instead of giving its ID."""

from __future__ import annotations

import re

MAX_NAMES_PER_MESSAGE = 5

# `job orders_enrich`, `Flink job "orders_enrich"`, `job: 'orders_enrich'`, `job name orders`,
# `job_name=orders_enrich`. A name is what CS and DLI allow: letters, digits, `_` and `-`
# (at most 57 characters on DLI; CS is looser, so up to 100 here).
_NAME_PATTERN = re.compile(
    r"(?<![A-Za-z0-9_])(?:flink\s+)?job(?:[\s_-]*name)?\s*[:=]?\s*"
    # Quotes: straight, backticks, or Slack's curly ones (U+201C/U+201D).
    "(?P<quote>[\"'`\u201c]?)(?P<name>[A-Za-z][A-Za-z0-9_-]{0,99})[\"'`\u201d]?"
    r"(?![A-Za-z0-9_-])",
    re.IGNORECASE,
)
# Words that follow "job" in prose without being a name.
_NOT_NAMES = frozenset(
    {
        "id", "ids", "is", "was", "has", "had", "failed", "failure", "failing", "finished",
        "running", "stopped", "started", "restarted", "name", "names", "the", "a", "an",
        "in", "on", "of", "for", "to", "and", "or", "with", "status", "state", "details",
        "manager", "graph", "plan", "list", "exception", "error", "alert", "alarm",
    }
)  # fmt: skip


def find_job_names(text: str, limit: int = MAX_NAMES_PER_MESSAGE) -> list[str]:
    """Return the job names an alert mentions, in order, without duplicates, at most `limit`."""
    found: list[str] = []
    for match in _NAME_PATTERN.finditer(text):
        name = match.group("name")
        quoted = bool(match.group("quote"))
        # Unquoted, a name needs a `_`, `-` or digit to tell it from an English word.
        if name.lower() in _NOT_NAMES or (not quoted and name.isalpha()):
            continue
        if name not in found:
            found.append(name)
            if len(found) == limit:
                break
    return found


# A name as typed on its own (the lookup window): what CS and DLI allow, Chinese included on
# CS, and `.`; no spaces or markup, so junk such as `<!channel>` asks the API nothing.
_TYPED_NAME = re.compile(r"[\w.-]{1,100}")


def is_job_name(text: str) -> bool:
    """Say whether typed text could be a job's name."""
    return bool(_TYPED_NAME.fullmatch(text)) and not text.isdigit()
