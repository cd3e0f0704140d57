"""What the Home tab shows a person: watches in their channels and their recent lookups."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class HomeWatch:
    """A live watch, with its job's last status as the database holds it."""

    project: str
    job_id: int
    job_name: str
    channel_id: str
    status: str | None
    status_since: float | None


@dataclass(frozen=True)
class RecentLookup:
    """A job the person looked up, and when."""

    project: str
    job_id: int
    job_name: str
    looked_up_at: float


@dataclass(frozen=True)
class HomeData:
    """Everything the Home tab shows, read without asking the job API."""

    watches: list[HomeWatch]
    recent: list[RecentLookup]


class HomeSource(Protocol):
    """Where the Home tab's data lives (the database)."""

    async def watches_in(self, channel_ids: Collection[str]) -> list[HomeWatch]:
        """Return the live watches in these channels, newest first."""
        ...

    async def recent_lookups(self, user_id: str) -> list[RecentLookup]:
        """Return the person's last lookups, newest first."""
        ...


async def home_data(source: HomeSource, user_id: str, channel_ids: Collection[str]) -> HomeData:
    """Read the Home tab's data: the watches in the person's channels, their recent lookups."""
    watches = await source.watches_in(channel_ids) if channel_ids else []
    return HomeData(watches=watches, recent=await source.recent_lookups(user_id))
