"""What the watch code needs from a chat: post a parent, reply in its thread, find, update.

The Slack implementation is bot/slack/threads.py; the use cases and the poller see only this.
"""

from __future__ import annotations

from typing import Protocol

from bot.render.blocks import Message


class ChannelGone(Exception):
    """The channel cannot be posted in any more (archived, deleted, or the bot was removed)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class PostFailed(Exception):
    """The chat refused or failed a call; trying again later may work."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class Throttled(PostFailed):
    """The chat asks us to wait before posting again (Slack's 429 and its Retry-After)."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__("ratelimited")
        self.retry_after_s = retry_after_s


class Threads(Protocol):
    """A chat's threads, as the watch code uses them."""

    async def post_parent(self, channel: str, message: Message, *, key: str) -> str:
        """Post a message in the channel, tagged with `key`; return its ts."""
        ...

    async def find_parent(self, channel: str, key: str, *, oldest: float) -> str | None:
        """Return the ts of the channel's message tagged with `key` (posted after `oldest`)."""
        ...

    async def reply(
        self, channel: str, thread_ts: str, message: Message, *, key: str, broadcast: bool
    ) -> str:
        """Reply in a thread, tagged with `key`; return the reply's ts (raises Throttled)."""
        ...

    async def find_reply(self, channel: str, thread_ts: str, key: str) -> str | None:
        """Return the ts of the thread's reply tagged with `key`, or None."""
        ...

    async def update(self, channel: str, ts: str, message: Message) -> None:
        """Replace a message in place."""
        ...

    async def permalink(self, channel: str, ts: str) -> str | None:
        """Return a link to a message, or None when the chat will not say."""
        ...
