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
# A failed lookup is remembered briefly (still refusing), so a burst during a Slack outage
# does not queue one timeout per request before its acknowledgement.
GROUP_FAILURE_TTL_S = 30.0
# All user-group lookups of one request share this budget: the ack must stay within 3 s.
GROUP_LOOKUP_BUDGET_S = 1.0
USERGROUP_METHOD = "usergroups.users.list"
# What an admin does about Slack's answers (https://api.slack.com/methods/usergroups.users.list).
_FIXES = {
    "missing_scope": "add the usergroups:read bot scope to the Slack app and reinstall it",
    "no_such_subteam": "check the group IDs in JOBBOT_ALLOWED_USERGROUPS",
    "invalid_auth": "check SLACK_BOT_TOKEN",
}


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
        on_slack_error: Callable[[str, str], None] = lambda method, error: None,
    ) -> None:
        self.rules = rules
        self._client = client
        self._clock = clock
        # Told (method, Slack's error code) of each refused call, for the metrics.
        self._on_slack_error = on_slack_error
        # group -> (until when the answer holds, its members)
        self._members: dict[str, tuple[float, frozenset[str]]] = {}
        self._in_flight: dict[str, asyncio.Task[frozenset[str]]] = {}

    async def refusal(self, user_id: str | None, channel_id: str | None) -> str | None:
        """Return why the request is refused, or None when it is allowed."""
        rules = self.rules
        # Requests from no channel (a global shortcut, a modal, the Home tab) pass the channel
        # rule; sharing from them into a channel checks that channel itself.
        if rules.channels and channel_id is not None and channel_id not in rules.channels:
            return "jobbot is not enabled in this channel."
        if not rules.restricts_people or user_id in rules.users:
            return None
        if user_id is not None and rules.usergroups:
            groups = sorted(rules.usergroups)
            lookups = [asyncio.shield(self._group_members(group)) for group in groups]
            done, _ = await asyncio.wait(lookups, timeout=GROUP_LOOKUP_BUDGET_S)
            if any(user_id in lookup.result() for lookup in done):
                return None
        return "You are not on jobbot's list of allowed users or user groups."

    def _group_members(self, group: str) -> asyncio.Future[frozenset[str]]:
        """Return the group's members: cached, or one lookup shared by every request."""
        cached = self._members.get(group)
        if cached is not None and self._clock() < cached[0]:
            done: asyncio.Future[frozenset[str]] = asyncio.get_running_loop().create_future()
            done.set_result(cached[1])
            return done
        task = self._in_flight.get(group)
        if task is None:
            task = asyncio.create_task(self._fetch(group))
            self._in_flight[group] = task
        return task

    async def _fetch(self, group: str) -> frozenset[str]:
        try:
            response = await self._client.usergroups_users_list(usergroup=group)
            members = frozenset(str(user) for user in response.get("users") or [])
            self._members[group] = (self._clock() + GROUP_CACHE_TTL_S, members)
        except (SlackApiError, OSError, TimeoutError) as error:
            # Fail closed: nobody is a member of a group we cannot read.
            code = _error_code(error)
            self._on_slack_error(USERGROUP_METHOD, code)
            fix = _FIXES.get(code, "see Slack's answer")
            log.warning(
                "could not list the members of user group %s: Slack answered %s; %s",
                group,
                code,
                fix,
                extra={"usergroup": group, "method": USERGROUP_METHOD, "slack_error": code},
            )
            members = frozenset()
            self._members[group] = (self._clock() + GROUP_FAILURE_TTL_S, members)
        finally:
            del self._in_flight[group]
        return members


def _error_code(error: Exception) -> str:
    """Return Slack's error code (`missing_scope`, …), or what kept Slack from answering."""
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or "unknown")
    return "timeout" if isinstance(error, TimeoutError) else "connection_error"
