"""Every text a person sees in a Slack message: its text, blocks and attachments."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# Rich text containers: a paragraph, a quote, a code block (their elements are inline) and a
# list (its elements are paragraphs).
_RICH_CONTAINERS = {"rich_text_section", "rich_text_quote", "rich_text_preformatted"}


def message_texts(message: dict[str, Any]) -> list[str]:
    """Return the message's texts in reading order: text, blocks, then attachments."""
    texts = [_string(message.get("text"))]
    texts += _blocks(message.get("blocks"))
    for attachment in _dicts(message.get("attachments")):
        texts += _attachment(attachment)
    return [text for text in texts if text.strip()]


def _attachment(attachment: dict[str, Any]) -> list[str]:
    """Read a legacy attachment as Slack lays it out, its fallback last."""
    texts = [_string(attachment.get(key)) for key in ("pretext", "author_name", "title")]
    texts += [_string(attachment.get("title_link")), _string(attachment.get("text"))]
    for field in _dicts(attachment.get("fields")):
        # A field is shown as its title over its value: read as `Job ID: 50320`.
        texts.append(f"{_string(field.get('title'))}: {_string(field.get('value'))}")
    texts += _blocks(attachment.get("blocks"))
    for action in _dicts(attachment.get("actions")):
        texts += [_string(action.get("text")), _string(action.get("url"))]
    texts += [_string(attachment.get("footer")), _string(attachment.get("fallback"))]
    return texts


def _blocks(blocks: Any) -> list[str]:
    texts: list[str] = []
    for block in _dicts(blocks):
        texts += _block(block)
    return texts


def _block(block: dict[str, Any]) -> Iterator[str]:
    """Yield the texts of one block of any kind."""
    kind = block.get("type")
    if kind == "rich_text":
        for element in _dicts(block.get("elements")):
            yield from _rich(element)
    elif kind == "markdown":
        yield _string(block.get("text"))
    elif kind == "table":
        for row in block.get("rows") or []:
            yield " ".join(_cell(cell) for cell in _dicts(row))
    else:
        # section (text, fields, accessory), header, context, actions, image and video
        # (title, description), input (label): every text object and link they hold.
        for key in ("text", "title", "description", "label"):
            yield _text_object(block.get(key))
        # Fields read as one text: some alerts put a title in one field, its value in the next.
        yield "\n".join(_text_object(field) for field in _dicts(block.get("fields")))
        for element in [*_dicts(block.get("elements")), *_dicts([block.get("accessory")])]:
            yield from _element(element)


def _element(element: dict[str, Any]) -> Iterator[str]:
    """Yield what a context or actions element shows: its text, a button's link."""
    if element.get("type") in ("mrkdwn", "plain_text"):
        yield _text_object(element)
        return
    yield _text_object(element.get("text"))
    yield _string(element.get("url"))


def _rich(element: dict[str, Any]) -> Iterator[str]:
    """Yield one text per paragraph of a rich_text element, lists item by item."""
    kind = element.get("type")
    if kind == "rich_text_list":
        for item in _dicts(element.get("elements")):
            yield from _rich(item)
    elif kind in _RICH_CONTAINERS:
        yield "".join(_inline(part) for part in _dicts(element.get("elements")))


def _inline(part: dict[str, Any]) -> str:
    """Read an inline rich text element as it reads on screen."""
    kind = part.get("type")
    if kind == "text":
        return _string(part.get("text"))
    if kind == "link":
        # Shown as its text; the URL it opens may name the job too.
        label = _string(part.get("text"))
        url = _string(part.get("url"))
        return f"{label} {url}" if label else url
    if kind == "emoji":
        return f":{_string(part.get('name'))}:"
    return ""


def _cell(cell: dict[str, Any]) -> str:
    if cell.get("type") == "rich_text":
        return " ".join(_block(cell))
    return _string(cell.get("text"))


def _text_object(value: Any) -> str:
    """Read a Block Kit text object (`{"type": "mrkdwn", "text": …}`) or a plain string."""
    if isinstance(value, dict):
        return _string(value.get("text"))
    return _string(value)


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
