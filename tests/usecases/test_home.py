"""Recent lookups are written behind the cards, a burst in one transaction, and read back whole."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from sqlalchemy import event

from bot.store.db import Database, open_database
from bot.store.migrations import migrate
from bot.usecases.home import WRITE_AFTER_S, DatabaseHome, note_lookup

NOW = 1_700_000_000.0


class Sleeps(list[float]):
    """A sleep that records how long it was asked for and returns at once."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)
        await asyncio.sleep(0)


def _count_commits(db: Database) -> list[int]:
    commits: list[int] = []
    event.listen(db.engine.sync_engine, "commit", lambda _conn: commits.append(1))
    return commits


async def test_a_burst_of_lookups_is_written_in_a_few_transactions(db: Database) -> None:
    home = DatabaseHome(db, clock=lambda: NOW, sleep=Sleeps())
    commits = _count_commits(db)

    async def shown(n: int) -> None:
        await note_lookup(home, f"U{n % 3}", 5000 + n, f"job_{n}", project="prod")

    await asyncio.gather(*(shown(n) for n in range(60)))
    recent = await home.recent_lookups("U1")

    # 60 cards, 3 people: each sees their last ten, and the writes did not take 60 commits.
    assert [r.job_name for r in recent] == [f"job_{n}" for n in range(58, 28, -3)]
    assert {r.project for r in recent} == {"prod"}
    assert len(commits) <= 3


async def test_home_opened_right_after_a_card_shows_it(db: Database) -> None:
    sleeps = Sleeps()
    home = DatabaseHome(db, clock=lambda: NOW, sleep=sleeps)
    commits = _count_commits(db)
    await note_lookup(home, "U1", 50320, "my_job_001")
    # Nothing is written while the card goes out: the write waits first.
    await asyncio.sleep(0)
    assert sleeps == [WRITE_AFTER_S]
    assert commits == []
    # No wait in between: the reader waits for the write still under way.
    assert [(r.job_id, r.job_name) for r in await home.recent_lookups("U1")] == [
        (50320, "my_job_001")
    ]


async def test_a_failed_write_only_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    db = open_database(str(tmp_path / "jobbot.db"))
    await migrate(db, now=NOW)
    home = DatabaseHome(db, clock=lambda: NOW, sleep=Sleeps())
    async with db.begin() as conn:
        await conn.exec_driver_sql("DROP TABLE recent_lookups")
    with caplog.at_level(logging.WARNING):
        await note_lookup(home, "U1", 50320, "my_job_001")
        await home.written()
    await db.aclose()
    assert "could not record 1 lookups: OperationalError" in caplog.text


async def test_nothing_is_recorded_without_a_user(db: Database) -> None:
    home = DatabaseHome(db, clock=lambda: NOW, sleep=Sleeps())
    await note_lookup(home, "", 50320, "my_job_001")
    await note_lookup(None, "U1", 50320, "my_job_001")
    assert await home.recent_lookups("") == []
