"""Each user's recent lookups (the Home tab shows them): the last few distinct jobs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, insert, select
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


@dataclass(frozen=True)
class Lookup:
    """A card shown to a user, to be remembered."""

    user_id: str
    project: str
    job_id: int
    job_name: str
    at: float


async def remember_lookups(conn: AsyncConnection, lookups: Sequence[Lookup]) -> None:
    """Record lookups, keeping one row per job and the newest `KEEP_PER_USER` per user."""
    if not lookups:
        return
    table = recent_lookups
    # The newest lookup of each job wins; one statement each, executed for all rows at once.
    newest = {(x.user_id, x.project, x.job_id): x for x in sorted(lookups, key=lambda x: x.at)}
    rows = [
        {"u": x.user_id, "p": x.project, "j": x.job_id, "n": x.job_name, "at": x.at}
        for x in newest.values()
    ]
    await conn.execute(
        delete(table).where(
            table.c.user_id == bindparam("u"),
            table.c.project == bindparam("p"),
            table.c.job_id == bindparam("j"),
        ),
        rows,
    )
    await conn.execute(
        insert(table).values(
            user_id=bindparam("u"),
            project=bindparam("p"),
            job_id=bindparam("j"),
            job_name=bindparam("n"),
            looked_up_at=bindparam("at"),
        ),
        rows,
    )
    keep = (
        select(table.c.id)
        .where(table.c.user_id == bindparam("u"))
        .order_by(table.c.looked_up_at.desc(), table.c.id.desc())
        .limit(KEEP_PER_USER)
        .scalar_subquery()
    )
    trim = delete(table).where(table.c.user_id == bindparam("u"), table.c.id.not_in(keep))
    await conn.execute(trim, [{"u": user} for user in sorted({x.user_id for x in lookups})])


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
