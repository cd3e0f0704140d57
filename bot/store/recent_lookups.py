"""Each user's recent lookups (the Home tab shows them): the last few distinct jobs."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.schema import recent_lookups

KEEP_PER_USER = 10


@dataclass(frozen=True)
class RecentLookup:
    """One job a user looked up, and when."""

    project: str
    job_id: int
    job_name: str
    looked_up_at: float


async def remember_lookup(
    conn: AsyncConnection, user_id: str, project: str, job_id: int, job_name: str, *, now: float
) -> None:
    """Record a lookup, keeping one row per job and the newest `KEEP_PER_USER` per user."""
    table = recent_lookups
    same_job = and_(
        table.c.user_id == user_id, table.c.project == project, table.c.job_id == job_id
    )
    await conn.execute(delete(table).where(same_job))
    await conn.execute(
        insert(table).values(
            user_id=user_id, project=project, job_id=job_id, job_name=job_name, looked_up_at=now
        )
    )
    keep = (
        select(table.c.id)
        .where(table.c.user_id == user_id)
        .order_by(table.c.looked_up_at.desc(), table.c.id.desc())
        .limit(KEEP_PER_USER)
        .scalar_subquery()
    )
    await conn.execute(delete(table).where(table.c.user_id == user_id, table.c.id.not_in(keep)))


async def recent_for(conn: AsyncConnection, user_id: str) -> list[RecentLookup]:
    """Return the user's recent lookups, newest first."""
    table = recent_lookups
    rows = await conn.execute(
        select(table)
        .where(table.c.user_id == user_id)
        .order_by(table.c.looked_up_at.desc(), table.c.id.desc())
        .limit(KEEP_PER_USER)
    )
    return [RecentLookup(r.project, r.job_id, r.job_name, r.looked_up_at) for r in rows]
