"""Watches, watched jobs with their leases, and the notification outbox."""

from __future__ import annotations

import asyncio

from bot.store import notifications, watched_jobs, watches
from bot.store.db import Database
from bot.store.watched_jobs import JobState

NOW = 1_700_000_000.0


def state(job_id: int, status: str = "job_running", project: str = "") -> JobState:
    return JobState(project, job_id, f"job{job_id}", status, "", 0, NOW, None, False)


async def watch(db: Database, job_id: int, channel: str = "C1", project: str = ""):
    async with db.begin() as conn:
        await watched_jobs.add_job(conn, state(job_id, project=project), next_poll_at=NOW)
        return await watches.add_watch(
            conn, project=project, job_id=job_id, channel_id=channel, started_by="U1",
            now=NOW, expires_at=NOW + 7 * 86400,
        )  # fmt: skip


async def test_one_live_watch_per_job_per_channel_even_when_replicas_race(db: Database):
    results = await asyncio.gather(*(watch(db, 50320) for _ in range(4)))
    assert sum(r is not None for r in results) == 1
    # Another channel, or another project's job with the same ID, is another watch.
    assert await watch(db, 50320, channel="C2") is not None
    assert await watch(db, 50320, project="prod") is not None
    started = next(r for r in results if r is not None)
    async with db.begin() as conn:
        assert await watches.live_count(conn, "C1") == 2
        assert await watches.end_watch(conn, started.id, now=NOW + 1, reason="unwatched")
        assert not await watches.end_watch(conn, started.id, now=NOW + 2, reason="again")
        assert await watches.live_watch(conn, "", 50320, "C1") is None
    # Once ended, the job can be watched in that channel again.
    assert await watch(db, 50320) is not None


async def test_channel_list_shows_the_jobs_last_state(db: Database):
    await watch(db, 1)
    await watch(db, 2)
    async with db.begin() as conn:
        await watched_jobs.record_state(conn, state(2, "job_running_exception"), now=NOW + 5)
        views = await watches.channel_watches(conn, "C1")
    assert [(v.watch.job_id, v.status) for v in views] == [
        (1, "job_running"),
        (2, "job_running_exception"),
    ]
    assert views[0].job_name == "job1"
    assert views[0].watch.started_by == "U1"


async def test_due_jobs_are_leased_to_one_replica_and_handed_over_when_the_lease_expires(
    db: Database,
):
    for job_id in range(1, 21):
        await watch(db, job_id)

    async def take(owner: str, now: float, limit: int = 15) -> list[int]:
        async with db.begin() as conn:
            taken = await watched_jobs.take_due(conn, owner=owner, now=now, lease_s=30, limit=limit)
        return [s.job_id for s in taken]

    a, b = await asyncio.gather(take("a", NOW), take("b", NOW))
    assert not set(a) & set(b)
    assert sorted(a + b) == list(range(1, 21))
    # While the leases hold, nobody else gets those jobs.
    assert await take("c", NOW + 29) == []
    # Replica a gives its jobs back with the next due time; b dies holding its leases.
    async with db.begin() as conn:
        for job_id in a:
            await watched_jobs.release(conn, "", job_id, owner="a", next_poll_at=NOW + 30)
    assert await take("c", NOW + 29.9) == []
    assert sorted(await take("c", NOW + 30, limit=100)) == sorted(a + b)


async def test_a_job_is_forgotten_only_when_no_watch_or_message_needs_it(db: Database):
    started = await watch(db, 7)
    assert started is not None
    async with db.begin() as conn:
        assert not await watched_jobs.forget_if_done(conn, "", 7)
        await watches.set_thread(conn, started.id, "1700000000.000200")
        await watches.end_watch(conn, started.id, now=NOW, reason="finished")
        await notifications.add_notification(
            conn, watch_id=started.id, change_key="end", kind=notifications.ENDED, now=NOW
        )
        assert not await watched_jobs.forget_if_done(conn, "", 7)
        [owed] = await notifications.owed_for_job(conn, "", 7)
        await notifications.mark_posted(conn, owed.id, "1700000000.000300", now=NOW)
        assert await watched_jobs.forget_if_done(conn, "", 7)
        assert await watched_jobs.get_job(conn, "", 7) is None


async def test_a_change_is_stored_once_per_watch(db: Database):
    started = await watch(db, 9)
    assert started is not None

    async def write() -> bool:
        async with db.begin() as conn:
            return await notifications.add_notification(
                conn, watch_id=started.id, change_key="9:job_running>job_cancel_success@1",
                kind=notifications.CHANGE, now=NOW, from_status="job_running",
                to_status="job_cancel_success",
            )  # fmt: skip

    assert sorted(await asyncio.gather(write(), write(), write())) == [False, False, True]
    async with db.begin() as conn:
        # No thread yet: nothing is owed to Slack until the parent card exists.
        assert await notifications.owed_for_job(conn, "", 9) == []
        await watches.set_thread(conn, started.id, "1700000000.000200")
        [owed] = await notifications.owed_for_job(conn, "", 9)
        assert owed.attempts == 0
        await notifications.mark_attempt(conn, owed.id)
        [owed] = await notifications.owed_for_job(conn, "", 9)
        assert owed.attempts == 1
        await notifications.mark_posted(conn, owed.id, "1700000000.000300", now=NOW)
        assert await notifications.owed_for_job(conn, "", 9) == []
        assert await notifications.owed_count(conn) == 0
