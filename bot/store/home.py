"""Reads for the Home tab: the live watches of a set of channels, with their jobs' last state."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.schema import watched_jobs, watches

# Far more than one tab shows; the rest is only counted in its summary.
MAX_ROWS = 500


@dataclass(frozen=True)
class ChannelWatch:
    """A live watch and its job's last known state."""

    project: str
    job_id: int
    channel_id: str
    job_name: str
    status: str | None
    status_since: float


async def live_watches_in(
    conn: AsyncConnection, channel_ids: Collection[str], *, limit: int = MAX_ROWS
) -> list[ChannelWatch]:
    """Return the live watches in these channels, newest first, in one query."""
    if not channel_ids:
        return []
    w, j = watches.c, watched_jobs.c
    joined = watches.join(
        watched_jobs, and_(j.project == w.project, j.job_id == w.job_id), isouter=True
    )
    rows = await conn.execute(
        select(
            w.project, w.job_id, w.channel_id, w.started_at, j.job_name, j.status, j.status_since
        )
        .select_from(joined)
        .where(w.ended_at.is_(None), w.channel_id.in_(sorted(channel_ids)))
        .order_by(w.started_at.desc(), w.id.desc())
        .limit(limit)
    )
    return [
        ChannelWatch(
            row.project,
            row.job_id,
            row.channel_id,
            row.job_name or "",
            row.status,
            row.status_since if row.status_since is not None else row.started_at,
        )
        for row in rows
    ]
