"""Versioned schema migrations, recorded in `schema_version` and applied on start.

Each migration runs once, in order, in one transaction with the version it brings. Replicas that
start together are serialised: PostgreSQL by an advisory lock held for the transaction, SQLite
by its write lock (BEGIN IMMEDIATE). Later migrations change tables with ALTER TABLE; the ones
below create what the schema module defines, or add the columns it gained.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import DefaultClause, Table, func, insert, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store import schema
from bot.store.db import Database

log = logging.getLogger("bot.store")

# Any constant both replicas agree on: "jobbot" in ASCII.
MIGRATION_LOCK_KEY = 0x6A6F62626F74

Migration = Callable[[AsyncConnection], Awaitable[None]]


def _creating(*tables: Table) -> Migration:
    """Return a migration that creates these tables and their indexes."""

    async def migrate(conn: AsyncConnection) -> None:
        for table in tables:
            await conn.run_sync(table.create)

    return migrate


def _adding(table: Table, *names: str) -> Migration:
    """Return a migration that adds these columns of `table` (those it does not have yet)."""

    async def migrate(conn: AsyncConnection) -> None:
        have = await conn.run_sync(
            lambda sync: {c["name"] for c in inspect(sync).get_columns(table.name)}
        )
        for name in names:
            if name in have:  # created with the table by an earlier migration of this start
                continue
            column = table.c[name]
            kind = column.type.compile(dialect=conn.dialect)
            default = column.server_default
            sql = f"ALTER TABLE {table.name} ADD COLUMN {name} {kind}"
            if isinstance(default, DefaultClause):
                sql += f" DEFAULT {default.arg}"
            if not column.nullable:
                sql += " NOT NULL"
            await conn.execute(text(sql))

    return migrate


MIGRATIONS: list[tuple[int, str, Migration]] = [
    (
        1,
        "watches, their jobs and the notification outbox",
        _creating(schema.watched_jobs, schema.watches, schema.notifications),
    ),
    (
        2,
        "channel defaults, seen events, recent lookups",
        _creating(schema.channel_settings, schema.seen_events, schema.recent_lookups),
    ),
    (3, "who posts a watch's parent card", _adding(schema.watches, "parent_owner", "parent_until")),
]

LATEST = MIGRATIONS[-1][0]


async def current_version(conn: AsyncConnection) -> int:
    """Return the schema version of the database (0 when nothing was applied)."""
    if not await conn.run_sync(lambda sync: sync.dialect.has_table(sync, "schema_version")):
        return 0
    found = await conn.scalar(select(func.max(schema.schema_version.c.version)))
    return int(found or 0)


async def migrate(db: Database, *, now: float, target: int = LATEST) -> int:
    """Bring the database up to `target` (the latest by default); return its version."""
    async with db.begin() as conn:
        if db.is_postgres:
            await conn.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        version = await current_version(conn)
        if version == 0:
            await conn.run_sync(schema.schema_version.create, checkfirst=True)
        if version > LATEST:
            raise RuntimeError(
                f"the database has schema version {version}, newer than this jobbot ({LATEST})"
            )
        for number, title, step in MIGRATIONS:
            if version < number <= target:
                await step(conn)
                await conn.execute(
                    insert(schema.schema_version).values(version=number, applied_at=now)
                )
                log.info("database migrated to version %d: %s", number, title)
                version = number
        return version
