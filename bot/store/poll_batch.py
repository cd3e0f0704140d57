"""Set-based statements for a batch of one project's watched jobs: one statement, many jobs.

The statements are built once (bot/store/sql.py `param`), so SQLAlchemy neither rebuilds them
nor recomputes their cache keys per call; `job_ids` is an expanding IN list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.schema import notifications, watched_jobs, watches
from bot.store.sql import bound, param
from bot.store.watched_jobs import JobState, state_of

T, W, N = watched_jobs, watches, notifications

# Both drivers take this many parameters in one statement and more (SQLite 32,766, asyncpg
# 32,767); a longer batch is sent in slices.
MAX_IDS = 1000

_PROJECT = param("project")
_IDS = param("job_ids", expanding=True)
_OWNER = param("owner")

_HELD = and_(T.c.project == _PROJECT, T.c.job_id.in_(_IDS), T.c.lease_owner == _OWNER)
# PostgreSQL locks the rows in job order (as `_expire` does) so two replicas' transactions
# cannot each hold a row the other waits for; SQLite has one writer and ignores FOR UPDATE.
_FENCE = (
    update(T)
    .where(
        tuple_(T.c.project, T.c.job_id).in_(
            select(T.c.project, T.c.job_id).where(_HELD).order_by(T.c.job_id).with_for_update()
        ),
        _HELD,
    )
    .values(lease_until=param("until"))
    .returning(*T.c)
)
_WATCHED = (
    select(W.c.job_id)
    .distinct()
    .where(W.c.project == _PROJECT, W.c.job_id.in_(_IDS), W.c.ended_at.is_(None))
)
_OWING = (
    select(W.c.job_id)
    .distinct()
    .select_from(W.join(N, N.c.watch_id == W.c.id))
    .where(
        W.c.project == _PROJECT,
        W.c.job_id.in_(_IDS),
        W.c.thread_ts.is_not(None),
        N.c.posted_at.is_(None),
        N.c.failed.is_(None),
    )
)
_RELEASE = (
    update(T)
    .where(T.c.project == _PROJECT, T.c.job_id.in_(_IDS), T.c.lease_owner == _OWNER)
    .values(
        lease_owner=None,
        lease_until=0,
        next_poll_at=param("next_poll_at"),
        last_read_at=param("read_at"),
    )
)


def _slices(job_ids: Sequence[int]) -> list[list[int]]:
    return [list(job_ids[i : i + MAX_IDS]) for i in range(0, len(job_ids), MAX_IDS)]


async def extend_leases(
    conn: AsyncConnection, project: str, job_ids: Sequence[int], *, owner: str, until: float
) -> dict[int, JobState]:
    """Extend the leases `owner` still holds (locking those rows); return their stored states."""
    held: dict[int, JobState] = {}
    for ids in _slices(job_ids):
        values = bound(project=project, job_ids=ids, owner=owner, until=until)
        for row in await conn.execute(_FENCE, values):
            held[row.job_id] = state_of(row)
    return held


async def _job_ids(
    conn: AsyncConnection, query: Any, project: str, job_ids: Sequence[int]
) -> set[int]:
    found: set[int] = set()
    for ids in _slices(job_ids):
        found.update(await conn.scalars(query, bound(project=project, job_ids=ids)))
    return found


async def watched(conn: AsyncConnection, project: str, job_ids: Sequence[int]) -> set[int]:
    """Return which of the jobs at least one live watch is watching."""
    return await _job_ids(conn, _WATCHED, project, job_ids)


async def owing(conn: AsyncConnection, project: str, job_ids: Sequence[int]) -> set[int]:
    """Return which of the jobs owe a notification to a thread that exists."""
    return await _job_ids(conn, _OWING, project, job_ids)


async def release_read(
    conn: AsyncConnection,
    project: str,
    job_ids: Sequence[int],
    *,
    owner: str,
    read_at: float,
    next_poll_at: float,
) -> None:
    """Give back `owner`'s leases of jobs read unchanged at `read_at`, due at `next_poll_at`."""
    for ids in _slices(job_ids):
        values = bound(
            project=project, job_ids=ids, owner=owner, read_at=read_at, next_poll_at=next_poll_at
        )
        await conn.execute(_RELEASE, values)
