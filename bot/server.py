"""The HTTP server: Slack's requests on /slack/events, plus /healthz."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
# Slack's payloads are small (a message shortcut carries one message, at most ~40 KB of
# text plus blocks); anything far larger is not from Slack.
MAX_BODY_BYTES = 512 * 1024


def create_web_app(app: AsyncApp, health: Callable[[], dict[str, Any]]) -> web.Application:
    """Build the aiohttp application that serves Slack and health checks."""

    async def slack_events(request: web.Request) -> web.Response:
        if not _signature_headers_well_formed(request):
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            bolt_request = await to_bolt_request(request)
        except (ValueError, AttributeError):
            # Bolt parses the body before it checks the signature; a body it cannot
            # parse is not from Slack.
            return web.json_response({"error": "invalid request"}, status=401)
        bolt_response = await app.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response(health())

    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    web_app.router.add_post(SLACK_PATH, slack_events)
    web_app.router.add_get("/healthz", healthz)
    return web_app


def _signature_headers_well_formed(request: web.Request) -> bool:
    """Say whether Slack's signing headers can be checked at all.

    slack_sdk's verifier raises (instead of answering False) on a timestamp that is not a
    number or a signature that is not ASCII; the error handler would then post to the
    unverified request's response_url. Such a request is not from Slack: 401 at once.
    """
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    return (
        timestamp.isascii()
        and timestamp.isdigit()
        and len(timestamp) <= 12
        and signature.isascii()
        and bool(signature)
    )


async def serve(web_app: web.Application, host: str, port: int, stop: asyncio.Event) -> None:
    """Serve until `stop` is set, then stop accepting and close."""
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    log.info("jobbot is listening on http://%s:%d%s", host, port, SLACK_PATH)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
