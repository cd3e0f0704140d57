"""Watches: one job watched in one channel, with the thread its changes go to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.schema import notifications, watched_jobs, watches
from bot.store.sql import bound, inserts_ignoring_duplicates, param

W = watches
LIVE = W.c.ended_at.is_(None)


@dataclass(frozen=True)
class Watch:
    """One watch, live or ended."""

    id: int
    project: str
    job_id: int
    channel_id: str
    thread_ts: str | None
    started_by: str
    started_at: float
    expires_at: float
    ended_at: float | None
    end_reason: str | None


@dataclass(frozen=True)
class WatchView:
    """A watch with the last state seen of its job, for lists and the parent card."""

    watch: Watch
    job_name: str
    status: str | None
    status_desc: str
    restart_times: int
    status_since: float


def _watch(row: Any) -> Watch:
    return Watch(
        row.id,
        row.project,
        row.job_id,
        row.channel_id,
        row.thread_ts,
        row.started_by,
        row.started_at,
        row.expires_at,
        row.ended_at,
        row.end_reason,
    )


def _view(row: Any) -> WatchView:
    return WatchView(
        _watch(row),
        row.job_name or "",
        row.status,
        row.status_desc or "",
        row.restart_times or 0,
        row.status_since if row.status_since is not None else row.started_at,
    )


def _views() -> Any:
    J = watched_jobs.c
    # Outer: an ended watch may outlive its job's row.
    joined = W.join(
        watched_jobs, and_(J.project == W.c.project, J.job_id == W.c.job_id), isouter=True
    )
    return select(
        W, J.job_name, J.status, J.status_desc, J.restart_times, J.status_since
    ).select_from(joined)


# The statements of the per-job poll and of starting a watch, built once (see bot/store/sql.py).
_ADD = inserts_ignoring_duplicates(
    W,
    **{
        name: param(name)
        for name in (
            "project", "job_id", "channel_id", "started_by", "started_at", "expires_at",
            "parent_owner", "parent_until",
        )
    },
).then(lambda insert: insert.returning(*W.c))  # fmt: skip
_SET_THREAD = (
    update(W)
    .where(W.c.id == param("id"))
    .values(thread_ts=param("thread_ts"), parent_owner=None, parent_until=0)
)
_ORPHAN = and_(LIVE, W.c.thread_ts.is_(None))
# Claims the parent cards nobody is posting any more (their poster died or gave up).
_CLAIM_ORPHANS = (
    update(W)
    .where(_ORPHAN, W.c.parent_until <= param("now"))
    .values(parent_owner=param("owner"), parent_until=param("until"))
    .returning(*W.c)
)
_END = (
    update(W)
    .where(W.c.id == param("id"), LIVE)
    .values(ended_at=param("now"), end_reason=param("reason"))
)
_JOB_WATCHES = (
    _views()
    .where(W.c.project == param("project"), W.c.job_id == param("job_id"), LIVE)
    .order_by(W.c.id)
)
_WATCH_VIEW = _views().where(W.c.id == param("id"))


async def add_watch(
    conn: AsyncConnection,
    *,
    project: str,
    job_id: int,
    channel_id: str,
    started_by: str,
    now: float,
    expires_at: float,
    poster: str | None = None,
    post_until: float = 0.0,
) -> Watch | None:
    """Insert a live watch whose parent card `poster` posts by `post_until`; None if a duplicate."""
    values = bound(
        project=project,
        job_id=job_id,
        channel_id=channel_id,
        started_by=started_by,
        started_at=now,
        expires_at=expires_at,
        parent_owner=poster,
        parent_until=post_until,
    )
    row = (await conn.execute(_ADD[conn.dialect.name], values)).first()
    return None if row is None else _watch(row)


async def live_watch(
    conn: AsyncConnection, project: str, job_id: int, channel_id: str
) -> Watch | None:
    """Return the channel's live watch of a job, or None."""
    row = (
        await conn.execute(
            select(W).where(
                W.c.project == project, W.c.job_id == job_id, W.c.channel_id == channel_id, LIVE
            )
        )
    ).first()
    return None if row is None else _watch(row)


async def get_watch(conn: AsyncConnection, watch_id: int) -> Watch | None:
    """Return a watch by its ID, or None."""
    row = (await conn.execute(select(W).where(W.c.id == watch_id))).first()
    return None if row is None else _watch(row)


async def set_thread(conn: AsyncConnection, watch_id: int, thread_ts: str) -> None:
    """Remember the parent card's ts: the thread the watch's changes go to."""
    await conn.execute(_SET_THREAD, bound(id=watch_id, thread_ts=thread_ts))


async def claim_orphans(
    conn: AsyncConnection, *, owner: str, now: float, until: float
) -> list[Watch]:
    """Claim, until `until`, the live watches whose parent card nobody is posting any more."""
    rows = await conn.execute(_CLAIM_ORPHANS, bound(owner=owner, now=now, until=until))
    return sorted((_watch(r) for r in rows), key=lambda w: w.id)


async def parent_owners(conn: AsyncConnection, *, now: float) -> set[str]:
    """Return who is posting parent cards now (claims not yet run out)."""
    query = select(W.c.parent_owner).distinct().where(_ORPHAN, W.c.parent_until > now)
    return {o for o in await conn.scalars(query) if o is not None}


async def release_parents(conn: AsyncConnection, owners: set[str]) -> int:
    """Drop the parent-card claims of these owners (their processes ended)."""
    result = await conn.execute(
        update(W)
        .where(_ORPHAN, W.c.parent_owner.in_(sorted(owners)))
        .values(parent_owner=None, parent_until=0)
    )
    return int(result.rowcount)


async def remove_watch(conn: AsyncConnection, watch_id: int) -> None:
    """Delete a watch that never started (its parent card could not be posted)."""
    await conn.execute(delete(notifications).where(notifications.c.watch_id == watch_id))
    await conn.execute(delete(W).where(W.c.id == watch_id))


async def end_watch(conn: AsyncConnection, watch_id: int, *, now: float, reason: str) -> bool:
    """End a live watch; False when it had already ended."""
    result = await conn.execute(_END, bound(id=watch_id, now=now, reason=reason))
    return result.rowcount == 1


async def live_count(conn: AsyncConnection, channel_id: str | None = None) -> int:
    """Count live watches, in one channel or everywhere."""
    query = select(func.count()).select_from(W).where(LIVE)
    if channel_id is not None:
        query = query.where(W.c.channel_id == channel_id)
    return int(await conn.scalar(query) or 0)


async def channel_watches(conn: AsyncConnection, channel_id: str) -> list[WatchView]:
    """Return a channel's live watches with their jobs' last state, oldest first."""
    rows = await conn.execute(
        _views().where(W.c.channel_id == channel_id, LIVE).order_by(W.c.started_at, W.c.id)
    )
    return [_view(r) for r in rows]


async def job_watches(conn: AsyncConnection, project: str, job_id: int) -> list[WatchView]:
    """Return every live watch of a job, in any channel."""
    rows = await conn.execute(_JOB_WATCHES, bound(project=project, job_id=job_id))
    return [_view(r) for r in rows]


async def watch_view(conn: AsyncConnection, watch_id: int) -> WatchView | None:
    """Return one watch (live or ended) with its job's last state."""
    row = (await conn.execute(_WATCH_VIEW, bound(id=watch_id))).first()
    return None if row is None else _view(row)


async def channel_ids_with_live(conn: AsyncConnection, channel_id: str) -> list[int]:
    """Return the IDs of a channel's live watches."""
    rows = await conn.execute(select(W.c.id).where(W.c.channel_id == channel_id, LIVE))
    return [r.id for r in rows]


async def expired_watches(conn: AsyncConnection, *, now: float) -> list[Watch]:
    """Return live watches whose time is up."""
    rows = await conn.execute(select(W).where(LIVE, W.c.expires_at <= now).order_by(W.c.id))
    return [_watch(r) for r in rows]


async def end_channel(conn: AsyncConnection, channel_id: str, *, now: float, reason: str) -> int:
    """End every live watch of a channel; return how many ended."""
    result = await conn.execute(
        update(W).where(W.c.channel_id == channel_id, LIVE).values(ended_at=now, end_reason=reason)
    )
    return int(result.rowcount)
