"""Watching, as people ask for it: start a watch, end it, list a channel's watches."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.huawei import errors
from bot.jobs.cache import JobCache
from bot.jobs.models import Job
from bot.render.blocks import Message
from bot.render.messages import lookup_error
from bot.render.watch import (
    already_watched,
    cannot_post_here,
    not_watched,
    unwatched,
    watch_limit,
    watch_started,
    watching_list,
)
from bot.store import notifications as outbox
from bot.store import watched_jobs, watches
from bot.store.db import Database
from bot.store.watched_jobs import JobState
from bot.store.watches import Watch, WatchView
from bot.usecases.watching.changes import RUNNING_STATUSES
from bot.usecases.watching.outbox import Outbox, render_parent
from bot.usecases.watching.parents import parent_key
from bot.usecases.watching.threads import ChannelGone, PostFailed, Threads

log = logging.getLogger(__name__)

DAY_S = 86400.0


@dataclass(frozen=True)
class Watching:
    """What watching needs: the database, the job API, the chat, the rules."""

    db: Database
    # The job cache of each project, by name ("" in the single-project setup).
    jobs: Callable[[str], JobCache]
    threads: Threads
    outbox: Outbox
    clock: Callable[[], float]
    owner: str
    interval_s: float
    lease_s: float
    max_days: float
    max_per_channel: int


@dataclass(frozen=True)
class WatchAnswer:
    """What to tell the person who asked, and the outcome for the audit log."""

    message: Message
    outcome: str


def initial_state(project: str, job_id: int, job: Job, now: float) -> JobState:
    """Return the state a new watch starts from: the job as it is now."""
    since_ms = job.start_time if job.status in RUNNING_STATUSES else job.update_time
    since = since_ms / 1000 if since_ms and 0 < since_ms / 1000 <= now else now
    return JobState(
        project,
        job_id,
        (job.name or "").strip(),
        job.status,
        (job.status_desc or "").strip(),
        job.restart_times or 0,
        since,
        None,
        False,
    )


async def start_watch(
    w: Watching, *, project: str, job_id: int, channel_id: str, user_id: str
) -> WatchAnswer:
    """Start watching a job in a channel: the parent card is posted there for everyone."""
    async with w.db.begin() as conn:
        existing = await watches.live_watch(conn, project, job_id, channel_id)
        count = await watches.live_count(conn, channel_id)
    if existing is not None:
        return await _already(w, existing)
    if count >= w.max_per_channel:
        return WatchAnswer(watch_limit(w.max_per_channel), "limit reached")
    try:
        job = await w.jobs(project).get(job_id)
    except errors.JobApiError as error:
        message = lookup_error(error, job_id, timeout_s=w.jobs(project).timeout_s, project=project)
        return WatchAnswer(message, type(error).__name__)
    now = w.clock()
    state = initial_state(project, job_id, job, now)
    async with w.db.begin() as conn:
        await watched_jobs.add_job(conn, state, next_poll_at=now + w.interval_s)
        watch = await watches.add_watch(
            conn,
            project=project,
            job_id=job_id,
            channel_id=channel_id,
            started_by=user_id,
            now=now,
            expires_at=now + w.max_days * DAY_S,
            # Should this process die before recording the card, the poller recovers it.
            poster=w.owner,
            post_until=now + w.lease_s,
        )
        if watch is None:
            existing = await watches.live_watch(conn, project, job_id, channel_id)
    if watch is None:
        assert existing is not None
        return await _already(w, existing)
    async with w.db.begin() as conn:
        view = await watches.watch_view(conn, watch.id)
    assert view is not None
    try:
        ts = await w.threads.post_parent(channel_id, render_parent(view), key=parent_key(watch))
    except (ChannelGone, PostFailed) as error:
        # Nothing stays stored for a watch whose card could not be posted.
        async with w.db.begin() as conn:
            await watches.remove_watch(conn, watch.id)
            await watched_jobs.forget_if_done(conn, project, job_id)
        return WatchAnswer(cannot_post_here(channel_id, str(error)), f"not posted: {error}")
    async with w.db.begin() as conn:
        await watches.set_thread(conn, watch.id, ts)
    return WatchAnswer(watch_started(project, job_id, state.job_name), "watching")


async def _already(w: Watching, existing: Watch) -> WatchAnswer:
    link = None
    if existing.thread_ts:
        link = await w.threads.permalink(existing.channel_id, existing.thread_ts)
    async with w.db.begin() as conn:
        job = await watched_jobs.get_job(conn, existing.project, existing.job_id)
    name = job.job_name if job else ""
    return WatchAnswer(
        already_watched(existing.project, existing.job_id, name, link), "already watched"
    )


async def stop_watch(
    w: Watching, *, project: str, job_id: int, channel_id: str, user_id: str
) -> WatchAnswer:
    """End a channel's watch of a job, with a last reply in its thread."""
    now = w.clock()
    async with w.db.begin() as conn:
        watch = await watches.live_watch(conn, project, job_id, channel_id)
        if watch is None or not await watches.end_watch(
            conn, watch.id, now=now, reason=f"unwatched:{user_id}"
        ):
            return WatchAnswer(not_watched(project, job_id), "not watched")
        await outbox.add_notification(
            conn, watch_id=watch.id, change_key="ended", kind=outbox.ENDED, now=now
        )
        # Whichever replica ticks next delivers the last reply if this one cannot now.
        await watched_jobs.poll_soon(conn, project, job_id, now=now)
        job = await watched_jobs.get_job(conn, project, job_id)
    await _deliver_now(w, project, job_id)
    return WatchAnswer(unwatched(project, job_id, job.job_name if job else ""), "unwatched")


async def _deliver_now(w: Watching, project: str, job_id: int) -> None:
    """Post the job's owed replies at once if no poller is busy with the job."""
    async with w.db.begin() as conn:
        taken = await watched_jobs.take_lease(
            conn, project, job_id, owner=w.owner, now=w.clock(), lease_s=w.lease_s
        )
    if not taken:
        return

    async def keep() -> bool:
        async with w.db.begin() as conn:
            return await watched_jobs.extend_lease(
                conn, project, job_id, owner=w.owner, until=w.clock() + w.lease_s
            )

    try:
        await w.outbox.deliver(project, job_id, keep_lease=keep)
    finally:
        async with w.db.begin() as conn:
            if not await watched_jobs.forget_if_done(conn, project, job_id):
                await watched_jobs.release(
                    conn, project, job_id, owner=w.owner, next_poll_at=w.clock() + w.interval_s
                )


async def list_watches(w: Watching, channel_id: str) -> WatchAnswer:
    """List a channel's watches with their last known state."""
    async with w.db.begin() as conn:
        views: list[WatchView] = await watches.channel_watches(conn, channel_id)
    rows = [
        (
            v.watch.project,
            v.watch.job_id,
            v.job_name,
            v.status,
            v.status_since,
            v.watch.started_by,
        )
        for v in views
    ]
    return WatchAnswer(watching_list(rows), f"{len(rows)} watches")
