"""Deliver the notifications a job owes its threads, each exactly once.

Order, per notification: raise `attempts` (committed), post the reply tagged with its key,
record the reply's ts. A process killed between the first two leaves attempts > 0 and no reply;
killed between the last two, a reply and no ts. So when attempts > 0 the thread is searched for
the key first, and the reply is posted only if it is not there.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Awaitable, Callable

from bot.render.blocks import Message
from bot.render.watch import (
    change_reply,
    ended_reply,
    parent_card,
    readable_reply,
    unreadable_reply,
)
from bot.store import notifications as outbox
from bot.store import watches
from bot.store.db import Database
from bot.store.notifications import Notification
from bot.store.watches import WatchView
from bot.usecases.watching.changes import FAILURE_STATUSES, FINAL_STATUSES
from bot.usecases.watching.threads import ChannelGone, PostFailed, Threads, Throttled

log = logging.getLogger(__name__)

# Slack's 429s waited out for one reply before it is left for the next tick.
MAX_429_WAITS = 5


class LeaseLost(Exception):
    """Another replica took the job over; this one must not post for it."""


class OutboxObserver:
    """Told what happened to each notification (metrics subclass it)."""

    def notification(self, outcome: str) -> None:
        """Count a notification: `posted`, `found` (already in the thread) or `failed`."""


def render_notification(note: Notification, view: WatchView, *, max_days: float) -> Message:
    """Render an owed notification as the reply its thread gets."""
    if note.kind in (outbox.CHANGE, outbox.RESTART):
        return change_reply(
            kind=note.kind,
            from_status=note.from_status,
            to_status=note.to_status,
            status_desc=note.status_desc,
            restart_times=note.restart_times,
            previous_since=note.previous_since,
            observed_at=note.observed_at,
            final=note.kind == outbox.CHANGE and note.to_status in FINAL_STATUSES,
        )
    if note.kind == outbox.UNREADABLE:
        return unreadable_reply(5, note.status_desc or "the job API failed")
    if note.kind == outbox.READABLE:
        return readable_reply()
    reason, _, who = (view.watch.end_reason or "").partition(":")
    return ended_reply(reason, who=who, days=round(max_days))


def render_parent(view: WatchView) -> Message:
    """Render a watch's parent card with the latest state (ended or not)."""
    watch = view.watch
    ended = None
    if watch.ended_at is not None:
        ended = "This watch has ended."
    return parent_card(
        project=watch.project,
        job_id=watch.job_id,
        job_name=view.job_name,
        status=view.status,
        status_desc=view.status_desc,
        restart_times=view.restart_times,
        status_since=view.status_since,
        started_by=watch.started_by,
        expires_at=watch.expires_at,
        ended=ended,
    )


class Outbox:
    """Posts a job's owed notifications and keeps its parent cards current."""

    def __init__(
        self,
        db: Database,
        threads: Threads,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]],
        max_days: float,
        observer: OutboxObserver | None = None,
    ) -> None:
        self._sleep = sleep
        self._db = db
        self._threads = threads
        self._clock = clock
        self._max_days = max_days
        self._observer = observer or OutboxObserver()

    async def deliver(
        self,
        project: str,
        job_id: int,
        *,
        keep_lease: Callable[[], Awaitable[bool]],
    ) -> int:
        """Post what the job owes (the caller holds its lease); return how many were posted.

        `keep_lease` renews the caller's lease before each post and says whether it still
        holds it: a replica that lost the lease stops, since another now owns the job.
        """
        async with self._db.begin() as conn:
            owed = await outbox.owed_for_job(conn, project, job_id)
        touched: set[int] = set()
        given_up: set[int] = set()
        posted = 0
        for note in owed:
            if note.watch_id in given_up:
                continue
            try:
                if not await keep_lease():
                    raise LeaseLost()
                if await self._deliver_one(note, keep_lease):
                    posted += 1
                touched.add(note.watch_id)
            except LeaseLost:
                log.warning("lost the lease of job %s:%d; another replica goes on", project, job_id)
                return posted
            except ChannelGone as gone:
                await self.channel_gone(note.watch_id, gone.error)
                given_up.add(note.watch_id)
            except PostFailed as failed:
                # Kept for the next tick; later notes of this watch wait, to keep their order.
                log.warning("reply not posted, will retry: %s", failed.error)
                self._observer.notification("failed")
                given_up.add(note.watch_id)
        for watch_id in sorted(touched - given_up):
            await self._refresh_parent(watch_id)
        return posted

    async def _deliver_one(
        self, note: Notification, keep_lease: Callable[[], Awaitable[bool]]
    ) -> bool:
        async with self._db.begin() as conn:
            view = await watches.watch_view(conn, note.watch_id)
        assert view is not None
        assert view.watch.thread_ts is not None
        channel, thread = view.watch.channel_id, view.watch.thread_ts
        key = f"{note.watch_id}/{note.change_key}"
        if note.attempts > 0:
            found = await self._threads.find_reply(channel, thread, key)
            if found is not None:
                async with self._db.begin() as conn:
                    await outbox.mark_posted(conn, note.id, found, now=self._clock())
                log.info("reply %s was already in the thread; recorded it", key)
                self._observer.notification("found")
                return False
        async with self._db.begin() as conn:
            await outbox.mark_attempt(conn, note.id)
        message = render_notification(note, view, max_days=self._max_days)
        broadcast = note.kind == outbox.CHANGE and note.to_status in FAILURE_STATUSES
        for waits in itertools.count():
            try:
                ts = await self._threads.reply(
                    channel, thread, message, key=key, broadcast=broadcast
                )
                break
            except Throttled as throttled:
                if waits >= MAX_429_WAITS:
                    raise
                await self._sleep(throttled.retry_after_s)
                # Waiting may outlast the lease: post only while the job is still ours.
                if not await keep_lease():
                    raise LeaseLost() from None
        async with self._db.begin() as conn:
            await outbox.mark_posted(conn, note.id, ts, now=self._clock())
        self._observer.notification("posted")
        return True

    async def _refresh_parent(self, watch_id: int) -> None:
        async with self._db.begin() as conn:
            view = await watches.watch_view(conn, watch_id)
        if view is None or view.watch.thread_ts is None:
            return
        try:
            await self._threads.update(
                view.watch.channel_id, view.watch.thread_ts, render_parent(view)
            )
        except (ChannelGone, PostFailed) as error:
            log.warning("parent card not updated: %s", error)

    async def channel_gone(self, watch_id: int, error: str) -> None:
        """End every watch of a channel Slack will not take messages in any more."""
        now = self._clock()
        async with self._db.begin() as conn:
            watch = await watches.get_watch(conn, watch_id)
            assert watch is not None
            ended = await watches.end_channel(
                conn, watch.channel_id, now=now, reason=f"channel:{error}"
            )
            dropped = await outbox.fail_channel(conn, watch.channel_id, error)
        log.warning(
            "channel %s refuses messages (%s): ended its %d watch(es), dropped %d notification(s)",
            watch.channel_id,
            error,
            ended,
            dropped,
        )
        for _ in range(dropped):
            self._observer.notification("failed")
