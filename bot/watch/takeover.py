"""At start, take over at once what dead processes held: job leases and parent-card claims.

Each polling process holds a liveness lock (bot/store/owners.py). A lease or claim whose owner
holds no lock belongs to a process that has ended (a SIGKILL, a crash, a restart of this very
deployment), so it is dropped now instead of being waited out; a live replica's stay its own.
"""

from __future__ import annotations

import logging

from bot.store import watched_jobs, watches
from bot.store.db import Database
from bot.store.owners import OwnerLock

log = logging.getLogger(__name__)


async def take_over_dead(db: Database, lock: OwnerLock, *, now: float) -> int:
    """Drop the leases and claims of owners that are no longer alive; return how many."""
    async with db.begin() as conn:
        owners = await watched_jobs.lease_owners(conn, now=now)
        owners |= await watches.parent_owners(conn, now=now)
    dead = await lock.dead(owners)
    if not dead:
        return 0
    async with db.begin() as conn:
        leases = await watched_jobs.release_owners(conn, dead)
        parents = await watches.release_parents(conn, dead)
    log.info(
        "took over %d job lease(s) and %d parent card(s) of %d ended process(es)",
        leases,
        parents,
        len(dead),
    )
    return leases + parents
