"""Per-channel settings: the default project a channel's commands use."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.schema import channel_settings
from bot.store.sql import upsert


@dataclass(frozen=True)
class ChannelDefault:
    """A channel's default project, who set it and when."""

    channel_id: str
    project: str
    set_by: str
    set_at: float


async def set_default_project(
    conn: AsyncConnection, channel_id: str, project: str, *, set_by: str, now: float
) -> None:
    """Make `project` the channel's default, replacing any earlier choice."""
    values = {"channel_id": channel_id, "default_project": project, "set_by": set_by, "set_at": now}
    await conn.execute(upsert(conn, channel_settings, ["channel_id"], values))


async def default_project(conn: AsyncConnection, channel_id: str) -> ChannelDefault | None:
    """Return the channel's default project, or None when none was set."""
    query = select(channel_settings).where(channel_settings.c.channel_id == channel_id)
    row = (await conn.execute(query)).first()
    if row is None:
        return None
    return ChannelDefault(row.channel_id, row.default_project, row.set_by, row.set_at)


async def clear_default_project(conn: AsyncConnection, channel_id: str) -> bool:
    """Forget the channel's default; return whether there was one."""
    result = await conn.execute(
        delete(channel_settings).where(channel_settings.c.channel_id == channel_id)
    )
    return bool(result.rowcount)
