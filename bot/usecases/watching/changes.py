"""Change detection: what a fresh reading of a job says happened since the last one. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.watched_jobs import JobState

# The job will not move again by itself: the watch ends (per the status table; a job stopped
# for arrears is restored when the account is recharged, so that one is not final).
FINAL_STATUSES = frozenset({"job_finish", "job_cancel_success", "job_submit_fail"})

# Changes into these are broadcast to the channel, not only told in the thread.
FAILURE_STATUSES = frozenset(
    {"job_submit_fail", "job_running_exception", "job_cancel_fail", "job_arrearage_stopped"}
)

RUNNING_STATUSES = frozenset({"job_running", "job_running_exception"})


@dataclass(frozen=True)
class Reading:
    """What the job API said about a job just now."""

    job_name: str
    status: str | None
    status_desc: str
    # None when the answer does not say (list rows may leave it out): the last count stands.
    restart_times: int | None


@dataclass(frozen=True)
class Change:
    """Something a watch's thread should be told."""

    kind: str  # "change" (status) or "restart" (restart_times rose while running)
    from_status: str | None
    to_status: str | None
    status_desc: str
    restart_times: int
    previous_since: float
    observed_at: float

    def key(self, project: str, job_id: int) -> str:
        """Return the change's unique key: job, from, to, restarts, time observed (ms)."""
        return (
            f"{project}:{job_id}:{self.from_status}>{self.to_status}"
            f":r{self.restart_times}@{round(self.observed_at * 1000)}"
        )

    @property
    def is_final(self) -> bool:
        """Tell whether the job reached a state it will not leave: the watch ends."""
        return self.to_status in FINAL_STATUSES


def detect(before: JobState, now: Reading, *, observed_at: float) -> tuple[Change | None, JobState]:
    """Compare a reading with the last state seen; return the change (if any) and the new state."""
    change: Change | None = None
    since = before.status_since
    restarts = before.restart_times if now.restart_times is None else now.restart_times
    if now.status != before.status:
        change = Change(
            "change",
            before.status,
            now.status,
            now.status_desc,
            restarts,
            before.status_since,
            observed_at,
        )
        since = observed_at
    elif now.status in RUNNING_STATUSES and restarts > before.restart_times:
        # A job restarting in a loop stays "Running": only this counter shows it.
        change = Change(
            "restart",
            before.status,
            now.status,
            now.status_desc,
            restarts,
            before.status_since,
            observed_at,
        )
    state = JobState(
        before.project,
        before.job_id,
        now.job_name or before.job_name,
        now.status,
        now.status_desc,
        restarts,
        since,
        None,
        False,
    )
    return change, state
