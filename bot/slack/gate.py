"""What every Slack request passes before a listener: retries, duplicates, access, audit."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.render.blocks import Message
from bot.render.messages import access_denied
from bot.slack.access import AccessPolicy
from bot.slack.audit import Audit, RequestInfo
from bot.slack.delivery import Responder

log = logging.getLogger(__name__)

DUPLICATE_WINDOW_S = 600.0
MAX_REMEMBERED = 50_000

Next = Callable[[], Awaitable[BoltResponse]]


class SeenDeliveries:
    """Remember recent delivery IDs to drop Slack's duplicate deliveries."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._clock = clock

    def first_time(self, delivery_id: str) -> bool:
        """Record a delivery; say whether it is the first time we see it."""
        now = self._clock()
        while self._seen and next(iter(self._seen.values())) < now - DUPLICATE_WINDOW_S:
            self._seen.popitem(last=False)
        if delivery_id in self._seen:
            return False
        self._seen[delivery_id] = now
        while len(self._seen) > MAX_REMEMBERED:
            self._seen.popitem(last=False)
        return True


def retry_number(request: AsyncBoltRequest) -> int:
    """Return Slack's retry count: 0 for a first delivery, however it is spelled.

    Over HTTP Slack adds X-Slack-Retry-Num only to retries (1, 2, 3). In Socket Mode every
    Events API envelope carries `retry_attempt`, 0 on the first delivery, and Bolt passes it
    on as `x-slack-retry-num: 0`: only a number above 0 is a retry.
    """
    value = request.headers.get("x-slack-retry-num")
    first = value[0] if isinstance(value, list | tuple) and value else value
    text = str(first or "").strip()
    return int(text) if text.isdigit() else 0


# Says who was refused when the refusal cannot go through a response_url (a mention).
EventDenial = Callable[[dict[str, Any], Message], Awaitable[None]]


def _ack_only(**headers: str) -> BoltResponse:
    return BoltResponse(status=200, body="", headers=dict(headers.items()))


class Gate:
    """A Bolt middleware: drop retries and duplicates, check access, start the audit."""

    def __init__(
        self,
        policy: AccessPolicy,
        responder: Responder,
        on_reply: Callable[[str, float], None] | None = None,
        deny_event: EventDenial | None = None,
    ) -> None:
        self._policy = policy
        self._deny_event = deny_event
        self._responder = responder
        self._on_reply = on_reply
        self._seen = SeenDeliveries()
        # Denials sent after the ack; held so they are not garbage-collected mid-flight.
        self._replies: set[asyncio.Task[None]] = set()

    async def __call__(
        self,
        request: AsyncBoltRequest,
        body: dict[str, Any],
        context: AsyncBoltContext,
        next: Next,
    ) -> BoltResponse:
        """Let a request through to its listener, or answer it here."""
        info = RequestInfo.from_body(body)
        audit = Audit(info)
        context["audit"] = audit
        # Slack retries what it thinks we missed. An event's retry goes on to the listener,
        # which handles each event_id once across replicas (the first delivery may never
        # have arrived); anything else retried must not post or look up a second time.
        if retry_number(request) > 0 and info.kind != "event_callback":
            audit.finish("ignored: Slack retry")
            return _ack_only(**{"X-Slack-No-Retry": "1"})
        if info.delivery_id and not self._seen.first_time(info.delivery_id):
            audit.finish("ignored: duplicate delivery")
            return _ack_only()
        # From here on the request gets a reply (a card, an error or a denial): time it.
        audit.on_finish = self._on_reply
        refusal = await self._policy.refusal(info.user, info.channel)
        if refusal is None:
            return await next()
        outcome = f"denied: {refusal}"
        message = access_denied(refusal)
        if info.kind == "slash_command":
            audit.finish(outcome)
            return BoltResponse(
                status=200,
                body=json.dumps({"response_type": "ephemeral", **message.as_payload()}),
                headers={"content-type": "application/json"},
            )
        if info.kind == "event_callback" and self._deny_event is not None:
            self._reply_later(self._deny_mention(body, message, audit, outcome))
        elif info.response_url:
            # Ack first: a slow or rate-limited response_url must not hold the 3 s ack.
            self._reply_later(self._deny(info.response_url, message, audit, outcome))
        else:
            audit.finish(outcome, replied=False)
        return _ack_only()

    async def _deny(self, response_url: str, message: Message, audit: Audit, outcome: str) -> None:
        sent = await self._responder.respond(response_url, message)
        audit.finish(sent.outcome(outcome), replied=sent.arrived)

    async def _deny_mention(
        self, body: dict[str, Any], message: Message, audit: Audit, outcome: str
    ) -> None:
        assert self._deny_event is not None
        await self._deny_event(body, message)
        audit.finish(outcome)

    def _reply_later(self, reply: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(reply)
        self._replies.add(task)
        task.add_done_callback(self._reply_done)

    def _reply_done(self, task: asyncio.Task[None]) -> None:
        self._replies.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("could not send a denial", exc_info=task.exception())
