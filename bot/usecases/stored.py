"""The database behind channel defaults and handled events (bot/store's tables)."""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.store import channel_settings, seen_events
from bot.store.db import Database

# Slack retries an event for about an hour at most; a day of event IDs is plenty.
KEEP_EVENTS_S = 86400.0
PRUNE_EVERY_S = 600.0


class StoredChannelDefaults:
    """Each channel's default project, in `channel_settings` (shared by every replica)."""

    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

    async def get(self, channel_id: str) -> str | None:
        """Return the channel's default project name, or None."""
        async with self._db.begin() as conn:
            found = await channel_settings.default_project(conn, channel_id)
        return found.project if found else None

    async def set(self, channel_id: str, project: str, *, set_by: str) -> None:
        """Make `project` the channel's default."""
        async with self._db.begin() as conn:
            await channel_settings.set_default_project(
                conn, channel_id, project, set_by=set_by, now=self._clock()
            )


class StoredSeenEvents:
    """Handled Slack event IDs, in `seen_events`: a retry reaching any replica is dropped."""

    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock
        self._pruned_at = 0.0

    async def first_sighting(self, event_id: str) -> bool:
        """Record `event_id`; return True only the first time any replica sees it."""
        now = self._clock()
        async with self._db.begin() as conn:
            if now - self._pruned_at > PRUNE_EVERY_S:
                self._pruned_at = now
                await seen_events.prune_seen(conn, before=now - KEEP_EVENTS_S)
            return await seen_events.first_sighting(conn, event_id, now=now)
