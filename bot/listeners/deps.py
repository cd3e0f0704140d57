"""What listeners need, handed to them through Bolt's context as `deps`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.delivery import Responder
from bot.jobs import errors
from bot.jobs.lookup import JobLookup
from bot.metrics import Metrics
from bot.render.blocks import Message
from bot.render.card import build_job_card
from bot.render.messages import lookup_error
from bot.settings import Settings

log = logging.getLogger("bot.lookup")


# Slack's payload types, as the metrics name them.
REPLY_KINDS = {"slash_command": "command", "message_action": "shortcut", "block_actions": "refresh"}


def utc_now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    """The collaborators every listener works with."""

    settings: Settings
    lookup: JobLookup
    responder: Responder
    clock: Callable[[], datetime] = utc_now
    metrics: Metrics = field(default_factory=Metrics)

    def reply_sent(self, request_kind: str, seconds: float) -> None:
        """Record the time from a Slack request to its reply."""
        self.metrics.delivered(REPLY_KINDS.get(request_kind, request_kind), seconds)

    def slack_api_error(self, method: str, error: str) -> None:
        """Count a Slack Web API call that Slack refused."""
        self.metrics.slack_api_error(method, error or "unknown")


@dataclass(frozen=True)
class LookupResult:
    """A job card, or the message explaining why there is none."""

    message: Message
    ok: bool
    outcome: str


async def look_up(deps: Deps, job_id: int) -> LookupResult:
    """Fetch a job and render its card, or the plain-words error."""
    try:
        job = await deps.lookup.get(job_id)
    except errors.JobApiError as error:
        log.warning(
            "job lookup failed: %s",
            type(error).__name__,
            extra={"job_id": job_id, **error.log_fields()},
        )
        message = lookup_error(error, job_id, timeout_s=deps.lookup.timeout_s)
        return LookupResult(message, ok=False, outcome=type(error).__name__)
    return LookupResult(build_job_card(job, job_id, now=deps.clock()), ok=True, outcome="ok")
