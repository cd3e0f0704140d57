"""The `job_details` message shortcut: cards for the job IDs found in a message."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.ids import CallbackId
from bot.render.messages import invite_hint, no_job_ids, with_hint
from bot.slack import chat
from bot.slack.asking import asking_for
from bot.slack.audit import Audit
from bot.slack.delivery import Delivery, slack_error_code
from bot.slack.deps import Deps
from bot.slack.listeners.guard import guarded, report_unexpected
from bot.slack.message_text import message_texts
from bot.usecases.ask import Answer, answer
from bot.usecases.job_ids import find_job_ids
from bot.usecases.job_names import find_job_names
from bot.usecases.requests import FindJob, JobTarget, ShowJob

log = logging.getLogger(__name__)

# Slack's answers when the bot may not post in the channel (not a member, or a private
# channel / DM it cannot see).
CANNOT_POST = {"not_in_channel", "channel_not_found"}


def is_direct_message(channel: dict[str, Any]) -> bool:
    """Say whether the conversation is a DM or group DM, which no app can be invited to.

    Slack's interaction payloads name a DM `directmessage` (its ID starts with D) and a
    group DM `mpdm-…` (its ID starts with G or C).
    """
    name = str(channel.get("name") or "")
    is_dm = str(channel.get("id") or "").startswith("D") or name == "directmessage"
    return is_dm or name.startswith("mpdm-")


async def handle_job_details(
    ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient, deps: Deps, audit: Audit
) -> None:
    """Post a card in the message's thread for each job ID in it."""
    await ack()
    await deps.acks.settled()
    message = shortcut.get("message") or {}
    response_url = shortcut["response_url"]
    texts = message_texts(message)
    job_ids = find_job_ids(*texts)
    conversation = shortcut.get("channel") or {}
    channel = str(conversation.get("id") or "")
    asking = asking_for(
        deps,
        command=deps.settings.command,
        visibility="in_channel",
        user=(shortcut.get("user") or {}).get("id"),
        channel=channel or None,
    )
    # An alert that gives no job ID may still name the job: look the names up instead.
    names = [] if job_ids else find_job_names("\n".join(texts))
    if not job_ids and not names:
        await deps.responder.answer(response_url, no_job_ids(), audit, "no job ID found")
        return
    audit.job_ids.extend(job_ids)
    results: list[Answer] = list(
        await asyncio.gather(
            *(answer(ShowJob(JobTarget(None, job_id)), asking) for job_id in job_ids),
            *(answer(FindJob(None, name), asking) for name in names),
        )
    )
    thread_ts = str(message.get("thread_ts") or message.get("ts") or shortcut.get("message_ts"))
    private: list[Answer] = [result for result in results if not result.public]
    for index, result in enumerate(results):
        if not result.public:
            continue
        try:
            await chat.post_message(client, channel, result.message, thread_ts=thread_ts)
        except SlackApiError as error:
            code = slack_error_code(error) or "unknown"
            deps.slack_api_error("chat.postMessage", code)
            if code not in CANNOT_POST:
                refused = f"chat.postMessage refused: {code}"
                await report_unexpected(error, audit, deps.responder, refused=refused)
                return
            log.info("cannot post in channel, answering privately", extra={"channel": channel})
            private = [r for r in results[index:] if r.public] + private
            break
    direct = is_direct_message(conversation)
    hint = invite_hint(channel, direct=direct) if any(r.public for r in private) else None
    refused = ""
    for position, result in enumerate(private):
        shown = with_hint(result.message, hint) if hint and position == 0 else result.message
        sent = await deps.responder.respond(response_url, shown)
        refused = refused or sent.error
    outcomes = ", ".join(sorted({result.outcome for result in results}))
    outcome = outcomes + (" (sent privately)" if hint else "")
    audit.finish(Delivery(arrived=not refused, error=refused).outcome(outcome), replied=not refused)


def register(app: AsyncApp) -> None:
    """Register the message shortcut."""
    app.message_shortcut(CallbackId.JOB_DETAILS.value)(guarded(handle_job_details))
