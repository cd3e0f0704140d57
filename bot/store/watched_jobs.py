"""The jobs being watched: the last state seen, when each is next due, and who holds its lease.

A replica polls a job only while it holds the job's lease (`lease_owner`, `lease_until`); a
replica that dies mid-poll loses its leases when they expire, and another takes the jobs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, and_, delete, exists, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.schema import notifications, watched_jobs, watches
from bot.store.sql import bound, inserts_ignoring_duplicates, param

T = watched_jobs


@dataclass(frozen=True)
class JobState:
    """The last state seen of one watched job."""

    project: str
    job_id: int
    job_name: str
    status: str | None
    status_desc: str
    restart_times: int
    status_since: float
    unreadable_since: float | None
    unreadable_noted: bool


def state_of(row: Any) -> JobState:
    """Return the state a `watched_jobs` row holds."""
    return JobState(
        row.project,
        row.job_id,
        row.job_name,
        row.status,
        row.status_desc,
        row.restart_times,
        row.status_since,
        row.unreadable_since,
        row.unreadable_noted,
    )


def _key() -> Any:
    return and_(T.c.project == param("project"), T.c.job_id == param("job_id"))


# The statements of the per-job poll, built once (see bot/store/sql.py `param`).
_ADD = inserts_ignoring_duplicates(
    T,
    **{
        name: param(name)
        for name in (
            "project", "job_id", "job_name", "status", "status_desc", "restart_times",
            "status_since", "next_poll_at",
        )
    },
)  # fmt: skip
_GET = select(T).where(_key())
_TAKE = (
    update(T)
    .where(_key(), T.c.lease_until <= param("now"))
    .values(lease_owner=param("owner"), lease_until=param("until"))
)
_EXTEND = (
    update(T).where(_key(), T.c.lease_owner == param("owner")).values(lease_until=param("until"))
)
_RELEASE = (
    update(T)
    .where(_key(), T.c.lease_owner == param("owner"))
    .values(lease_owner=None, lease_until=0, next_poll_at=param("next_poll_at"))
)
_RECORD = (
    update(T)
    .where(_key())
    .values(
        job_name=param("job_name"),
        status=param("status"),
        status_desc=param("status_desc"),
        restart_times=param("restart_times"),
        status_since=param("status_since"),
        last_read_at=param("now"),
        unreadable_since=None,
        unreadable_noted=False,
    )
)
_UNREADABLE = (
    update(T)
    .where(_key())
    .values(
        unreadable_since=func.coalesce(T.c.unreadable_since, param("now", Float)),
        unreadable_noted=param("noted"),
    )
)
_POLL_SOON = update(T).where(_key()).values(next_poll_at=param("now"))
_W, _N = watches.c, notifications.c
_LIVE = exists().where(
    _W.project == param("project"), _W.job_id == param("job_id"), _W.ended_at.is_(None)
)
_OWED = exists().where(
    _N.watch_id == _W.id,
    _W.project == param("project"),
    _W.job_id == param("job_id"),
    _N.posted_at.is_(None),
    _N.failed.is_(None),
)
_FORGET = delete(T).where(_key(), ~_LIVE, ~_OWED)


def _bound_state(state: JobState, **more: Any) -> dict[str, Any]:
    """Bind a job's readable state (what `_ADD` and `_RECORD` store), and `more`."""
    return bound(
        project=state.project,
        job_id=state.job_id,
        job_name=state.job_name,
        status=state.status,
        status_desc=state.status_desc,
        restart_times=state.restart_times,
        status_since=state.status_since,
        **more,
    )


async def add_job(conn: AsyncConnection, state: JobState, *, next_poll_at: float) -> None:
    """Start tracking a job with the state it has now (kept as is if already tracked)."""
    await conn.execute(_ADD[conn.dialect.name], _bound_state(state, next_poll_at=next_poll_at))


async def get_job(conn: AsyncConnection, project: str, job_id: int) -> JobState | None:
    """Return a tracked job's state, or None."""
    row = (await conn.execute(_GET, bound(project=project, job_id=job_id))).first()
    return None if row is None else state_of(row)


async def take_due(
    conn: AsyncConnection, *, owner: str, now: float, lease_s: float, limit: int
) -> list[JobState]:
    """Lease up to `limit` due jobs to `owner`; jobs leased by a live replica are skipped."""
    due = and_(T.c.next_poll_at <= now, T.c.lease_until <= now)
    picked = select(T.c.project, T.c.job_id).where(due).order_by(T.c.next_poll_at).limit(limit)
    if conn.dialect.name == "postgresql":
        # Replicas ticking at once each lock different rows instead of waiting on each other.
        picked = picked.with_for_update(skip_locked=True)
    # On SQLite, one writer at a time (BEGIN IMMEDIATE): nobody writes between pick and lease.
    rows = await conn.execute(
        update(T)
        .where(tuple_(T.c.project, T.c.job_id).in_(picked), due)
        .values(lease_owner=owner, lease_until=now + lease_s)
        .returning(*T.c)
    )
    return sorted((state_of(r) for r in rows), key=lambda s: (s.project, s.job_id))


async def take_lease(
    conn: AsyncConnection, project: str, job_id: int, *, owner: str, now: float, lease_s: float
) -> bool:
    """Lease one job to `owner` if no live replica holds it; return whether it was taken."""
    values = bound(project=project, job_id=job_id, now=now, owner=owner, until=now + lease_s)
    return (await conn.execute(_TAKE, values)).rowcount == 1


async def extend_lease(
    conn: AsyncConnection, project: str, job_id: int, *, owner: str, until: float
) -> bool:
    """Keep holding a job's lease while its work goes on; False if it was lost."""
    values = bound(project=project, job_id=job_id, owner=owner, until=until)
    return (await conn.execute(_EXTEND, values)).rowcount == 1


async def release(
    conn: AsyncConnection, project: str, job_id: int, *, owner: str, next_poll_at: float
) -> None:
    """Give a job's lease back and say when it is next due."""
    values = bound(project=project, job_id=job_id, owner=owner, next_poll_at=next_poll_at)
    await conn.execute(_RELEASE, values)


async def lease_owners(conn: AsyncConnection, *, now: float) -> set[str]:
    """Return who holds leases that have not run out."""
    query = select(T.c.lease_owner).distinct().where(T.c.lease_until > now)
    return {o for o in await conn.scalars(query) if o is not None}


async def release_owners(conn: AsyncConnection, owners: set[str]) -> int:
    """Drop every lease these owners hold (their processes ended); return how many."""
    result = await conn.execute(
        update(T).where(T.c.lease_owner.in_(sorted(owners))).values(lease_owner=None, lease_until=0)
    )
    return int(result.rowcount)


async def record_state(conn: AsyncConnection, state: JobState, *, now: float) -> None:
    """Store the state just read; a successful read ends any unreadable streak."""
    await conn.execute(_RECORD, _bound_state(state, now=now))


async def record_unreadable(
    conn: AsyncConnection, project: str, job_id: int, *, now: float, noted: bool
) -> None:
    """Remember that a read failed (the streak starts at the first failure)."""
    values = bound(project=project, job_id=job_id, now=now, noted=noted)
    await conn.execute(_UNREADABLE, values)


async def poll_soon(conn: AsyncConnection, project: str, job_id: int, *, now: float) -> None:
    """Make a job due now, so the next tick on any replica delivers what it owes."""
    await conn.execute(_POLL_SOON, bound(project=project, job_id=job_id, now=now))


async def forget_if_done(conn: AsyncConnection, project: str, job_id: int) -> bool:
    """Stop tracking a job no live watch needs and no notification waits for."""
    result = await conn.execute(_FORGET, bound(project=project, job_id=job_id))
    return result.rowcount == 1


async def tracked_count(conn: AsyncConnection) -> int:
    """Return how many jobs are tracked."""
    return int(await conn.scalar(select(func.count()).select_from(T)) or 0)


async def oldest_due(conn: AsyncConnection) -> float | None:
    """Return the earliest `next_poll_at` of all tracked jobs (None when there are none)."""
    value = await conn.scalar(select(func.min(T.c.next_poll_at)))
    return None if value is None else float(value)
