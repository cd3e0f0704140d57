"""The poller with an injected clock: polling cost, unreadable jobs, expiry, leases.

Real pieces throughout: the job API client against the fake job API (CS wire format, list
included), Slack threads against the fake Slack, a SQLite file. Only time is injected.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from bot.jobs.cache import JobCache
from bot.jobs.service import create_jobs_client
from bot.slack.retries import slack_retry_handlers
from bot.slack.threads import SlackThreads
from bot.store import notifications, watched_jobs, watches
from bot.store.db import Database, open_database
from bot.store.migrations import migrate
from bot.usecases.watching.commands import Watching, start_watch
from bot.usecases.watching.outbox import Outbox
from bot.watch.poller import Poller, PollerConfig
from bot.watch.source import ClientLister, JobReader
from tests.conftest import BOT_TOKEN, settings_for
from tests.fakes import FakeJobApi, FakeSlack

T0 = 1_800_000_000.0
INTERVAL = 30.0
CHANNEL = "C0INCIDENT"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@dataclass
class Rig:
    db: Database
    poller: Poller
    watching: Watching
    clock: Clock
    slack: FakeSlack
    jobs: FakeJobApi
    slept: list[float]

    async def watch(self, job_id: int, channel: str = CHANNEL) -> None:
        answer = await start_watch(
            self.watching, project="", job_id=job_id, channel_id=channel, user_id="U1"
        )
        assert answer.outcome == "watching", answer

    async def tick_after(self, seconds: float) -> int:
        self.clock.now += seconds
        before = len(self.jobs.requests)
        await self.poller.tick()
        return len(self.jobs.requests) - before

    def replies(self, channel: str = CHANNEL) -> list[str]:
        return [m["text"] for m in self.slack.messages.get(channel, []) if "thread_ts" in m]


@pytest.fixture
async def rig(fake_slack: FakeSlack, fake_jobs: FakeJobApi, tmp_path) -> AsyncIterator[Rig]:
    clock = Clock()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    settings = settings_for(fake_slack, fake_jobs)
    client = create_jobs_client(settings.cloud_access())
    db = open_database(str(tmp_path / "jobbot.db"))
    await migrate(db, now=T0)
    slack = AsyncWebClient(
        token=BOT_TOKEN, base_url=fake_slack.api_url, retry_handlers=slack_retry_handlers(sleep)
    )
    threads = SlackThreads(slack)
    outbox = Outbox(db, threads, clock=clock, sleep=sleep, max_days=7)
    reader = JobReader(lambda p: client, lambda p: ClientLister(client), concurrency=8, clock=clock)
    poller = Poller(
        db,
        reader,
        outbox,
        PollerConfig(owner="me", interval_s=INTERVAL, lease_s=30, concurrency=16),
        clock=clock,
        sleep=sleep,
    )
    cache = JobCache(client, ttl_s=0)
    watching = Watching(
        db=db, jobs=lambda project: cache, threads=threads, outbox=outbox, clock=clock,
        owner="me", interval_s=INTERVAL, lease_s=30, max_days=7, max_per_channel=2000,
    )  # fmt: skip
    yield Rig(db, poller, watching, clock, fake_slack, fake_jobs, slept)
    await client.aclose()
    await db.aclose()


async def add_watches(rig: Rig, job_ids: list[int]) -> None:
    """Store watches directly (what `/job watch` leaves behind), without N Slack round trips."""
    async with rig.db.begin() as conn:
        for job_id in job_ids:
            state = watched_jobs.JobState("", job_id, f"job_{job_id}", "job_running", "", 0, T0,
                                          None, False)  # fmt: skip
            await watched_jobs.add_job(conn, state, next_poll_at=T0)
            watch = await watches.add_watch(
                conn, project="", job_id=job_id, channel_id=f"C{job_id}", started_by="U1",
                now=T0, expires_at=T0 + 7 * 86400,
            )  # fmt: skip
            assert watch is not None
            await watches.set_thread(conn, watch.id, f"{T0:.6f}")


@pytest.mark.parametrize(("watched", "per_interval"), [(10, 10), (100, 20), (1000, 20)])
async def test_polling_costs_min_of_watched_jobs_and_list_pages(
    rig: Rig, watched: int, per_interval: int
) -> None:
    """A project of 2,000 jobs has 20 list pages: cost per interval = min(watched, 20)."""
    rig.jobs.add_jobs(2000, first_id=100_001)
    ids = list(range(100_001, 100_001 + watched))
    await add_watches(rig, ids)
    first = await rig.tick_after(0)
    counts = [await rig.tick_after(INTERVAL) for _ in range(2)]
    assert counts == [per_interval] * 2
    # Every watched job was read each interval, and a change is seen whichever way.
    async with rig.db.begin() as conn:
        assert await watched_jobs.oldest_due(conn) == rig.clock.now + INTERVAL
    rig.jobs.set_status(ids[-1], "job_running_exception")
    await rig.tick_after(INTERVAL)
    async with rig.db.begin() as conn:
        changed = await watched_jobs.get_job(conn, "", ids[-1])
    assert changed is not None
    assert changed.status == "job_running_exception"
    mode = "job" if watched <= 20 else "list"
    print(f"\n{watched} watched jobs: {first} requests at the first tick, then {counts} ({mode})")


async def test_an_unreadable_job_is_told_once_after_5_minutes_and_again_when_readable(
    rig: Rig,
) -> None:
    await rig.watch(50320)

    async def down(request: web.Request) -> web.Response:
        return web.json_response({"error_code": "APIG.0610", "error_msg": "No backend"}, 503)

    rig.jobs.faults[50320] = down

    async def tick_when_due() -> None:
        async with rig.db.begin() as conn:
            due = await watched_jobs.oldest_due(conn)
        assert due is not None
        gaps.append(due - rig.clock.now)
        await rig.tick_after(max(0.0, due - rig.clock.now))

    gaps: list[float] = []
    await rig.tick_after(INTERVAL)
    first_failure = rig.clock.now
    while rig.clock.now - first_failure < 300:
        assert rig.replies() == []
        await tick_when_due()
    [told] = rig.replies()
    assert "could not read this job for 5 minutes (ApiUnavailable)" in told
    await tick_when_due()
    await tick_when_due()
    assert len(rig.replies()) == 1  # said once, not at every failed read
    del rig.jobs.faults[50320]
    await tick_when_due()
    assert rig.replies()[1:] == [
        ":white_check_mark: I can read this job again; changes will be posted here."
    ]
    # Backing off: failing reads come less and less often, at most 5 minutes apart.
    assert gaps == sorted(gaps)
    assert gaps[0] == INTERVAL
    assert max(gaps) == 300
    print(f"\nseconds between failing reads: {gaps}")


async def test_a_watch_ends_by_itself_after_max_days(rig: Rig) -> None:
    await rig.watch(50320)
    await rig.tick_after(6 * 86400)
    assert rig.replies() == []
    await rig.tick_after(86400)
    assert rig.replies() == [
        "This watch ran for 7 days, the most a watch lasts. Watch the job again to go on."
    ]
    async with rig.db.begin() as conn:
        assert await watches.live_count(conn) == 0
        assert await watched_jobs.tracked_count(conn) == 0


async def test_slack_429_on_a_reply_is_waited_out_and_posted_once(rig: Rig) -> None:
    await rig.watch(50320)
    rig.slack.throttle_posts = 2
    rig.slack.retry_after_s = 3
    rig.jobs.set_status(50320, "job_cancel_fail")
    await rig.tick_after(INTERVAL)
    assert rig.slept == [3.0, 3.0]
    assert [t.split(" after")[0] for t in rig.replies()] == ["Running → Stopping failed"]


async def test_an_archived_channel_ends_its_watches_with_a_log_line(rig: Rig, caplog) -> None:
    caplog.set_level(logging.WARNING)
    await rig.watch(50320)
    rig.slack.refuse[CHANNEL] = "is_archived"
    rig.jobs.set_status(50320, "job_running_exception")
    await rig.tick_after(INTERVAL)
    async with rig.db.begin() as conn:
        assert await watches.live_count(conn) == 0
        assert await notifications.owed_count(conn) == 0
    assert any("refuses messages (is_archived)" in r.getMessage() for r in caplog.records)


async def test_a_job_leased_by_a_live_replica_is_not_polled(rig: Rig) -> None:
    await rig.watch(50320)
    rig.clock.now += INTERVAL
    async with rig.db.begin() as conn:
        taken = await watched_jobs.take_due(
            conn, owner="other", now=rig.clock.now, lease_s=30, limit=10
        )
    assert [s.job_id for s in taken] == [50320]
    assert await rig.tick_after(0) == 0
    assert await rig.tick_after(29) == 0
    assert await rig.tick_after(1) == 1  # the other replica's lease ran out: ours now


@pytest.mark.parametrize("read_s", [0.0, 2.0, 29.0])
async def test_a_job_is_polled_every_tick_however_long_its_read_takes(
    rig: Rig, read_s: float
) -> None:
    """`run` ticks once an interval from each tick's start; a read's time must not skip a tick."""
    rig.jobs.add_job(50320)
    await add_watches(rig, [50320])

    async def slow_read(request: web.Request, body: bytes) -> None:
        rig.clock.now += read_s  # the job API takes this long to answer

    rig.jobs.check_auth = slow_read
    polls = []
    for k in range(6):
        rig.clock.now = T0 + k * INTERVAL  # when `run` starts each tick
        polls.append(await rig.tick_after(0))
    assert polls == [1] * 6
