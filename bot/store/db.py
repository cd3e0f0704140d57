"""The engine: one async SQLAlchemy engine for SQLite or PostgreSQL, set up for several writers."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.config.database_url import database_url, shown

# How long a SQLite writer waits for another process's write lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30000
# How often, and how far apart, a new connection tries to switch a locked new file to WAL.
WAL_SWITCH_TRIES = 200
WAL_SWITCH_PAUSE_S = 0.01


@dataclass
class Database:
    """A database jobbot keeps its state in; `begin()` gives a connection inside a transaction."""

    engine: AsyncEngine
    url: URL
    # SQLite has one writer at a time: this process's transactions queue here, in order, rather
    # than racing for the file lock and failing after busy_timeout under load.
    _one_writer: asyncio.Lock | None = field(default=None, repr=False)

    @property
    def is_postgres(self) -> bool:
        """Tell whether this is PostgreSQL (several replicas) rather than SQLite."""
        return self.engine.dialect.name == "postgresql"

    @property
    def shown_url(self) -> str:
        """Return the URL for logs and health, with the password masked."""
        return shown(self.url)

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """Open a transaction: committed when the block ends, rolled back on an exception."""
        if self._one_writer is None:
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self._one_writer, self.engine.begin() as conn:
            yield conn

    async def aclose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


def open_database(value: str, *, pool_size: int = 5) -> Database:
    """Create the engine for a `JOBBOT_DB` value (no connection is made yet)."""
    url = database_url(value)
    if url.drivername.startswith("sqlite"):
        engine = create_async_engine(url)
        _configure_sqlite(engine)
        return Database(engine=engine, url=url, _one_writer=asyncio.Lock())
    engine = create_async_engine(
        url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
    )
    return Database(engine=engine, url=url)


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL, retrying while another connection holds the lock it needs.

    On a new file still in rollback mode, SQLite answers "database is locked" at once, without
    waiting out busy_timeout, when a reader would deadlock a writer (replicas opening the file
    at the same moment); the switch then succeeds once that writer commits.
    """
    for _ in range(WAL_SWITCH_TRIES - 1):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as error:
            if "locked" not in str(error):
                raise
            # The driver's own thread, not the event loop: only this connection waits.
            time.sleep(WAL_SWITCH_PAUSE_S)
        else:
            return
    cursor.execute("PRAGMA journal_mode=WAL")


def _configure_sqlite(engine: AsyncEngine) -> None:
    """Use WAL, wait for locks, take the write lock at BEGIN (processes may share the file)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own implicit BEGIN would be deferred; we emit BEGIN IMMEDIATE ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        _use_wal(cursor)
        # With WAL, NORMAL survives a crash of the process (all we must survive); it only
        # skips the fsync per commit that guards against losing power.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Any) -> None:
        # A deferred transaction that reads then writes fails at once with SQLITE_BUSY when
        # another process wrote meanwhile; IMMEDIATE waits for the lock (busy_timeout) instead.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
