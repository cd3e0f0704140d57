"""Each user's recent lookups (the Home tab shows them): the last few distinct jobs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.schema import recent_lookups
from bot.store.sql import bound, param

KEEP_PER_USER = 10


@dataclass(frozen=True)
class RecentLookup:
    """One job a user looked up, and when."""

    project: str
    job_id: int
    job_name: str
    looked_up_at: float


@dataclass(frozen=True)
class Lookup:
    """A card shown to a user, to be remembered."""

    user_id: str
    project: str
    job_id: int
    job_name: str
    at: float


T = recent_lookups
# Built once (bot/store/sql.py `param`): SQLAlchemy neither rebuilds them nor their cache keys.
_FORGET_JOB = delete(T).where(
    T.c.user_id == param("user"), T.c.project == param("project"), T.c.job_id == param("job")
)
_ADD = insert(T).values(
    user_id=param("user"),
    project=param("project"),
    job_id=param("job"),
    job_name=param("name"),
    looked_up_at=param("at"),
)
_NEWEST = (
    select(T.c.id)
    .where(T.c.user_id == param("user"))
    .order_by(T.c.looked_up_at.desc(), T.c.id.desc())
    .limit(KEEP_PER_USER)
    .scalar_subquery()
)
_TRIM = delete(T).where(T.c.user_id == param("user"), T.c.id.not_in(_NEWEST))


async def remember_lookups(conn: AsyncConnection, lookups: Sequence[Lookup]) -> None:
    """Record lookups, keeping one row per job and the newest `KEEP_PER_USER` per user."""
    if not lookups:
        return
    # The newest lookup of each job wins; one statement each, executed for all rows at once.
    newest = {(x.user_id, x.project, x.job_id): x for x in sorted(lookups, key=lambda x: x.at)}
    rows = [
        bound(user=x.user_id, project=x.project, job=x.job_id, name=x.job_name, at=x.at)
        for x in newest.values()
    ]
    await conn.execute(_FORGET_JOB, rows)
    await conn.execute(_ADD, rows)
    await conn.execute(_TRIM, [bound(user=user) for user in sorted({x.user_id for x in lookups})])


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
