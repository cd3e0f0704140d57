"""Logging: readable text by default, JSON lines with JOBBOT_LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

# Attributes every LogRecord has; anything else was passed in `extra` and is ours to show.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def record_fields(record: logging.LogRecord) -> dict[str, Any]:
    """Return the structured fields a record carries (what was passed as `extra`)."""
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD and v is not None}


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        """Format a record as JSON."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **record_fields(record),
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """A readable line with the structured fields appended as key=value."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        """Format a record as text."""
        line = super().format(record)
        fields = record_fields(record)
        if fields:
            extras = " ".join(f"{k}={json.dumps(v, default=str)}" for k, v in fields.items())
            first, sep, rest = line.partition("\n")
            line = f"{first} {extras}{sep}{rest}"
        return line


# A response_url lets anyone post into its channel for 30 minutes, and Socket Mode's ticket
# opens a connection as the app: credentials that arrive with requests, so never configured.
# Slack's libraries print request bodies at DEBUG (Socket Mode envelopes, bolt's warnings):
# the value of a `response_url` key in JSON, a repr or a form, and any URL on Slack's hooks host.
_LIVE_CREDENTIALS = (
    re.compile(r"""(response_url\\?["']?\s*[:=]\s*\\?["']?)[^"'\s,}&]+"""),
    re.compile(r"""(https?:(?:\\?/){2}hooks\.slack(?:-gov)?\.com)[^"'\s,}<>|]*"""),
    re.compile(r"""([?&]ticket=)[^"'\s,}&]+"""),
)


class RedactSecrets(logging.Filter):
    """Replace configured secret values, and response_urls, wherever they would appear."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is replaced whole.
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """Return text with every secret value and response_url replaced by ***."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        for pattern in _LIVE_CREDENTIALS:
            text = pattern.sub(r"\1***", text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the message, its arguments, extra fields and the traceback."""
        record.msg = self.redact(record.getMessage())
        record.args = None
        for key, value in record_fields(record).items():
            if isinstance(value, str):
                setattr(record, key, self.redact(value))
        if record.exc_info:
            formatted = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
            record.msg = f"{record.msg}\n{self.redact(formatted)}"
        return True


def setup_logging(log_format: str, level: str, secrets: Iterable[str] = ()) -> None:
    """Send all logs to stderr in the chosen format, with secrets redacted."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request at INFO; our own lookup lines say what matters.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
