"""create_app: the Bolt app with its listeners, middleware and the one error policy."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners import register_listeners
from bot.listeners.deps import Deps
from bot.render.messages import unexpected_error

log = logging.getLogger(__name__)


def create_app(deps: Deps, *, client: AsyncWebClient, socket_mode: bool = False) -> AsyncApp:
    """Build the Bolt app; nothing here touches the network until a request arrives."""
    settings = deps.settings
    secret = settings.slack_signing_secret
    app = AsyncApp(
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
    register_listeners(app, settings.command)

    async def handle_error(error: Exception, body: dict[str, Any]) -> None:
        """Give the user an error ID and log the traceback under the same ID."""
        correlation_id = uuid.uuid4().hex[:12]
        log.error(
            "unexpected error in a listener",
            exc_info=error,
            extra={"correlation_id": correlation_id},
        )
        response_url = body.get("response_url")
        if isinstance(response_url, str):
            try:
                await deps.responder.respond(response_url, unexpected_error(correlation_id))
            except Exception:
                log.exception("could not tell the user about error %s", correlation_id)

    app.error(handle_error)
    return app
