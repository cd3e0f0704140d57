"""The outbox: each message a watch's thread is owed, written before it is posted.

A row is unique per (watch, change key), so two replicas that see the same change store it
once. `attempts` is raised before each post: a row with attempts > 0 and no `posted_ts` may
already be in the thread (the process died after posting), so the sender looks there first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.schema import notifications, watches
from bot.store.sql import bound, inserts_ignoring_duplicates, param

N = notifications

# Kinds of notification.
CHANGE = "change"
RESTART = "restart"
ENDED = "ended"
UNREADABLE = "unreadable"
READABLE = "readable"


@dataclass(frozen=True)
class Notification:
    """One message owed to a watch's thread."""

    id: int
    watch_id: int
    change_key: str
    kind: str
    from_status: str | None
    to_status: str | None
    status_desc: str
    restart_times: int
    observed_at: float
    previous_since: float | None
    attempts: int
    posted_ts: str | None


def _notification(row: Any) -> Notification:
    return Notification(
        row.id,
        row.watch_id,
        row.change_key,
        row.kind,
        row.from_status,
        row.to_status,
        row.status_desc,
        row.restart_times,
        row.observed_at,
        row.previous_since,
        row.attempts,
        row.posted_ts,
    )


# The statements of the per-job poll and of delivery, built once (see bot/store/sql.py).
_ADD = inserts_ignoring_duplicates(
    N,
    **{
        name: param(name)
        for name in (
            "watch_id", "change_key", "kind", "from_status", "to_status", "status_desc",
            "restart_times", "observed_at", "previous_since", "created_at",
        )
    },
)  # fmt: skip
_OWED_FOR_JOB = (
    select(N)
    .join(watches, watches.c.id == N.c.watch_id)
    .where(
        watches.c.project == param("project"),
        watches.c.job_id == param("job_id"),
        watches.c.thread_ts.is_not(None),
        N.c.posted_at.is_(None),
        N.c.failed.is_(None),
    )
    .order_by(N.c.id)
)
_ATTEMPT = update(N).where(N.c.id == param("id")).values(attempts=N.c.attempts + 1)
_POSTED = (
    update(N).where(N.c.id == param("id")).values(posted_ts=param("ts"), posted_at=param("now"))
)


async def add_notification(
    conn: AsyncConnection,
    *,
    watch_id: int,
    change_key: str,
    kind: str,
    now: float,
    from_status: str | None = None,
    to_status: str | None = None,
    status_desc: str = "",
    restart_times: int = 0,
    previous_since: float | None = None,
) -> bool:
    """Write a notification; False when that watch already has one with this key."""
    values = bound(
        watch_id=watch_id,
        change_key=change_key,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        status_desc=status_desc,
        restart_times=restart_times,
        observed_at=now,
        previous_since=previous_since,
        created_at=now,
    )
    return (await conn.execute(_ADD[conn.dialect.name], values)).rowcount == 1


async def owed_for_job(conn: AsyncConnection, project: str, job_id: int) -> list[Notification]:
    """Return a job's unsent notifications whose thread exists, oldest first."""
    rows = await conn.execute(_OWED_FOR_JOB, bound(project=project, job_id=job_id))
    return [_notification(r) for r in rows]


async def mark_attempt(conn: AsyncConnection, notification_id: int) -> None:
    """Record that a post is about to be tried (so a restart checks the thread first)."""
    await conn.execute(_ATTEMPT, bound(id=notification_id))


async def mark_posted(conn: AsyncConnection, notification_id: int, ts: str, *, now: float) -> None:
    """Record the message that delivered a notification."""
    await conn.execute(_POSTED, bound(id=notification_id, ts=ts, now=now))


async def owed_count(conn: AsyncConnection) -> int:
    """Count notifications not yet posted nor given up."""
    query = select(func.count()).select_from(N).where(N.c.posted_at.is_(None), N.c.failed.is_(None))
    return int(await conn.scalar(query) or 0)


async def thread_notifications(conn: AsyncConnection, watch_id: int) -> list[Notification]:
    """Return every notification of a watch, oldest first."""
    rows = await conn.execute(select(N).where(N.c.watch_id == watch_id).order_by(N.c.id))
    return [_notification(r) for r in rows]


async def fail_channel(conn: AsyncConnection, channel_id: str, error: str) -> int:
    """Give up every unsent notification of a channel's watches; return how many."""
    of_channel = select(watches.c.id).where(watches.c.channel_id == channel_id)
    result = await conn.execute(
        update(N)
        .where(N.c.watch_id.in_(of_channel), N.c.posted_at.is_(None), N.c.failed.is_(None))
        .values(failed=error)
    )
    return int(result.rowcount)
