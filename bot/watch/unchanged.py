"""The common case in one go: a batch's jobs read unchanged are handed back in one transaction.

Most polls change nothing. Such jobs are fenced, checked and released with a few set-based
statements however many there are; every other job (a change, an error, not found, a
notification owed, the lease lost) goes the poller's per-job way.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.store import poll_batch
from bot.store.db import Database
from bot.store.watched_jobs import JobState
from bot.usecases.watching.changes import Reading, detect
from bot.watch.source import Outcome


def unchanged(state: JobState, outcome: Outcome | None, *, now: float) -> bool:
    """Tell whether recording this reading would store exactly the state already stored."""
    if not isinstance(outcome, Reading):
        return False
    change, after = detect(state, outcome, observed_at=now)
    return change is None and after == state


async def settle_unchanged(
    db: Database,
    project: str,
    states: Sequence[JobState],
    outcomes: dict[int, Outcome],
    *,
    owner: str,
    now: float,
    lease_s: float,
    next_poll_at: float,
) -> set[int]:
    """Release the jobs read unchanged that are still ours and owe nothing; return their IDs."""
    candidates = {s.job_id: s for s in states if unchanged(s, outcomes.get(s.job_id), now=now)}
    if not candidates:
        return set()
    ids = sorted(candidates)
    async with db.begin() as conn:
        # The fence: extending the leases locks the rows and skips those another replica took
        # over (ours ran out while reading); their readings are stale and are not ours to store.
        held = await poll_batch.extend_leases(conn, project, ids, owner=owner, until=now + lease_s)
        # A state stored since the batch was taken means the reading was compared with an old one.
        same = [j for j in ids if held.get(j) == candidates[j]]
        # A watch ended since the read (no live watch: forget the job) or a reply owed: per job.
        live = await poll_batch.watched(conn, project, same) if same else set()
        owed = await poll_batch.owing(conn, project, same) if same else set()
        settled = [j for j in same if j in live and j not in owed]
        if settled:
            await poll_batch.release_read(
                conn, project, settled, owner=owner, read_at=now, next_poll_at=next_poll_at
            )
    return set(settled)
