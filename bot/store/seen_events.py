"""Events already handled, by Slack's `event_id`, so a retried delivery is handled once."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.schema import seen_events
from bot.store.sql import insert_ignoring_duplicates


async def first_sighting(conn: AsyncConnection, event_id: str, *, now: float) -> bool:
    """Record `event_id`; return True only the first time it is seen (on any replica)."""
    statement = insert_ignoring_duplicates(conn, seen_events).values(event_id=event_id, seen_at=now)
    result = await conn.execute(statement)
    return result.rowcount == 1


async def prune_seen(conn: AsyncConnection, *, before: float) -> int:
    """Forget events seen before `before`; return how many were forgotten."""
    result = await conn.execute(delete(seen_events).where(seen_events.c.seen_at < before))
    return int(result.rowcount)
