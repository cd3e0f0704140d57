"""Messages of the Share button: the card as shared, and what the sharer sees. Pure."""

from __future__ import annotations

import re

from bot.render.blocks import Message, context_block, section_block
from bot.render.text import code, escape, fit

# Slack user IDs (U… or, on Enterprise Grid, W…) and channel IDs; nothing else is linked.
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,20}$")
# A permalink as Slack returns it: https, no characters that would end a mrkdwn link.
_PERMALINK = re.compile(r"^https://[^\s<>|]{1,2000}$")


def user_mention(user_id: str) -> str:
    """Return `<@U…>` for a well-formed user ID, else a neutral word."""
    return f"<@{user_id}>" if _USER_ID.match(user_id) else "someone"


def channel_link(channel_id: str) -> str:
    """Return `<#C…>` for a well-formed channel ID, else a neutral word."""
    return f"<#{channel_id}>" if _CHANNEL_ID.match(channel_id) else "the channel"


def permalink_of(channel_id: str, ts: str, permalink: str | None) -> str:
    """Return Slack's permalink when it looks like one, else one built from the message's ts."""
    if permalink and _PERMALINK.match(permalink):
        return permalink
    # Slack's archive URLs redirect to the message in the reader's own workspace.
    return f"https://slack.com/archives/{channel_id}/p{ts.replace('.', '')}"


def shared_card(card: Message, user_id: str) -> Message:
    """Add "Shared by @user" to a card, above its buttons."""
    line = context_block(f":busts_in_silhouette: Shared by {user_mention(user_id)}")
    blocks = list(card.blocks)
    at = len(blocks) - 1 if blocks and blocks[-1].get("type") == "actions" else len(blocks)
    blocks.insert(at, line)
    return Message(text=card.text, blocks=blocks)


def shared_note(job_id: int, name: str, channel_id: str, link: str) -> Message:
    """Say, in place of the private card, that it was shared and where to find it."""
    where = channel_link(channel_id)
    text = (
        f":white_check_mark: You shared the card of job {code(str(job_id))} "
        f"{fit(name, 200)} in {where}: <{link}|see the shared message>."
    )
    return Message(text=f"You shared the card of job {job_id}.", blocks=[section_block(text)])


def cannot_share(hint: str) -> Message:
    """Say the card could not be shared because jobbot may not post there, with the hint."""
    text = ":information_source: I couldn't share the card: I can't post in that channel."
    return Message(text=text, blocks=[section_block(text), context_block(hint)])


def share_failed() -> Message:
    """Say Slack refused the shared message for another reason."""
    text = ":warning: Slack did not take the shared card. Try again in a moment."
    return Message(text=text, blocks=[section_block(text)])


def broken_share(command: str) -> Message:
    """Say a Share button did not carry a job we can share; nothing was posted."""
    cmd = escape(command)
    text = (
        ":thinking_face: That Share button does not say which job to share, so nothing was "
        f"posted. Ask for a fresh card with `{cmd} 50320`."
    )
    return Message(text=text.replace("`", ""), blocks=[section_block(text)])


def not_shareable() -> Message:
    """Say a card the channel already sees needs no sharing; nothing was posted."""
    text = ":information_source: Everyone in the channel already sees that card: nothing to share."
    return Message(text=text, blocks=[section_block(text)])
