"""What a use case hands back to whoever asked: a message and how it went."""

from __future__ import annotations

from dataclasses import dataclass

from bot.render.blocks import Message


@dataclass(frozen=True)
class Answer:
    """What to tell the person: a card or list others may see (`public`), or a note for them."""

    message: Message
    public: bool
    outcome: str
    job_ids: tuple[int, ...] = ()
