"""Posting a card to a channel for everyone, and finding the link to what was posted."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.blocks import Message
from bot.render.messages import invite_hint
from bot.render.share import cannot_share, permalink_of, share_failed
from bot.slack import chat
from bot.slack.delivery import slack_error_code
from bot.slack.deps import Deps

# Slack's answers when the bot may not post in the channel (not a member, or a private
# channel it cannot see).
CANNOT_POST = {"not_in_channel", "channel_not_found"}

log = logging.getLogger(__name__)


async def message_link(client: AsyncWebClient, channel: str, ts: str) -> str:
    """Return the permalink of a posted message, or one built from its ts if Slack says none."""
    permalink: str | None = None
    try:
        permalink = await chat.permalink(client, channel, ts)
    except SlackApiError as error:
        # The card is posted either way; a link built from the ts still leads to it.
        log.info("no permalink from Slack", extra={"slack_error": error.response.get("error")})
    return permalink_of(channel, ts, permalink)


@dataclass(frozen=True)
class NotShared:
    """Why a card was not shared: the message for the sharer, and the audit outcome."""

    message: Message
    outcome: str


async def post_shared(
    client: AsyncWebClient,
    deps: Deps,
    channel: str,
    card: Message,
    *,
    thread_ts: str | None = None,
) -> str | NotShared:
    """Post a shared card: its ts, or why it was not posted (the invite hint when not a member)."""
    try:
        return await chat.post_message(client, channel, card, thread_ts=thread_ts)
    except SlackApiError as error:
        code = slack_error_code(error)
        deps.slack_api_error("chat.postMessage", code)
        if code in CANNOT_POST:
            return NotShared(cannot_share(invite_hint(channel)), "not shared: not in channel")
        log.warning("Slack refused a shared card", extra={"slack_error": code})
        return NotShared(share_failed(), f"not shared: {code or 'Slack error'}")
