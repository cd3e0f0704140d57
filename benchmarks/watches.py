"""The `watches-1000` scenario: jobbot serving while it watches 1,000 jobs.

A SQLite file is seeded with 1,000 live watches (one job each, 20 channels) before jobbot
starts, and the poller reads them every second, so every burst is measured while it polls (10
list pages a second at 100 jobs a page; the fake API serves those jobs). It proves that polling
never delays acknowledgements.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

WATCHED_JOBS = 1000
FIRST_JOB_ID = 900_000
CHANNELS = 20
INTERVAL_S = "1"


def watched_job_ids() -> range:
    """Return the IDs of the watched jobs (the fake API serves them in its list)."""
    return range(FIRST_JOB_ID, FIRST_JOB_ID + WATCHED_JOBS)


async def _seed(path: Path) -> None:
    from bot.store import watched_jobs, watches
    from bot.store.db import open_database
    from bot.store.migrations import migrate

    now = time.time()
    db = open_database(str(path))
    try:
        await migrate(db, now=now)
        async with db.begin() as conn:
            for n, job_id in enumerate(watched_job_ids()):
                state = watched_jobs.JobState(
                    "", job_id, f"watched_{job_id}", "job_running", "", 0, now, None, False
                )
                await watched_jobs.add_job(conn, state, next_poll_at=now)
                watch = await watches.add_watch(
                    conn,
                    project="",
                    job_id=job_id,
                    channel_id=f"C0WATCH{n % CHANNELS:03d}",
                    started_by="U0BENCH",
                    now=now,
                    expires_at=now + 7 * 86400,
                )
                assert watch is not None
                await watches.set_thread(conn, watch.id, f"1700000000.{n:06d}")
    finally:
        await db.aclose()


def prepare(workdir: Path) -> dict[str, str]:
    """Seed the database and return jobbot's extra environment."""
    path = workdir / "jobbot.db"
    asyncio.run(_seed(path))
    return {"JOBBOT_DB": str(path), "JOBBOT_WATCH_INTERVAL_S": INTERVAL_S}
