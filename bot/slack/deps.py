"""What listeners need, handed to them through Bolt's context as `deps`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.config.settings import Settings
from bot.jobs.cache import JobCache
from bot.slack.acks import AcksFirst
from bot.slack.delivery import Responder
from bot.slack.memberships import ChannelMemberships
from bot.slack.once import MemorySeenEvents, SeenEvents
from bot.timing import utc_now
from bot.usecases.home import HomeSource
from bot.usecases.projects import ChannelDefaults, MemoryChannelDefaults, Project, Projects
from bot.usecases.watching.commands import Watching

# Slack's payload types, as the metrics name them.
REPLY_KINDS = {
    "slash_command": "command",
    "message_action": "shortcut",
    "block_actions": "refresh",
    "event_callback": "mention",
}


class SlackObserver:
    """Told how replies and Slack calls went (the metrics implement it; the default ignores)."""

    def delivered(self, kind: str, seconds: float) -> None:
        """Record the time from a Slack request to its reply sent."""

    def slack_api_error(self, method: str, error: str) -> None:
        """Count a Slack Web API call that Slack refused, by Slack's error code."""


@dataclass(frozen=True)
class Deps:
    """The collaborators every listener works with."""

    settings: Settings
    jobs: JobCache
    responder: Responder
    projects: Projects = field(default=None)  # type: ignore[assignment]
    channel_defaults: ChannelDefaults = field(default_factory=MemoryChannelDefaults)
    seen_events: SeenEvents = field(default_factory=MemorySeenEvents)
    clock: Callable[[], datetime] = utc_now
    metrics: SlackObserver = field(default_factory=SlackObserver)
    # The server counts unacknowledged requests here; listeners defer work after ack on it.
    acks: AcksFirst = field(default_factory=AcksFirst)
    # The channels each person is in, for the Home tab (cached users.conversations answers).
    memberships: ChannelMemberships = field(default_factory=ChannelMemberships)
    # Where the Home tab reads watches and recent lookups (the database).
    home: HomeSource | None = None
    watching: Watching | None = None

    def __post_init__(self) -> None:
        if self.projects is None:
            # Built with one job cache only (tests, tools): that is the one project.
            object.__setattr__(self, "projects", Projects([Project("", self.jobs)]))

    def reply_sent(self, request_kind: str, seconds: float) -> None:
        """Record the time from a Slack request to its reply."""
        self.metrics.delivered(REPLY_KINDS.get(request_kind, request_kind), seconds)

    def slack_api_error(self, method: str, error: str) -> None:
        """Count a Slack Web API call that Slack refused."""
        self.metrics.slack_api_error(method, error or "unknown")
