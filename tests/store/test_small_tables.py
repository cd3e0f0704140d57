"""Channel defaults, seen events and recent lookups, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from bot.store import channel_settings, recent_lookups, seen_events
from bot.store.db import Database

NOW = 1_700_000_000.0


async def test_channel_default_is_set_replaced_and_cleared(db: Database):
    async with db.begin() as conn:
        assert await channel_settings.default_project(conn, "C1") is None
        await channel_settings.set_default_project(conn, "C1", "prod", set_by="U1", now=NOW)
        await channel_settings.set_default_project(conn, "C1", "staging", set_by="U2", now=NOW + 5)
        found = await channel_settings.default_project(conn, "C1")
        assert found == channel_settings.ChannelDefault("C1", "staging", "U2", NOW + 5)
        assert await channel_settings.default_project(conn, "C2") is None
        assert await channel_settings.clear_default_project(conn, "C1") is True
        assert await channel_settings.clear_default_project(conn, "C1") is False


async def test_an_event_is_new_once_even_when_replicas_race(db: Database):
    async def sight() -> bool:
        async with db.begin() as conn:
            return await seen_events.first_sighting(conn, "Ev0123", now=NOW)

    results = await asyncio.gather(*(sight() for _ in range(5)))
    assert sorted(results) == [False, False, False, False, True]


async def test_old_events_are_pruned(db: Database):
    async with db.begin() as conn:
        assert await seen_events.first_sighting(conn, "Ev1", now=NOW - 7200)
        assert await seen_events.first_sighting(conn, "Ev2", now=NOW)
        assert await seen_events.prune_seen(conn, before=NOW - 3600) == 1
        # Pruned: seen as new again; kept: still a duplicate.
        assert await seen_events.first_sighting(conn, "Ev1", now=NOW)
        assert not await seen_events.first_sighting(conn, "Ev2", now=NOW)


def _lookup(user: str, project: str, job_id: int, at: float) -> recent_lookups.Lookup:
    return recent_lookups.Lookup(user, project, job_id, f"job{job_id % 1000}", NOW + at)


async def test_recent_lookups_keep_the_last_ten_distinct_jobs_per_user(db: Database):
    first = [_lookup("U1", "", 1000 + i, i) for i in range(12)]
    async with db.begin() as conn:
        # Twelve at once, and job 1003 twice in the same batch: its newest lookup wins.
        await recent_lookups.remember_lookups(conn, [*first, _lookup("U1", "", 1003, 15)])
        # Looking job 1005 up again moves it to the top instead of adding a second row.
        again = [_lookup("U1", "", 1005, 20), _lookup("U2", "prod", 7, 0)]
        await recent_lookups.remember_lookups(conn, again)
        mine = await recent_lookups.recent_for(conn, "U1")
        theirs = await recent_lookups.recent_for(conn, "U2")
    assert [r.job_id for r in mine] == [1005, 1003, 1011, 1010, 1009, 1008, 1007, 1006, 1004, 1002]
    assert mine[0] == recent_lookups.RecentLookup("", 1005, "job5", NOW + 20)
    assert theirs == [recent_lookups.RecentLookup("prod", 7, "job7", NOW)]
