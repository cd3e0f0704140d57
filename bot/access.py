"""Who may use jobbot: allow-lists of users, channels and Slack user groups."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

GROUP_CACHE_TTL_S = 300.0
GROUP_LOOKUP_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class AccessRules:
    """The allow-lists; an empty list allows everyone."""

    users: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    usergroups: frozenset[str] = frozenset()

    @property
    def restricts_people(self) -> bool:
        """Say whether only some people may use jobbot."""
        return bool(self.users or self.usergroups)


class AccessPolicy:
    """Decide whether a person, in a channel, may use jobbot; explain a refusal."""

    def __init__(
        self,
        rules: AccessRules,
        client: AsyncWebClient,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rules = rules
        self._client = client
        self._clock = clock
        self._members: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = asyncio.Lock()

    async def refusal(self, user_id: str | None, channel_id: str | None) -> str | None:
        """Return why the request is refused, or None when it is allowed."""
        rules = self.rules
        if rules.channels and channel_id not in rules.channels:
            return "jobbot is not enabled in this channel."
        if not rules.restricts_people:
            return None
        if user_id in rules.users:
            return None
        if user_id is not None and rules.usergroups:
            for group in sorted(rules.usergroups):
                if user_id in await self._group_members(group):
                    return None
        return "You are not on jobbot's list of allowed users or user groups."

    async def _group_members(self, group: str) -> frozenset[str]:
        cached = self._members.get(group)
        if cached is not None and self._clock() - cached[0] < GROUP_CACHE_TTL_S:
            return cached[1]
        async with self._lock:
            cached = self._members.get(group)
            if cached is not None and self._clock() - cached[0] < GROUP_CACHE_TTL_S:
                return cached[1]
            try:
                async with asyncio.timeout(GROUP_LOOKUP_TIMEOUT_S):
                    response = await self._client.usergroups_users_list(usergroup=group)
                members = frozenset(str(user) for user in response.get("users") or [])
            except (SlackApiError, TimeoutError, OSError) as error:
                # Fail closed, but do not remember the failure: the next request tries again.
                log.warning(
                    "could not list user group members",
                    extra={"usergroup": group, "error": type(error).__name__},
                )
                return frozenset()
            self._members[group] = (self._clock(), members)
            return members
