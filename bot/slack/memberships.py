"""Which channels a person is in (users.conversations), cached: the Home tab shows their watches."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.delivery import slack_error_code

log = logging.getLogger(__name__)

CACHE_TTL_S = 300.0
FAILURE_TTL_S = 30.0
PAGE_SIZE = 200
MAX_PAGES = 10
MAX_USERS = 5_000


class ChannelMemberships:
    """The channels each person is in, read from Slack at most every 5 minutes per person.

    With a bot token, users.conversations lists a person's public channels and the private
    ones jobbot shares with them: every channel a watch can be in, since jobbot posts there.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, frozenset[str]]] = OrderedDict()
        # One read per person at a time: opening Home twice quickly asks Slack once.
        self._in_flight: dict[str, asyncio.Task[frozenset[str]]] = {}

    async def channels_of(
        self, client: AsyncWebClient, user_id: str, on_error: Callable[[str], None] | None = None
    ) -> frozenset[str]:
        """Return the channels the person is in (none when Slack would not say)."""
        cached = self._cache.get(user_id)
        if cached is not None and self._clock() < cached[0]:
            return cached[1]
        task = self._in_flight.get(user_id)
        if task is None:
            task = asyncio.create_task(self._read(client, user_id, on_error))
            self._in_flight[user_id] = task
            task.add_done_callback(lambda _: self._in_flight.pop(user_id, None))
        return await asyncio.shield(task)

    async def _read(
        self, client: AsyncWebClient, user_id: str, on_error: Callable[[str], None] | None
    ) -> frozenset[str]:
        try:
            channels = await self._fetch(client, user_id)
            until = self._clock() + CACHE_TTL_S
        except SlackApiError as error:
            code = slack_error_code(error)
            log.warning("could not list a person's channels", extra={"slack_error": code})
            if on_error is not None:
                on_error(code)
            channels, until = frozenset(), self._clock() + FAILURE_TTL_S
        self._cache[user_id] = (until, channels)
        self._cache.move_to_end(user_id)
        while len(self._cache) > MAX_USERS:
            self._cache.popitem(last=False)
        return channels

    async def _fetch(self, client: AsyncWebClient, user_id: str) -> frozenset[str]:
        found: set[str] = set()
        cursor = None
        for _ in range(MAX_PAGES):
            response = await client.users_conversations(
                user=user_id,
                types="public_channel,private_channel",
                exclude_archived=True,
                limit=PAGE_SIZE,
                cursor=cursor,
            )
            found |= {str(c["id"]) for c in response.get("channels") or [] if c.get("id")}
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        return frozenset(found)
