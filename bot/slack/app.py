"""create_app: the Bolt app with its listeners, middleware and the one error policy."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.access import AccessPolicy
from bot.slack.audit import Audit
from bot.slack.deps import Deps
from bot.slack.gate import Gate
from bot.slack.listeners import register_listeners
from bot.slack.listeners.guard import report_unexpected

log = logging.getLogger(__name__)


def create_app(
    deps: Deps, *, client: AsyncWebClient, policy: AccessPolicy, socket_mode: bool = False
) -> AsyncApp:
    """Build the Bolt app; nothing here touches the network until a request arrives."""
    settings = deps.settings
    secret = settings.slack_signing_secret
    app = AsyncApp(
        # Without a name Bolt takes the caller's file name from inspect.stack(), which reads
        # every frame's source and walks sys.modules: ~60 ms of start-up.
        name="jobbot",
        client=client,
        signing_secret=secret.get_secret_value() if secret else "",
        # Socket Mode requests arrive over the app's own authenticated WebSocket, unsigned.
        request_verification_enabled=not socket_mode,
        # An unknown request (a stray event) gets a plain 404 instead of a noisy warning.
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("bot.bolt"),
    )

    async def inject_deps(
        context: AsyncBoltContext, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        context["deps"] = deps
        return await next()

    app.middleware(inject_deps)
    app.middleware(Gate(policy, deps.responder, on_reply=deps.reply_sent))
    register_listeners(app, settings.command)

    async def handle_error(error: Exception, context: AsyncBoltContext) -> None:
        """Apply the error policy to errors outside listeners (they handle their own)."""
        audit = context.get("audit")
        if isinstance(audit, Audit):
            await report_unexpected(error, audit, deps.responder)
            return
        # The error came before the request passed verification (the Gate runs after it):
        # log it, and never send anything to a response_url we cannot trust.
        log.error("error before a request was verified", exc_info=error)

    app.error(handle_error)
    return app
