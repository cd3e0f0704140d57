"""Migrations: a new database gets the latest schema; an old one is upgraded in place."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy import insert, inspect

from bot.store import channel_settings, schema, watched_jobs, watches
from bot.store.db import open_database
from bot.store.migrations import LATEST, current_version, migrate

NOW = 1_700_000_000.0


async def _tables(db) -> set[str]:
    async with db.begin() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_a_new_database_gets_every_table(db_url: str):
    db = open_database(db_url)
    try:
        assert await migrate(db, now=NOW) == LATEST
        assert {
            "schema_version", "watched_jobs", "watches", "notifications",
            "channel_settings", "seen_events", "recent_lookups",
        } <= await _tables(db)  # fmt: skip
        # Applying again changes nothing.
        assert await migrate(db, now=NOW + 1) == LATEST
        async with db.begin() as conn:
            assert await current_version(conn) == LATEST
    finally:
        await db.aclose()


async def test_a_version_1_database_is_upgraded_in_place_keeping_its_watches(db_url: str):
    db = open_database(db_url)
    try:
        assert await migrate(db, now=NOW, target=1) == 1
        assert "channel_settings" not in await _tables(db)
        async with db.begin() as conn:
            await watched_jobs.add_job(
                conn,
                watched_jobs.JobState("", 50320, "my_job", "job_running", "", 0, NOW, None, False),
                next_poll_at=NOW,
            )
            watch = await watches.add_watch(
                conn, project="", job_id=50320, channel_id="C1", started_by="U1",
                now=NOW, expires_at=NOW + 60,
            )  # fmt: skip
        assert watch is not None
        # The next start of a newer jobbot.
        assert await migrate(db, now=NOW + 10) == LATEST
        async with db.begin() as conn:
            assert await watches.live_watch(conn, "", 50320, "C1") == watch
            await channel_settings.set_default_project(conn, "C1", "prod", set_by="U1", now=NOW)
            found = await channel_settings.default_project(conn, "C1")
        assert found is not None
        assert found.project == "prod"
    finally:
        await db.aclose()


async def test_replicas_starting_together_migrate_once(db_url: str):
    dbs = [open_database(db_url) for _ in range(4)]
    try:
        versions = await asyncio.gather(*(migrate(d, now=NOW) for d in dbs))
        assert versions == [LATEST] * 4
        async with dbs[0].begin() as conn:
            rows = (await conn.exec_driver_sql("SELECT version FROM schema_version")).all()
        assert sorted(r[0] for r in rows) == list(range(1, LATEST + 1))
    finally:
        for d in dbs:
            await d.aclose()


async def test_a_newer_database_is_refused(db_url: str):
    db = open_database(db_url)
    try:
        await migrate(db, now=NOW)
        async with db.begin() as conn:
            await conn.execute(
                insert(schema.schema_version).values(version=LATEST + 1, applied_at=0)
            )
        with pytest.raises(RuntimeError, match="newer than this jobbot"):
            await migrate(db, now=NOW)
    finally:
        await db.aclose()


async def test_a_new_sqlite_file_being_written_by_another_replica_still_opens(tmp_path):
    # A replica starting at the same moment is writing to the new file (still in rollback
    # mode): SQLite refuses the next one's switch to WAL at once (a deadlock, so busy_timeout
    # does not apply), and jobbot must try again rather than fail to start.
    path = tmp_path / "jobbot.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE another_replicas_write (a)")
    db = open_database(str(path))
    try:
        asyncio.get_running_loop().call_later(0.05, holder.commit)
        assert await migrate(db, now=NOW) == LATEST
    finally:
        await db.aclose()
        holder.close()


async def test_a_version_2_database_gains_the_parent_card_claim_columns(db_url: str):
    db = open_database(db_url)
    try:
        assert await migrate(db, now=NOW, target=2) == 2
        async with db.begin() as conn:
            # As version 2 created the table, before the columns were added to the schema.
            for column in ("parent_owner", "parent_until"):
                await conn.exec_driver_sql(f"ALTER TABLE watches DROP COLUMN {column}")
        assert await migrate(db, now=NOW + 10) == LATEST
        async with db.begin() as conn:
            columns = await conn.run_sync(
                lambda sync: {c["name"] for c in inspect(sync).get_columns("watches")}
            )
            assert {"parent_owner", "parent_until"} <= columns
            started = await watches.add_watch(
                conn, project="", job_id=1, channel_id="C1", started_by="U1",
                now=NOW, expires_at=NOW + 60, poster="me", post_until=NOW + 30,
            )  # fmt: skip
            assert started is not None
            assert await watches.parent_owners(conn, now=NOW) == {"me"}
    finally:
        await db.aclose()
