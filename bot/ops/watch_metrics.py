"""Prometheus metrics of watching: watches, polls and their requests, changes, notifications."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

from bot.usecases.watching.outbox import OutboxObserver
from bot.watch.poller import PollerObserver
from bot.watch.source import SourceObserver


class WatchMetrics(SourceObserver, OutboxObserver, PollerObserver):
    """The poller's metrics, in the runtime's registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._watches = Gauge(
            "jobbot_watches_active", "Live watches (all channels), as of the last tick.",
            registry=registry,
        )  # fmt: skip
        self._polls = Counter(
            "jobbot_watch_polls", "Watched jobs polled by this process.", registry=registry
        )
        self._requests = Counter(
            "jobbot_watch_requests",
            "Requests sent to the job API to poll watched jobs, by mode (job or list).",
            ["mode"],
            registry=registry,
        )
        self._changes = Counter(
            "jobbot_watch_changes",
            "Changes written to the outbox, by kind (change, restart, ended).",
            ["kind"],
            registry=registry,
        )
        self._notifications = Counter(
            "jobbot_watch_notifications",
            "Thread replies, by outcome (posted, found already posted, failed).",
            ["outcome"],
            registry=registry,
        )
        self._lag = Gauge(
            "jobbot_watch_poll_lag_seconds",
            "How late the most overdue watched job was polled at the last tick.",
            registry=registry,
        )

    def requests(self, project: str, mode: str, count: int) -> None:
        """Count requests sent to read watched jobs."""
        self._requests.labels(mode=mode).inc(count)

    def notification(self, outcome: str) -> None:
        """Count a thread reply by outcome."""
        self._notifications.labels(outcome=outcome).inc()

    def tick(self, *, jobs: int, watches: int, lag_s: float) -> None:
        """Record a finished tick."""
        self._polls.inc(jobs)
        self._watches.set(watches)
        self._lag.set(lag_s)

    def change_seen(self, kind: str) -> None:
        """Count a change written to the outbox."""
        self._changes.labels(kind=kind).inc()
