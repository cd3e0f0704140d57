"""The one error policy for listeners: an error ID for the user, the traceback in the log."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.render.messages import unexpected_error
from bot.slack.audit import Audit
from bot.slack.delivery import Delivery, Responder

log = logging.getLogger("bot.errors")

Handler = Callable[..., Awaitable[None]]


async def report_unexpected(
    error: BaseException, audit: Audit, responder: Responder, *, refused: str = ""
) -> None:
    """Log the traceback under the request's correlation ID and show the user that ID.

    `refused` names a Slack call that refused the reply (`chat.postMessage refused: …`): the
    audit says so, and the error message is not timed as the reply.
    """
    log.error(
        "unexpected error while answering %s",
        audit.info.what,
        exc_info=error,
        extra={"correlation_id": audit.correlation_id},
    )
    outcome = f"error {audit.correlation_id}" + (f": {refused}" if refused else "")
    if not audit.info.response_url:
        audit.finish(outcome, replied=False)
        return
    try:
        sent = await responder.respond(
            audit.info.response_url, unexpected_error(audit.correlation_id)
        )
    except Exception:
        log.exception("could not tell the user about error %s", audit.correlation_id)
        sent = Delivery(arrived=False, error="exception")
    audit.finish(sent.outcome(outcome), replied=sent.arrived and not refused)


def guarded(handler: Handler) -> Handler:
    """Apply the error policy inside the listener, so no exception reaches Bolt after ack().

    Bolt's asyncio runner loses the acknowledgement when a listener raises within ~10 ms of
    calling ack() (it overwrites the ack with the error response), and Slack then shows the
    user "dispatch_failed"; handling the error here keeps the 200 that was already sent.
    """

    @functools.wraps(handler)
    async def run(**kwargs: Any) -> None:
        try:
            await handler(**kwargs)
        except Exception as error:
            await report_unexpected(error, kwargs["audit"], kwargs["deps"].responder)

    return run
