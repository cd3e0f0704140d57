"""The Block Kit checker itself: it must reject what Slack would reject or what would ping."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackObjectFormationError

from tests.blockkit import assert_no_unescaped_control, assert_valid_message


def _message(*blocks: dict[str, Any], text: str = "Job 1 x: Running") -> dict[str, Any]:
    return {"text": text, "blocks": list(blocks)}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def _button(action_id: str, value: str = "v") -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": "Go", "emoji": True},
        "action_id": action_id,
        "value": value,
    }


def test_a_plain_message_passes() -> None:
    assert_valid_message(_message(_section("hello")))


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(_message(_section("hi"), text=""), id="empty-text"),
        pytest.param(_message(*[_section("x")] * 51), id="51-blocks"),
        pytest.param(_message(_section("x" * 3001)), id="long-section"),
        pytest.param(
            _message({"type": "section", "fields": [{"type": "mrkdwn", "text": "x" * 2001}]}),
            id="long-field",
        ),
        pytest.param(
            _message({"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}),
            id="long-header",
        ),
        pytest.param(
            _message({"type": "header", "text": {"type": "mrkdwn", "text": "x"}}),
            id="mrkdwn-header",
        ),
        pytest.param(
            _message({"type": "actions", "elements": [_button("a"), _button("a")]}),
            id="duplicate-action-id",
        ),
        pytest.param(
            _message({"type": "actions", "elements": [_button("a", "v" * 2001)]}),
            id="long-button-value",
        ),
        pytest.param(_message({"type": "section", "text": {"type": "mrkdwn"}}), id="no-text"),
    ],
)
def test_invalid_messages_are_rejected(payload: dict[str, Any]) -> None:
    with pytest.raises((AssertionError, SlackObjectFormationError, TypeError)):
        assert_valid_message(payload)


@pytest.mark.parametrize(
    "text",
    ["<!channel>", "<!here>", "<@U123>", "<http://evil|Open UI>", "a & b", "&amp", "x<y"],
)
def test_mentions_links_and_bare_ampersands_are_caught(text: str) -> None:
    with pytest.raises(AssertionError):
        assert_no_unescaped_control(_message(_section(text)))


def test_our_date_tokens_channel_links_and_entities_are_allowed() -> None:
    text = (
        "<!date^1516952710^{date_short_pretty} {time}|2018-01-26 07:45 UTC> in <#C0123ABC> "
        "&lt;!channel&gt; &amp;"
    )
    assert_no_unescaped_control(_message(_section(text)))
