"""Parent cards whose poster died before recording them: found in the channel, or posted.

Starting a watch stores it, with a claim on posting its card (`parent_owner`, until a lease
from now), then posts the card tagged with the watch's key, then records the card's ts. A
process killed in between leaves a live watch with no thread. Once the claim has run out (or
at once, when a restarted process sees that the claim's owner is dead), the poller claims the
watch, looks for the tagged card in the channel's history (it may have landed), posts it only
if it is not there, and records it; the changes the watch was owed then go in its thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store import watched_jobs, watches
from bot.store.db import Database
from bot.store.watches import Watch
from bot.usecases.watching.outbox import Outbox, render_parent
from bot.usecases.watching.threads import ChannelGone, PostFailed, Threads

log = logging.getLogger(__name__)

# Slack's message ts and our clock may disagree a little: look this much further back.
CLOCK_SKEW_S = 300.0


def parent_key(watch: Watch) -> str:
    """Return the tag a watch's parent card carries, unique per watch and database."""
    return f"{watch.id}@{round(watch.started_at * 1000)}"


class ParentCards:
    """Finds or posts the parent cards of watches whose poster died."""

    def __init__(
        self,
        db: Database,
        threads: Threads,
        outbox: Outbox,
        *,
        owner: str,
        lease_s: float,
        clock: Callable[[], float],
    ) -> None:
        self._db = db
        self._threads = threads
        self._outbox = outbox
        self._owner = owner
        self._lease_s = lease_s
        self._clock = clock

    async def claim(self, conn: AsyncConnection, now: float) -> list[Watch]:
        """Claim the watches with no card whose poster is gone (inside the caller's transaction)."""
        return await watches.claim_orphans(
            conn, owner=self._owner, now=now, until=now + self._lease_s
        )

    async def repair(self, claimed: list[Watch]) -> int:
        """Give each claimed watch its card (found or posted); return how many got one."""
        whole = 0
        for watch in claimed:
            whole += await self._repair(watch)
        return whole

    async def _repair(self, watch: Watch) -> int:
        key = parent_key(watch)
        try:
            ts = await self._threads.find_parent(
                watch.channel_id, key, oldest=watch.started_at - CLOCK_SKEW_S
            )
            how = "found in the channel"
            if ts is None:
                async with self._db.begin() as conn:
                    view = await watches.watch_view(conn, watch.id)
                assert view is not None
                ts = await self._threads.post_parent(watch.channel_id, render_parent(view), key=key)
                how = "posted"
        except ChannelGone as gone:
            await self._outbox.channel_gone(watch.id, gone.error)
            return 0
        except PostFailed as failed:
            # The claim runs out within a lease; whoever ticks then tries again.
            log.warning("parent card of watch %d not recovered yet: %s", watch.id, failed.error)
            return 0
        async with self._db.begin() as conn:
            await watches.set_thread(conn, watch.id, ts)
            # What the watch was owed meanwhile goes in the thread at the next poll of its job.
            await watched_jobs.poll_soon(conn, watch.project, watch.job_id, now=self._clock())
        log.info("parent card of watch %d (job %s:%d) %s", watch.id, *_job(watch), how)
        return 1


def _job(watch: Watch) -> tuple[str, int]:
    return watch.project, watch.job_id
