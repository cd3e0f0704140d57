"""What the Home tab shows a person: watches in their channels and their recent lookups."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

from bot.render.home import HomeData, HomeWatch, RecentLookup
from bot.store.db import Database
from bot.store.home import live_watches_in
from bot.store.recent_lookups import Lookup, recent_for, remember_lookups

log = logging.getLogger(__name__)

# Lookups are written this long after they are noted: the card goes out first, and the
# lookups of a burst share one transaction.
WRITE_AFTER_S = 0.25


class HomeSource(Protocol):
    """Where the Home tab's data lives (the database)."""

    async def watches_in(self, channel_ids: Collection[str]) -> list[HomeWatch]:
        """Return the live watches in these channels, newest first."""
        ...

    async def recent_lookups(self, user_id: str) -> list[RecentLookup]:
        """Return the person's last lookups, newest first."""
        ...

    async def remember(self, user_id: str, project: str, job_id: int, job_name: str) -> None:
        """Record that a person looked a job up."""
        ...

    async def written(self) -> None:
        """Wait until every lookup remembered so far is stored."""
        ...


async def home_data(source: HomeSource, user_id: str, channel_ids: Collection[str]) -> HomeData:
    """Read the Home tab's data: the watches in the person's channels, their recent lookups."""
    watches = await source.watches_in(channel_ids) if channel_ids else []
    return HomeData(watches=watches, recent=await source.recent_lookups(user_id))


class DatabaseHome:
    """The Home tab's data in jobbot's database: watches and recent lookups."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._db = db
        self._clock = clock
        self._sleep = sleep
        # Lookups not yet written; a burst's lookups share one transaction (group commit)
        # instead of each card waiting for its own.
        self._pending: list[Lookup] = []
        self._writing: asyncio.Task[None] | None = None

    async def watches_in(self, channel_ids: Collection[str]) -> list[HomeWatch]:
        """Return the live watches in these channels, newest first."""
        async with self._db.begin() as conn:
            rows = await live_watches_in(conn, channel_ids)
        return [
            HomeWatch(r.project, r.job_id, r.job_name, r.channel_id, r.status, r.status_since)
            for r in rows
        ]

    async def recent_lookups(self, user_id: str) -> list[RecentLookup]:
        """Return the person's last lookups, newest first (the ones being written included)."""
        await self.written()
        async with self._db.begin() as conn:
            rows = await recent_for(conn, user_id)
        return [RecentLookup(r.project, r.job_id, r.job_name, r.looked_up_at) for r in rows]

    async def remember(self, user_id: str, project: str, job_id: int, job_name: str) -> None:
        """Record that a person looked a job up (written in the background, soon after)."""
        self._pending.append(Lookup(user_id, project, job_id, job_name, self._clock()))
        if self._writing is None or self._writing.done():
            self._writing = asyncio.create_task(self._write_pending())

    async def written(self) -> None:
        """Wait until every lookup remembered so far is in the database (or failed to be)."""
        while self._writing is not None and not self._writing.done():
            # Shielded: a reader that gives up must not cancel other people's writes.
            await asyncio.shield(self._writing)

    async def _write_pending(self) -> None:
        await self._sleep(WRITE_AFTER_S)
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                async with self._db.begin() as conn:
                    await remember_lookups(conn, batch)
            except (SQLAlchemyError, OSError) as error:
                # The cards were shown; only their lines on the Home tab are missing.
                log.warning("could not record %d lookups: %s", len(batch), type(error).__name__)


async def note_lookup(
    source: HomeSource | None, user_id: str, job_id: int, job_name: str, *, project: str = ""
) -> None:
    """Add a shown card to the person's recent lookups."""
    if source is None or not user_id:
        return
    await source.remember(user_id, project, job_id, job_name)
