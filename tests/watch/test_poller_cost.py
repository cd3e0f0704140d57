"""What a tick costs the database, on SQLite and on PostgreSQL, and the fence on a whole batch.

Real pieces: the job API client against the fake job API (CS wire format, list included), Slack
threads against the fake Slack, each database for real. Statements are counted with
SQLAlchemy's `before_cursor_execute` event, transactions with its `commit` event.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import event

from bot.jobs.service import create_jobs_client
from bot.slack.retries import slack_retry_handlers
from bot.slack.threads import SlackThreads
from bot.store import notifications, watched_jobs, watches
from bot.store.db import Database
from bot.usecases.watching.outbox import Outbox
from bot.watch.poller import Poller, PollerConfig
from bot.watch.source import ClientLister, JobReader, Outcome
from tests.conftest import BOT_TOKEN, settings_for
from tests.fakes import FakeJobApi, FakeSlack

T0 = 1_800_000_000.0
INTERVAL = 30.0
LEASE = 30.0
FIRST_ID = 200_001
# A tick of unchanged jobs: expire, take, which are watched, one batch, the live count.
MAX_STATEMENTS = 16
MAX_TRANSACTIONS = 6


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@dataclass
class Counts:
    statements: int = 0
    transactions: int = 0


@contextmanager
def counting(db: Database) -> Iterator[Counts]:
    """Count the SQL statements sent and the transactions committed inside the block."""
    counts = Counts()
    engine = db.engine.sync_engine

    def statement(*_args: Any) -> None:
        counts.statements += 1

    def commit(*_args: Any) -> None:
        counts.transactions += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        yield counts
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)


class TakenOverWhileReading:
    """Reads for real, then lets another replica take the leases (ours ran out meanwhile)."""

    def __init__(self, reader: JobReader, db: Database, clock: Clock) -> None:
        self._reader = reader
        self._db = db
        self._clock = clock
        self.armed = False

    async def read(self, project: str, job_ids: list[int]) -> dict[int, Outcome]:
        outcomes = await self._reader.read(project, job_ids)
        if self.armed:
            self._clock.now += LEASE
            async with self._db.begin() as conn:
                taken = await watched_jobs.take_due(
                    conn, owner="other", now=self._clock.now, lease_s=LEASE, limit=10_000
                )
            assert len(taken) == len(job_ids)
        return outcomes


@dataclass
class Rig:
    db: Database
    poller: Poller
    reader: TakenOverWhileReading
    clock: Clock
    slack: FakeSlack
    jobs: FakeJobApi

    async def tick_after(self, seconds: float) -> int:
        self.clock.now += seconds
        return await self.poller.tick()


@pytest.fixture
async def rig(fake_slack: FakeSlack, fake_jobs: FakeJobApi, db: Database) -> AsyncIterator[Rig]:
    clock = Clock()

    async def sleep(seconds: float) -> None:
        clock.now += seconds

    client = create_jobs_client(settings_for(fake_slack, fake_jobs).cloud_access())
    slack = AsyncWebClient(
        token=BOT_TOKEN, base_url=fake_slack.api_url, retry_handlers=slack_retry_handlers(sleep)
    )
    outbox = Outbox(db, SlackThreads(slack), clock=clock, sleep=sleep, max_days=7)
    real = JobReader(lambda p: client, lambda p: ClientLister(client), concurrency=8, clock=clock)
    reader = TakenOverWhileReading(real, db, clock)
    config = PollerConfig(owner="me", interval_s=INTERVAL, lease_s=LEASE, concurrency=16)
    poller = Poller(db, reader, outbox, config, clock=clock, sleep=sleep)  # type: ignore[arg-type]
    yield Rig(db, poller, reader, clock, fake_slack, fake_jobs)
    await client.aclose()


async def watch_jobs(rig: Rig, count: int) -> list[int]:
    """Watch `count` running jobs, one channel each, as `/job watch` leaves them stored."""
    ids = rig.jobs.add_jobs(count, first_id=FIRST_ID)
    async with rig.db.begin() as conn:
        for job_id in ids:
            state = watched_jobs.JobState("", job_id, f"job_{job_id}", "job_running", "", 0, T0,
                                          None, False)  # fmt: skip
            await watched_jobs.add_job(conn, state, next_poll_at=T0)
            watch = await watches.add_watch(
                conn, project="", job_id=job_id, channel_id=f"C{job_id}", started_by="U1",
                now=T0, expires_at=T0 + 7 * 86400,
            )  # fmt: skip
            assert watch is not None
            await watches.set_thread(conn, watch.id, f"{T0:.6f}")
    return ids


async def stored(rig: Rig, job_id: int) -> Any:
    async with rig.db.begin() as conn:
        row = (
            await conn.execute(
                watched_jobs.T.select().where(
                    watched_jobs.T.c.project == "", watched_jobs.T.c.job_id == job_id
                )
            )
        ).first()
    assert row is not None
    return row


def replies(rig: Rig, job_id: int) -> list[str]:
    return [m["text"] for m in rig.slack.messages.get(f"C{job_id}", []) if "thread_ts" in m]


@pytest.mark.parametrize("watched", [10, 1000])
async def test_a_tick_of_unchanged_jobs_costs_a_few_statements_however_many_are_watched(
    rig: Rig, watched: int, db_url: str
) -> None:
    ids = await watch_jobs(rig, watched)
    assert await rig.tick_after(0) == watched
    with counting(rig.db) as counts:
        started = time.perf_counter()
        assert await rig.tick_after(INTERVAL) == watched
        took = time.perf_counter() - started
    assert counts.statements <= MAX_STATEMENTS, counts
    assert counts.transactions <= MAX_TRANSACTIONS, counts
    # Each job was read and handed back, due again one interval later; nothing was owed.
    async with rig.db.begin() as conn:
        assert await watched_jobs.oldest_due(conn) == rig.clock.now + INTERVAL
        assert await notifications.owed_count(conn) == 0
    row = await stored(rig, ids[0])
    assert (row.lease_owner, row.lease_until, row.last_read_at) == (None, 0, rig.clock.now)
    engine = "postgresql" if "://" in db_url else "sqlite"
    print(
        f"\n{engine}: a tick of {watched} unchanged watched jobs: {took * 1000:.0f} ms, "
        f"{counts.statements} statements, {counts.transactions} transactions"
    )


async def test_in_a_batch_only_the_changed_jobs_are_recorded_and_posted_once(rig: Rig) -> None:
    ids = await watch_jobs(rig, 40)
    await rig.tick_after(0)
    changed = {ids[3]: "job_running_exception", ids[17]: "job_cancel_success"}
    for job_id, status in changed.items():
        rig.jobs.set_status(job_id, status)
    rig.jobs.jobs[ids[5]]["name"] = "renamed"  # a new name: stored, nothing posted
    assert await rig.tick_after(INTERVAL) == 40
    await rig.tick_after(INTERVAL)
    assert [t.split(" after")[0] for t in replies(rig, ids[3])] == ["Running → Running exception"]
    assert replies(rig, ids[17])[0].startswith("Running → Stopped after ")
    assert all(replies(rig, j) == [] for j in ids if j not in changed)
    assert (await stored(rig, ids[5])).job_name == "renamed"
    assert (await stored(rig, ids[3])).status == "job_running_exception"
    async with rig.db.begin() as conn:
        assert await watches.live_count(conn) == 39  # the stopped job's watch ended
        assert await notifications.owed_count(conn) == 0


async def test_a_batch_taken_over_while_being_read_is_not_recorded_by_us(rig: Rig) -> None:
    """The fence: our leases ran out during the read and another replica holds the jobs."""
    ids = await watch_jobs(rig, 30)
    await rig.tick_after(0)
    rig.jobs.set_status(ids[0], "job_running_exception")
    rig.reader.armed = True
    await rig.tick_after(INTERVAL)
    for job_id in ids:
        row = await stored(rig, job_id)
        # Still the other replica's, untouched by us: not recorded, not handed back.
        assert (row.lease_owner, row.lease_until) == ("other", rig.clock.now + LEASE)
        assert row.status == "job_running"
        assert row.next_poll_at == T0 + INTERVAL
    assert replies(rig, ids[0]) == []
    async with rig.db.begin() as conn:
        assert await notifications.owed_count(conn) == 0


async def test_when_every_job_changed_each_change_is_posted_once(rig: Rig, db_url: str) -> None:
    """The per-job way, for a whole batch at once (an incident): each thread gets one reply."""
    ids = await watch_jobs(rig, 100)
    await rig.tick_after(0)
    for job_id in ids:
        rig.jobs.set_status(job_id, "job_running_exception")
    with counting(rig.db) as counts:
        started = time.perf_counter()
        assert await rig.tick_after(INTERVAL) == 100
        took = time.perf_counter() - started
    await rig.tick_after(INTERVAL)
    for job_id in ids:
        assert [t.split(" after")[0] for t in replies(rig, job_id)] == [
            "Running → Running exception"
        ]
    async with rig.db.begin() as conn:
        assert await notifications.owed_count(conn) == 0
    engine = "postgresql" if "://" in db_url else "sqlite"
    print(
        f"\n{engine}: a tick of 100 changed watched jobs: {took * 1000:.0f} ms, "
        f"{counts.statements} statements, {counts.transactions} transactions"
    )


async def test_a_job_read_unchanged_that_owes_a_reply_still_gets_it_posted(rig: Rig) -> None:
    """A change stored by a replica that died before posting it: the next reading is the same."""
    ids = await watch_jobs(rig, 20)
    await rig.tick_after(0)
    owing = ids[7]
    rig.jobs.set_status(owing, "job_running_exception")
    async with rig.db.begin() as conn:
        before = await watched_jobs.get_job(conn, "", owing)
        assert before is not None
        await watched_jobs.record_state(
            conn, replace(before, status="job_running_exception"), now=rig.clock.now
        )
        [view] = await watches.job_watches(conn, "", owing)
        assert await notifications.add_notification(
            conn, watch_id=view.watch.id, change_key="left-behind", kind=notifications.CHANGE,
            now=rig.clock.now, from_status="job_running", to_status="job_running_exception",
        )  # fmt: skip
    assert await rig.tick_after(INTERVAL) == 20
    await rig.tick_after(INTERVAL)
    assert [t.split(" after")[0] for t in replies(rig, owing)] == ["Running → Running exception"]
    assert all(replies(rig, j) == [] for j in ids if j != owing)
    async with rig.db.begin() as conn:
        assert await notifications.owed_count(conn) == 0
