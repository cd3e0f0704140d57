"""Prometheus metrics for GET /metrics: lookups, upstream attempts, the cache and Slack."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest

from bot.jobs.cache import CacheObserver
from bot.jobs.client import LookupObserver
from bot.ops.watch_metrics import WatchMetrics
from bot.slack.deps import SlackObserver

# One lookup is bounded by JOBBOT_TIMEOUT_S (5 s by default); a reply by Slack's 3 s ack plus
# the lookup and the post. The buckets resolve both the fast path and the timeout.
LOOKUP_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0)
REPLY_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0, 60.0)


class Metrics(LookupObserver, CacheObserver, SlackObserver):
    """jobbot's metrics, in a registry of their own (so each runtime and test has its own)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self._lookups = Counter(
            "jobbot_lookups",
            "Job lookups sent to the job API, by API and outcome (ok or the error's name).",
            ["api", "outcome"],
            registry=registry,
        )
        self._lookup_seconds = Histogram(
            "jobbot_lookup_seconds",
            "Time one job lookup took, retries included.",
            ["api"],
            buckets=LOOKUP_BUCKETS,
            registry=registry,
        )
        self._reply_seconds = Histogram(
            "jobbot_request_to_reply_seconds",
            "Time from a Slack request to the reply sent, by kind (command, shortcut, refresh).",
            ["kind"],
            buckets=REPLY_BUCKETS,
            registry=registry,
        )
        self._attempts = Counter(
            "jobbot_upstream_attempts",
            "Requests sent to the job API, first attempts and retries.",
            ["api"],
            registry=registry,
        )
        self._retries = Counter(
            "jobbot_upstream_retries",
            "Requests sent to the job API that retried a failed attempt.",
            ["api"],
            registry=registry,
        )
        self._cache_hits = Counter(
            "jobbot_cache_hits", "Lookups answered from the cache.", registry=registry
        )
        self._coalesced = Counter(
            "jobbot_coalesced_lookups",
            "Lookups that joined a request to the job API already in flight.",
            registry=registry,
        )
        self._slack_errors = Counter(
            "jobbot_slack_api_errors",
            "Slack Web API calls that failed, by method and Slack's error code.",
            ["method", "error"],
            registry=registry,
        )
        self._renewals = Counter(
            "jobbot_token_renewals", "IAM tokens obtained or renewed.", registry=registry
        )
        self.watch = WatchMetrics(registry)

    def attempt(self, service: str, attempt: int) -> None:
        """Count one request sent upstream (attempt 1 is not a retry)."""
        self._attempts.labels(api=service).inc()
        if attempt > 1:
            self._retries.labels(api=service).inc()

    def finished(self, service: str, outcome: str, seconds: float) -> None:
        """Record how one lookup ended and how long it took."""
        self._lookups.labels(api=service, outcome=outcome).inc()
        self._lookup_seconds.labels(api=service).observe(seconds)

    def cache_hit(self) -> None:
        """Count a lookup answered from the cache."""
        self._cache_hits.inc()

    def coalesced(self) -> None:
        """Count a lookup that joined a request already in flight."""
        self._coalesced.inc()

    def token_renewed(self) -> None:
        """Count an IAM token obtained or renewed (the password sign-in's `on_renewal`)."""
        self._renewals.inc()

    def slack_api_error(self, method: str, error: str) -> None:
        """Count a failed Slack Web API call, e.g. `("chat.postMessage", "not_in_channel")`.

        Pass Slack's error code, never free text: each distinct value is a new time series.
        """
        self._slack_errors.labels(method=method, error=error or "unknown").inc()

    def delivered(self, kind: str, seconds: float) -> None:
        """Record the time from a Slack request to its reply sent.

        `kind` is `command`, `shortcut` or `refresh`; `seconds` runs from when the request
        arrived to when the reply (card or error) was accepted by Slack.
        """
        self._reply_seconds.labels(kind=kind).observe(seconds)

    def render(self) -> bytes:
        """Return the metrics in Prometheus' text format (CONTENT_TYPE_LATEST)."""
        return generate_latest(self.registry)
