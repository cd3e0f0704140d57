"""The HTTP server: Slack's requests on /slack/events, plus /healthz and /metrics."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.slack.acks import AcksFirst

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
BACKLOG = 1024
# Slack's payloads are small (a message shortcut carries one message, at most ~40 KB of
# text plus blocks); anything far larger is not from Slack.
MAX_BODY_BYTES = 512 * 1024
# How long a SIGTERM waits for the lookups in flight. Docker sends SIGKILL 10 s after
# SIGTERM (docker stop), so the drain, the 1 s unwind and closing must all fit in 10 s.
DRAIN_TIMEOUT_S = 8.5


class CannotListen(Exception):
    """The server cannot listen on the configured host and port."""


def create_web_app(
    app: AsyncApp,
    health: Callable[[], Awaitable[dict[str, Any]]],
    metrics_render: Callable[[], bytes] | None = None,
    acks: AcksFirst | None = None,
) -> web.Application:
    """Build the aiohttp application that serves Slack, health checks and metrics.

    `acks` counts the requests awaiting their acknowledgement (listeners defer work on it).
    """
    counter = acks or AcksFirst()

    async def slack_events(request: web.Request) -> web.Response:
        if not _signature_headers_well_formed(request) and not await _is_ssl_check(request):
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            bolt_request = await to_bolt_request(request)
        except (ValueError, AttributeError):
            # Bolt parses the body before it checks the signature; a body it cannot
            # parse is not from Slack.
            return web.json_response({"error": "invalid request"}, status=401)
        with counter.acknowledging():
            bolt_response = await app.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response(await health())

    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    web_app.router.add_post(SLACK_PATH, slack_events)
    web_app.router.add_get("/healthz", healthz)
    if metrics_render is not None:
        render = metrics_render

        async def metrics(request: web.Request) -> web.Response:
            # aiohttp refuses a charset inside content_type, so the header is set whole.
            return web.Response(body=render(), headers={"Content-Type": CONTENT_TYPE_LATEST})

        web_app.router.add_get("/metrics", metrics)
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


async def _is_ssl_check(request: web.Request) -> bool:
    """Say whether the request is exactly Slack's SSL check, which comes unsigned.

    Slack checks a slash command's certificate with a form POST of `ssl_check=1` and
    `token`, and no signature headers; Bolt answers it (200) before verifying signatures.
    Anything more in the body is not that check.
    """
    length = request.content_length
    if request.content_type != "application/x-www-form-urlencoded" or not length or length > 512:
        return False
    try:
        fields = dict(parse_qsl((await request.read()).decode(), strict_parsing=True))
    except (UnicodeDecodeError, ValueError):
        return False
    return fields.keys() == {"ssl_check", "token"} and fields["ssl_check"] == "1"


async def serve(
    web_app: web.Application,
    host: str,
    port: int,
    stop: asyncio.Event,
    *,
    drain_timeout_s: float = DRAIN_TIMEOUT_S,
    reuse_port: bool = False,
) -> None:
    """Serve until `stop` is set, then stop accepting and finish the lookups in flight."""
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=drain_timeout_s)
    await runner.setup()
    # Incident channels send bursts (hundreds of commands at once); a short accept queue
    # would reset connections Slack then reports as failed commands.
    site = web.TCPSite(runner, host, port, backlog=BACKLOG, reuse_port=reuse_port or None)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        raise CannotListen(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    log.info("jobbot is listening on http://%s:%d%s", host, port, SLACK_PATH)
    try:
        await stop.wait()
    finally:
        started = time.monotonic()
        # Closes the listening socket (new connections are refused), closes idle keep-alive
        # connections and waits for the HTTP handlers in progress.
        await runner.cleanup()
        await drain(drain_timeout_s - (time.monotonic() - started))


async def drain(timeout_s: float) -> None:
    """Wait up to `timeout_s` for every other task, then cancel what is left.

    A Slack request is answered as soon as the listener acks; Bolt runs the rest of the
    listener (the lookup and the reply to the response_url) as a background task that no
    HTTP handler waits for. Without this wait, a SIGTERM would drop the cards of requests
    Slack was already told we accepted.
    """
    pending = asyncio.all_tasks() - {asyncio.current_task()}
    if not pending:
        return
    log.info("waiting for %d request(s) in flight", len(pending))
    _, late = await asyncio.wait(pending, timeout=max(0.0, timeout_s))
    if late:
        log.warning("cancelling %d request(s) still running after the drain", len(late))
        for task in late:
            task.cancel()
        # Let them unwind before the caller closes the connection pools they use.
        await asyncio.wait(late, timeout=1.0)
