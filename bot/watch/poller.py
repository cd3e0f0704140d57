"""The poller: every interval, lease the due watched jobs, read them, record and post changes.

One poller runs in each process. A job is polled only by the replica holding its lease, so
each change is seen, stored (before it is posted) and posted once, however many replicas run.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.huawei import errors
from bot.store import notifications as outbox
from bot.store import poll_batch, watched_jobs, watches
from bot.store.db import Database
from bot.store.watched_jobs import JobState
from bot.usecases.watching.changes import Reading, detect
from bot.usecases.watching.outbox import Outbox
from bot.usecases.watching.parents import ParentCards
from bot.watch.source import JobReader, Outcome
from bot.watch.unchanged import settle_unchanged

log = logging.getLogger(__name__)

# A job that cannot be read for this long is mentioned once in its threads.
UNREADABLE_AFTER_S = 300.0
# Failing reads are retried less and less often, up to this.
MAX_BACKOFF_S = 300.0


@dataclass(frozen=True)
class PollerConfig:
    """How the poller paces itself."""

    owner: str
    interval_s: float
    lease_s: float
    concurrency: int = 8
    batch: int = 5000


class PollerObserver:
    """Told about each tick and each change (metrics subclass it)."""

    def tick(self, *, jobs: int, watches: int, lag_s: float) -> None:
        """Record a finished tick: jobs polled, live watches, how late the oldest job was."""

    def change_seen(self, kind: str) -> None:
        """Count a change written to the outbox: `change`, `restart`, `ended`, …."""


@dataclass
class PollerStatus:
    """What /healthz shows about the poller."""

    last_tick_at: float | None = None
    watches: int = 0
    jobs: int = 0
    lag_s: float = 0.0
    errors: int = 0
    last_error: str | None = None
    running: bool = False


class Poller:
    """Polls watched jobs; `run` loops until stopped, `tick` does one round."""

    def __init__(
        self,
        db: Database,
        reader: JobReader,
        sender: Outbox,
        config: PollerConfig,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]],
        observer: PollerObserver | None = None,
        parents: ParentCards | None = None,
    ) -> None:
        self._db = db
        self._parents = parents
        self._reader = reader
        self._outbox = sender
        self.config = config
        self._clock = clock
        self._sleep = sleep
        self._observer = observer or PollerObserver()
        self._limit = asyncio.Semaphore(config.concurrency)
        self._paused_until = 0.0
        self.status = PollerStatus()

    async def run(self, stopping: asyncio.Event) -> None:
        """Tick every interval until `stopping` is set; an error in one tick is logged."""
        self.status.running = True
        try:
            while not stopping.is_set():
                started = self._clock()
                try:
                    await self.tick()
                except Exception as error:
                    self.status.errors += 1
                    self.status.last_error = type(error).__name__
                    log.exception("watch poll failed")
                wait = self.config.interval_s - (self._clock() - started)
                if wait > 0 and not stopping.is_set():
                    await self._sleep(wait)
        finally:
            self.status.running = False

    async def tick(self) -> int:
        """Poll every due job once; return how many were polled."""
        now = self._clock()
        await self._expire(now)
        if now < self._paused_until:
            return 0
        async with self._db.begin() as conn:
            oldest = await watched_jobs.oldest_due(conn)
            due = await watched_jobs.take_due(
                conn,
                owner=self.config.owner,
                now=now,
                lease_s=self.config.lease_s,
                limit=self.config.batch,
            )
        by_project: dict[str, list[JobState]] = defaultdict(list)
        for state in due:
            by_project[state.project].append(state)
        for project, states in by_project.items():
            await self._poll_project(project, states, next_poll_at=now + self.config.interval_s)
        async with self._db.begin() as conn:
            live = await watches.live_count(conn)
        lag = max(0.0, now - oldest) if oldest is not None and due else 0.0
        self.status.last_tick_at, self.status.watches = now, live
        self.status.jobs, self.status.lag_s = len(due), lag
        self._observer.tick(jobs=len(due), watches=live, lag_s=lag)
        return len(due)

    async def _poll_project(
        self, project: str, states: list[JobState], *, next_poll_at: float
    ) -> None:
        # The next poll is due an interval after this tick began, not after this read ended:
        # `run` ticks at a fixed cadence, and a job due a moment after a tick waits a whole one.
        async with self._db.begin() as conn:
            watched = await poll_batch.watched(conn, project, [s.job_id for s in states])
        to_read = [s.job_id for s in states if s.job_id in watched]
        outcomes: dict[int, Outcome] = {}
        if to_read:
            outcomes = await self._reader.read(project, to_read)
        if any(isinstance(o, errors.Throttled) for o in outcomes.values()):
            # The gateway is rate limiting us: the next tick waits (Huawei advises 2-5 s).
            retry = max((getattr(o, "retry_after", None) or 0.0) for o in outcomes.values())
            self._paused_until = self._clock() + max(retry, self.config.interval_s)
            log.warning("job API throttles the poller; pausing until the next interval")
        settled = await settle_unchanged(
            self._db, project, states, outcomes, owner=self.config.owner, now=self._clock(),
            lease_s=self.config.lease_s, next_poll_at=next_poll_at,
        )  # fmt: skip

        async def one(state: JobState) -> None:
            async with self._limit:
                await self._handle(state, outcomes.get(state.job_id), next_poll_at)

        await asyncio.gather(*(one(s) for s in states if s.job_id not in settled))

    async def _handle(self, taken: JobState, outcome: Outcome | None, next_poll: float) -> None:
        now = self._clock()
        try:
            async with self._db.begin() as conn:
                # The fence: renewing the lease locks the job's row and fails if another
                # replica took the job over (our lease ran out); then this reading is stale.
                if not await self._renew(conn, taken):
                    log.warning("lost the lease of job %s:%d before recording", *_key(taken))
                    return
                state = await watched_jobs.get_job(conn, taken.project, taken.job_id)
                if state is None:
                    return
                if isinstance(outcome, Reading):
                    await self._record(conn, state, outcome, now)
                elif isinstance(outcome, errors.JobNotFound):
                    await self._end_all(conn, state, now, reason="gone")
                elif outcome is not None:
                    next_poll = now + self._backoff(state, now)
                    await self._unreadable(conn, state, outcome, now)
                # Most polls change nothing: then there is nothing to post nor to update.
                owes = bool(await outbox.owed_for_job(conn, taken.project, taken.job_id))
            if owes:
                await self._outbox.deliver(
                    taken.project, taken.job_id, keep_lease=lambda: self._keep(taken)
                )
        finally:
            async with self._db.begin() as conn:
                if not await watched_jobs.forget_if_done(conn, taken.project, taken.job_id):
                    await watched_jobs.release(
                        conn,
                        taken.project,
                        taken.job_id,
                        owner=self.config.owner,
                        next_poll_at=next_poll,
                    )

    async def _record(
        self, conn: AsyncConnection, before: JobState, reading: Reading, now: float
    ) -> None:
        change, after = detect(before, reading, observed_at=now)
        await watched_jobs.record_state(conn, after, now=now)
        for view in await watches.job_watches(conn, before.project, before.job_id):
            if before.unreadable_noted:
                await outbox.add_notification(
                    conn,
                    watch_id=view.watch.id,
                    change_key=f"readable@{round(now * 1000)}",
                    kind=outbox.READABLE,
                    now=now,
                )
            if change is None:
                continue
            await outbox.add_notification(
                conn,
                watch_id=view.watch.id,
                change_key=change.key(before.project, before.job_id),
                kind=change.kind,
                now=now,
                from_status=change.from_status,
                to_status=change.to_status,
                status_desc=change.status_desc,
                restart_times=change.restart_times,
                previous_since=change.previous_since,
            )
            if change.is_final:
                await watches.end_watch(conn, view.watch.id, now=now, reason="final")
        if change is not None:
            self._observer.change_seen(change.kind)

    async def _end_all(
        self, conn: AsyncConnection, state: JobState, now: float, *, reason: str
    ) -> None:
        for view in await watches.job_watches(conn, state.project, state.job_id):
            if await watches.end_watch(conn, view.watch.id, now=now, reason=reason):
                await outbox.add_notification(
                    conn, watch_id=view.watch.id, change_key="ended", kind=outbox.ENDED, now=now
                )
        log.info("job %s:%d is gone; its watches ended", *_key(state))
        self._observer.change_seen(outbox.ENDED)

    async def _unreadable(
        self, conn: AsyncConnection, state: JobState, error: errors.JobApiError, now: float
    ) -> None:
        since = state.unreadable_since if state.unreadable_since is not None else now
        tell = not state.unreadable_noted and now - since >= UNREADABLE_AFTER_S
        await watched_jobs.record_unreadable(
            conn, state.project, state.job_id, now=now, noted=state.unreadable_noted or tell
        )
        if tell:
            for view in await watches.job_watches(conn, state.project, state.job_id):
                await outbox.add_notification(
                    conn,
                    watch_id=view.watch.id,
                    change_key=f"unreadable@{round(since * 1000)}",
                    kind=outbox.UNREADABLE,
                    now=now,
                    status_desc=type(error).__name__,
                )
        log.warning(
            "watched job %s:%d could not be read: %s",
            state.project,
            state.job_id,
            type(error).__name__,
            extra=error.log_fields(),
        )

    async def _renew(self, conn: AsyncConnection, state: JobState) -> bool:
        return await watched_jobs.extend_lease(
            conn,
            state.project,
            state.job_id,
            owner=self.config.owner,
            until=self._clock() + self.config.lease_s,
        )

    async def _keep(self, state: JobState) -> bool:
        """Hold the job's lease for another lease period before a post (Slack may make us wait)."""
        async with self._db.begin() as conn:
            return await self._renew(conn, state)

    def _backoff(self, state: JobState, now: float) -> float:
        """Wait longer after each failed read: about the time it has been failing."""
        failing = now - state.unreadable_since if state.unreadable_since is not None else 0.0
        return min(MAX_BACKOFF_S, max(self.config.interval_s, math.floor(failing)))

    async def _expire(self, now: float) -> None:
        async with self._db.begin() as conn:
            orphans = await self._parents.claim(conn, now) if self._parents else []
            expired = await watches.expired_watches(conn, now=now)
            # Jobs' rows are locked in job order, as a batch's fence locks them (no deadlock).
            for watch in sorted(expired, key=lambda w: (w.project, w.job_id, w.id)):
                if await watches.end_watch(conn, watch.id, now=now, reason="expired"):
                    await outbox.add_notification(
                        conn, watch_id=watch.id, change_key="ended", kind=outbox.ENDED, now=now
                    )
                    await watched_jobs.poll_soon(conn, watch.project, watch.job_id, now=now)
        if orphans and self._parents:
            # Before taking due jobs: a repaired watch's job is due at once, this tick.
            await self._parents.repair(orphans)


def _key(state: JobState) -> tuple[str, int]:
    return state.project, state.job_id
