"""Liveness locks: a live process's leases stay its own; a SIGKILLed one's are taken at once.

The other process is a real child process holding its lock, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from sqlalchemy import select

from bot.store import schema, watched_jobs
from bot.store.db import Database
from bot.store.owners import OwnerLock
from bot.store.watched_jobs import JobState
from bot.watch.takeover import take_over_dead

NOW = 1_700_000_000.0
HOLDER = """
import asyncio, sys
from bot.store.db import open_database
from bot.store.owners import OwnerLock

async def main():
    db = open_database(sys.argv[1])
    await OwnerLock.claim(db, sys.argv[2])
    print("held", flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


async def _hold(db_url: str, owner: str) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLDER, db_url, owner,
        cwd=Path(__file__).parents[2], stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    assert await asyncio.wait_for(process.stdout.readline(), timeout=20) == b"held\n"
    return process


async def _lease(db: Database, job_id: int, owner: str) -> None:
    async with db.begin() as conn:
        state = JobState("", job_id, f"job_{job_id}", "job_running", "", 0, NOW, None, False)
        await watched_jobs.add_job(conn, state, next_poll_at=NOW)
        assert await watched_jobs.take_lease(conn, "", job_id, owner=owner, now=NOW, lease_s=30)


async def _owner_of(db: Database, job_id: int) -> str | None:
    async with db.begin() as conn:
        return await conn.scalar(
            select(schema.watched_jobs.c.lease_owner).where(schema.watched_jobs.c.job_id == job_id)
        )


async def test_only_the_leases_of_a_process_that_died_are_taken_over(
    db: Database, db_url: str
) -> None:
    alive = await _hold(db_url, "alive-replica")
    killed = await _hold(db_url, "killed-replica")
    me = await OwnerLock.claim(db, "me")
    try:
        await _lease(db, 1, "alive-replica")
        await _lease(db, 2, "killed-replica")
        assert await me.dead({"alive-replica", "killed-replica", "me"}) == set()

        killed.send_signal(signal.SIGKILL)
        await killed.wait()
        for _ in range(100):  # PostgreSQL ends the dead session's locks as its socket closes
            if await me.dead({"killed-replica"}):
                break
            await asyncio.sleep(0.05)
        assert await take_over_dead(db, me, now=NOW + 1) == 1
        # Well within the 30 s lease: the dead one's job is free, the live one's is not.
        assert await _owner_of(db, 1) == "alive-replica"
        assert await _owner_of(db, 2) is None
        async with db.begin() as conn:
            due = await watched_jobs.take_due(conn, owner="me", now=NOW + 1, lease_s=30, limit=10)
        assert [s.job_id for s in due] == [2]
    finally:
        await me.aclose()
        for process in (alive, killed):
            if process.returncode is None:
                process.kill()
                await process.wait()
