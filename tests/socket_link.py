"""A loopback Socket Mode endpoint that speaks Slack's protocol: hello, envelopes, acks."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes import LoopbackServer


class FakeSocketLink(LoopbackServer):
    """Slack's side of a Socket Mode WebSocket: `send` envelopes, read the app's `acks`."""

    def __init__(self) -> None:
        super().__init__()
        self.acks: list[dict[str, Any]] = []
        self.connections = 0
        self._outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.app.router.add_get("/link", self._link)

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/link"

    def send(
        self, payload: dict[str, Any], *, retry_attempt: int = 0, envelope_id: str = ""
    ) -> str:
        """Queue an Events API envelope around `payload`; return its envelope_id."""
        envelope_id = envelope_id or str(uuid.uuid4())
        self._outbox.put_nowait(
            {
                "envelope_id": envelope_id,
                "payload": payload,
                "type": "events_api",
                "accepts_response_payload": False,
                "retry_attempt": retry_attempt,
                "retry_reason": "timeout" if retry_attempt else "",
            }
        )
        return envelope_id

    def acked(self, envelope_id: str) -> bool:
        return any(ack.get("envelope_id") == envelope_id for ack in self.acks)

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.connections += 1
        await socket.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "applink-fake", "approximate_connection_time": 18060},
                "connection_info": {"app_id": "A0001"},
            }
        )
        sender = asyncio.create_task(self._send_all(socket))
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    self.acks.append(json.loads(message.data))
        finally:
            sender.cancel()
        return socket

    async def _send_all(self, socket: web.WebSocketResponse) -> None:
        while True:
            envelope = await self._outbox.get()
            await socket.send_str(json.dumps(envelope))
