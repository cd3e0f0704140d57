"""Which lease owners are alive: each polling process holds a lock named after itself.

A lease owner is one process (its name is unique per process). The process holds a lock for
its whole life, and the operating system or the database drops that lock the moment the
process dies, SIGKILL included. So a starting process can tell at once which owners of
unexpired leases are dead, and take their jobs without waiting for the leases to run out.
- PostgreSQL: a session advisory lock, on a connection kept for the purpose.
- SQLite: a byte-range lock (fcntl) in `<db file>-owners`, next to the database file.
A lock that cannot be tested counts as alive, so the worst case is today's lease wait.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.db import Database

log = logging.getLogger("bot.store")

# Owners alive in this process: fcntl locks are per process, so they cannot tell these apart.
_HERE: set[str] = set()

# The advisory locks' namespace (the two-key form; migrations use the one-key form): "jobs".
PG_LOCK_CLASS = 0x6A6F6273
_TRY = text("SELECT pg_try_advisory_lock(:cls, :key)")
_UNLOCK = text("SELECT pg_advisory_unlock(:cls, :key)")


def _key(owner: str) -> int:
    """Return a 31-bit number for an owner (a collision only makes a dead owner look alive)."""
    return int.from_bytes(hashlib.sha256(owner.encode()).digest()[:4], "big") & 0x7FFFFFFF


class OwnerLock:
    """This process's liveness lock, and the test of other owners' locks."""

    def __init__(self, owner: str) -> None:
        self.owner = owner
        self._conn: AsyncConnection | None = None
        self._fd: int | None = None
        self._private = False

    @classmethod
    async def claim(cls, db: Database, owner: str) -> OwnerLock:
        """Take this process's lock; without one, every other owner counts as alive."""
        lock = cls(owner)
        try:
            if db.is_postgres:
                await lock._claim_postgres(db)
            else:
                lock._claim_sqlite(db.url.database)
        except Exception as error:
            log.warning("no liveness lock (%s): leases of dead processes are waited out", error)
            await lock.aclose()
            lock = cls(owner)
        _HERE.add(owner)
        return lock

    async def _claim_postgres(self, db: Database) -> None:
        conn = await db.engine.connect()
        # Autocommit: the lock belongs to the session, and no transaction stays open.
        self._conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        if not await self._conn.scalar(_TRY, {"cls": PG_LOCK_CLASS, "key": _key(self.owner)}):
            raise RuntimeError("this owner's advisory lock is taken")

    def _claim_sqlite(self, database: str | None) -> None:
        if not database or database == ":memory:":
            # A database only this process can open: every other owner is gone.
            self._private = True
            return
        self._fd = os.open(f"{Path(database)}-owners", os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.lockf(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _key(self.owner))

    async def dead(self, owners: set[str]) -> set[str]:
        """Return which of these other owners hold no lock: their processes have ended."""
        others = owners - {self.owner} - _HERE
        if self._private:
            return others
        if self._conn is not None:
            return {o for o in others if await self._pg_free(o)}
        if self._fd is not None:
            return {o for o in others if self._file_free(o)}
        return set()

    async def _pg_free(self, owner: str) -> bool:
        assert self._conn is not None
        values = {"cls": PG_LOCK_CLASS, "key": _key(owner)}
        if not await self._conn.scalar(_TRY, values):
            return False
        # Owners are unique per process, so a dead one never comes back: let the lock go.
        await self._conn.execute(_UNLOCK, values)
        return True

    def _file_free(self, owner: str) -> bool:
        assert self._fd is not None
        try:
            fcntl.lockf(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _key(owner))
        except OSError:
            return False
        # The same descriptor: unlocking this byte leaves our own byte locked.
        fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, _key(owner))
        return True

    async def aclose(self) -> None:
        """Let the lock go (a process that dies lets it go as well)."""
        _HERE.discard(self.owner)
        if self._conn is not None:
            await self._conn.close()
            self._conn = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
