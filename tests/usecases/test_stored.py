"""Channel defaults and handled events in the database, as two replicas see them."""

from __future__ import annotations

import asyncio

from bot.store.db import Database
from bot.usecases.stored import KEEP_EVENTS_S, StoredChannelDefaults, StoredSeenEvents

NOW = 1_700_000_000.0


async def test_a_channel_default_is_shared_by_replicas(db: Database) -> None:
    one, two = StoredChannelDefaults(db, clock=lambda: NOW), StoredChannelDefaults(db)
    assert await one.get("C1") is None
    await one.set("C1", "staging", set_by="U1")
    assert await two.get("C1") == "staging"
    await two.set("C1", "prod", set_by="U2")
    assert await one.get("C1") == "prod"
    assert await one.get("C2") is None


async def test_an_event_is_handled_by_one_replica_only(db: Database) -> None:
    replicas = [StoredSeenEvents(db, clock=lambda: NOW) for _ in range(4)]
    results = await asyncio.gather(*(r.first_sighting("Ev0RACE") for r in replicas))
    assert sorted(results) == [False, False, False, True]
    assert await replicas[0].first_sighting("Ev0OTHER") is True


async def test_old_event_ids_are_forgotten(db: Database) -> None:
    now = [NOW]
    seen = StoredSeenEvents(db, clock=lambda: now[0])
    assert await seen.first_sighting("Ev0OLD") is True
    now[0] = NOW + KEEP_EVENTS_S + 3600
    assert await seen.first_sighting("Ev0NEW") is True
    # Pruned a day later: Slack stopped retrying it long before.
    assert await seen.first_sighting("Ev0OLD") is True
    assert await seen.first_sighting("Ev0NEW") is False
