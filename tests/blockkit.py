"""Checks that a message is one Slack would accept and that it pings or links no one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_FIELD_TEXT = 2000
MAX_FIELDS = 10
MAX_HEADER_TEXT = 150
MAX_BUTTON_VALUE = 2000
MAX_VIEW_BLOCKS = 100
MAX_VIEW_TITLE = 24
MAX_VIEW_BUTTON = 24
MAX_PRIVATE_METADATA = 3000
MAX_CALLBACK_ID = 255
MAX_INPUT_LABEL = 2000
MAX_PLACEHOLDER = 150

# The only `<…>` sequences we write ourselves: date tokens and channel links (a test names
# any other, such as the user who shared a card, in `allowed`).
_OUR_TOKENS = re.compile(r"<!date\^\d+\^[^|>]*\|[^>]*>|<#C[A-Z0-9]+>")
_BARE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")


def assert_valid_message(payload: dict[str, Any]) -> None:
    """Assert that Slack would take this `{"text", "blocks"}` payload as it is."""
    text = payload.get("text")
    assert isinstance(text, str), f"top-level text must be a string, got {text!r}"
    assert text.strip(), "top-level text (the notification fallback) is empty"
    blocks = payload.get("blocks")
    assert isinstance(blocks, list), "blocks must be a list"
    assert 0 < len(blocks) <= MAX_BLOCKS, f"{len(blocks)} blocks (Slack takes 1 to 50)"
    for index, block in enumerate(blocks):
        # slack_sdk validates recursively on to_dict(); round-trip equality also catches
        # dropped or unknown keys and empty texts.
        parsed = Block.parse(block)
        assert parsed is not None, f"block {index} is not a block"
        assert parsed.to_dict() == block, f"block {index} does not round-trip"
        action_ids: list[str] = []
        _check_limits(index, block, action_ids)
        # Slack: an action_id "should be unique among all other action_ids in the containing
        # block" (a list's Show buttons, each in its own section, share `job_show`).
        duplicates = {a for a in action_ids if action_ids.count(a) > 1}
        assert not duplicates, f"block {index}: action_ids used more than once: {duplicates}"


def assert_valid_view(view: dict[str, Any]) -> None:
    """Assert that Slack would take this modal or Home view as it is."""
    # slack_sdk's view model validates the title, buttons, metadata and block count on
    # to_dict(), and the blocks recursively; equality catches dropped or unknown keys.
    assert View(**view).to_dict() == view, "the view does not round-trip slack_sdk's View"
    kind = view["type"]
    assert kind in {"modal", "home"}, f"unknown view type {kind!r}"
    blocks = view["blocks"]
    assert 0 < len(blocks) <= MAX_VIEW_BLOCKS, f"{len(blocks)} blocks (Slack takes 1 to 100)"
    if kind == "modal":
        title = view["title"]
        assert title["type"] == "plain_text"
        assert 0 < len(title["text"]) <= MAX_VIEW_TITLE
        for key in ("submit", "close"):
            if key in view:
                assert view[key]["type"] == "plain_text"
                assert 0 < len(view[key]["text"]) <= MAX_VIEW_BUTTON, f"{key} text too long"
        if any(block["type"] == "input" for block in blocks):
            assert "submit" in view, "a modal with inputs needs a submit button"
    assert len(view.get("private_metadata", "")) <= MAX_PRIVATE_METADATA
    assert len(view.get("callback_id", "")) <= MAX_CALLBACK_ID
    action_ids: list[str] = []
    block_ids = [block["block_id"] for block in blocks if "block_id" in block]
    assert len(block_ids) == len(set(block_ids)), f"block_ids used more than once: {block_ids}"
    for index, block in enumerate(blocks):
        parsed = Block.parse(block)
        assert parsed is not None, f"block {index} is not a block"
        assert parsed.to_dict() == block, f"block {index} does not round-trip"
        _check_limits(index, block, action_ids)
        if block["type"] == "input":
            assert len(block["label"]["text"]) <= MAX_INPUT_LABEL
            element = block["element"]
            placeholder = element.get("placeholder", {}).get("text", "")
            assert len(placeholder) <= MAX_PLACEHOLDER
            action_ids.append(element["action_id"])
    # Slack refuses a view where two elements share an action_id within a block; we keep
    # them unique across the whole view so a click is never ambiguous.
    duplicates = {a for a in action_ids if action_ids.count(a) > 1}
    assert not duplicates, f"action_ids used more than once: {duplicates}"


def _check_limits(index: int, block: dict[str, Any], action_ids: list[str]) -> None:
    kind = block["type"]
    where = f"block {index} ({kind})"
    if kind == "header":
        assert block["text"]["type"] == "plain_text", f"{where}: header text must be plain_text"
        assert len(block["text"]["text"]) <= MAX_HEADER_TEXT, f"{where}: header text too long"
    if kind == "section":
        assert "text" in block or "fields" in block, f"{where}: section has neither text nor fields"
        if "text" in block:
            size = len(block["text"]["text"])
            assert 0 < size <= MAX_SECTION_TEXT, f"{where}: section text has {size} chars"
        fields = block.get("fields", [])
        assert len(fields) <= MAX_FIELDS, f"{where}: {len(fields)} fields"
        for field in fields:
            size = len(field["text"])
            assert 0 < size <= MAX_FIELD_TEXT, f"{where}: a field has {size} chars"
    accessory = block.get("accessory")
    for element in [*block.get("elements", []), *([accessory] if accessory else [])]:
        if "action_id" in element:
            action_ids.append(element["action_id"])
        if element.get("type") == "button" and "value" in element:
            assert len(element["value"]) <= MAX_BUTTON_VALUE, f"{where}: button value too long"


def strings(value: Any) -> Iterator[str]:
    """Yield every string anywhere in a JSON-like value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def assert_no_unescaped_control(payload: dict[str, Any], allowed: tuple[str, ...] = ()) -> None:
    """Assert no mention, broadcast or link can come out of the payload but our own tokens."""
    for text in strings(payload):
        rest = _OUR_TOKENS.sub("", text)
        for token in allowed:
            rest = rest.replace(token, "")
        assert "<" not in rest, f"unescaped '<' in {text[:300]!r}"
        bare = _BARE_AMPERSAND.search(rest)
        assert bare is None, f"bare '&' in {text[max(0, bare.start() - 40) : bare.end() + 40]!r}"
