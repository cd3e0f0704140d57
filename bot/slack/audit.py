"""One structured audit line per Slack request: who, where, what, outcome, time, ID."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("bot.audit")


@dataclass
class RequestInfo:
    """What a Slack request is, read from its body."""

    kind: str
    user: str | None
    channel: str | None
    what: str
    # Slack sends a fresh trigger_id (or event_id) with every interaction; a second delivery
    # of the same one is a duplicate.
    delivery_id: str | None
    response_url: str | None

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> RequestInfo:
        """Read who, where and what from any Slack request body."""
        kind = str(body.get("type") or ("slash_command" if "command" in body else "unknown"))
        raw_event = body.get("event")
        event: dict[str, Any] = raw_event if isinstance(raw_event, dict) else {}
        user = (
            body.get("user_id")
            or (body.get("user") or {}).get("id")
            or (event.get("user") if isinstance(event.get("user"), str) else None)
        )
        channel = (
            body.get("channel_id")
            or (body.get("channel") or {}).get("id")
            or (body.get("container") or {}).get("channel_id")
            # The Home tab is no channel (its `channel` is the app's direct message).
            or (
                event.get("channel")
                if isinstance(event.get("channel"), str) and event.get("type") != "app_home_opened"
                else None
            )
        )
        if kind == "slash_command":
            what = f"{body.get('command', '')} {body.get('text', '')}".strip()
        elif kind == "message_action":
            what = f"shortcut {body.get('callback_id', '')}"
        elif kind == "block_actions":
            actions = body.get("actions") or [{}]
            what = f"button {actions[0].get('action_id', '')} {actions[0].get('value', '')}"
        elif kind == "event_callback":
            what = f"{event.get('type', 'event')} {str(event.get('text') or '')[:150]}".strip()
        else:
            what = kind
        delivery = body.get("trigger_id") or body.get("event_id")
        return cls(
            kind=kind,
            user=str(user) if user else None,
            channel=str(channel) if channel else None,
            what=what[:200],
            delivery_id=str(delivery) if delivery else None,
            response_url=body.get("response_url"),
        )


@dataclass
class Audit:
    """The audit record of one request, written once when the request's work is done."""

    info: RequestInfo
    correlation_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    started: float = field(default_factory=time.monotonic)
    job_ids: list[int] = field(default_factory=list)
    done: bool = False
    # Told (kind, seconds) when the request's reply is out: the end-to-end latency metric.
    on_finish: Callable[[str, float], None] | None = None

    def finish(self, outcome: str, *, replied: bool = True) -> None:
        """Write the audit line (only the first call writes); time the reply if Slack took it."""
        if self.done:
            return
        self.done = True
        elapsed = time.monotonic() - self.started
        if replied and self.on_finish is not None:
            self.on_finish(self.info.kind, elapsed)
        log.info(
            "%s by %s in %s: %s",
            self.info.what,
            self.info.user,
            self.info.channel,
            outcome,
            extra={
                "audit": True,
                "correlation_id": self.correlation_id,
                "kind": self.info.kind,
                "user": self.info.user,
                "channel": self.info.channel,
                "what": self.info.what,
                "job_ids": self.job_ids or None,
                "outcome": outcome,
                "duration_ms": round(elapsed * 1000, 1),
            },
        )
