"""Each Slack event handled once, by its `event_id`, wherever it is delivered."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Protocol

MAX_REMEMBERED = 50_000


class SeenEvents(Protocol):
    """Where handled event IDs are kept (the database, shared by every replica)."""

    async def first_sighting(self, event_id: str) -> bool:
        """Record `event_id`; return True only the first time it is seen."""
        ...


class MemorySeenEvents:
    """Event IDs in this process's memory (one process, no restarts: tools and the demo)."""

    def __init__(self) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()

    async def first_sighting(self, event_id: str) -> bool:
        """Record `event_id`; return True only the first time it is seen."""
        if event_id in self._seen:
            return False
        self._seen[event_id] = time.time()
        while len(self._seen) > MAX_REMEMBERED:
            self._seen.popitem(last=False)
        return True
