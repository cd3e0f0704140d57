"""Reading every text a person sees in a Slack message, and the job IDs in it."""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack.message_text import message_texts
from bot.usecases.job_ids import find_job_ids
from tests.slack import block_kit_alerts as alerts


def ids_in(message: dict[str, Any]) -> list[int]:
    return find_job_ids(*message_texts(message))


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        pytest.param(
            {"text": alerts.NO_TEXT, "blocks": alerts.RICH_TEXT_POST},
            alerts.RICH_TEXT_POST_IDS,
            id="rich-text",
        ),
        pytest.param(
            {"text": alerts.NO_TEXT, "blocks": alerts.SECTION_FIELDS_ALERT},
            alerts.SECTION_FIELDS_ALERT_IDS,
            id="section-fields-context-button",
        ),
        pytest.param(
            {"text": "", "attachments": alerts.ATTACHMENT_WITH_BLOCKS},
            alerts.ATTACHMENT_WITH_BLOCKS_IDS,
            id="attachment-blocks-and-fallback",
        ),
        pytest.param(
            {"text": alerts.NO_TEXT, "blocks": alerts.MARKDOWN_ALERT},
            alerts.MARKDOWN_ALERT_IDS,
            id="markdown-block",
        ),
    ],
)
def test_ids_are_found_in_block_kit_only_messages(
    message: dict[str, Any], expected: list[int]
) -> None:
    assert ids_in(message) == expected


def test_a_rich_text_paragraph_reads_as_one_line() -> None:
    [post] = alerts.RICH_TEXT_POST
    texts = message_texts({"blocks": [post]})
    assert texts[0] == (
        " the Flink job orders_enrich "
        "https://console.example.com/dli/#/main/jobs/50320?region=cn-north-4 is down again :fire:"
    )
    assert texts[1:3] == ["upstream: job 61000", "downstream: Job ID: 70001"]


@pytest.mark.parametrize(
    "block",
    [
        {"type": "header", "text": {"type": "plain_text", "text": "Job ID: 50320"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Job ID:* 50320"}},
        {"type": "section", "fields": [{"type": "plain_text", "text": "Job ID: 50320"}]},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": "*Job ID*"},
                {"type": "plain_text", "text": "50320"},
            ],
        },
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "Checkpoints failing"},
            "accessory": {
                "type": "button",
                "text": {"type": "plain_text", "text": "Open"},
                "url": "https://c.example/jobs/50320",
            },
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "job `50320`"}]},
        {
            "type": "image",
            "image_url": "https://c.example/lag.png",
            "alt_text": "lag",
            "title": {"type": "plain_text", "text": "Lag of job 50320"},
        },
        {
            "type": "video",
            "title": {"type": "plain_text", "text": "Replay"},
            "description": {"type": "plain_text", "text": "job 50320 restart"},
            "video_url": "https://v.example/1",
            "thumbnail_url": "https://v.example/1.png",
            "alt_text": "replay",
        },
        {
            "type": "table",
            "rows": [
                [{"type": "raw_text", "text": "Job ID"}, {"type": "raw_text", "text": "Status"}],
                [
                    {
                        "type": "rich_text",
                        "elements": [
                            {
                                "type": "rich_text_section",
                                "elements": [{"type": "text", "text": "job 50320"}],
                            }
                        ],
                    }
                ],
            ],
        },
        {"type": "markdown", "text": "Job **50320** lags"},
    ],
    ids=lambda block: str(block["type"]) + ("-fields" if "fields" in block else ""),
)
def test_each_kind_of_block_is_read(block: dict[str, Any]) -> None:
    assert ids_in({"text": "", "blocks": [block]}) == [50320]


def test_legacy_attachment_parts_are_read_in_slacks_layout_order() -> None:
    attachment = {
        "pretext": "job 1",
        "author_name": "job 2",
        "title": "job 3",
        "title_link": "https://c.example/jobs/4",
        "text": "job 5",
        "fields": [{"title": "Job ID", "value": "6", "short": True}],
        "actions": [{"type": "button", "text": "job 7", "url": "https://c.example/jobs/8"}],
        "footer": "job 9",
        "fallback": "job 10",
    }
    texts = message_texts({"text": "", "attachments": [attachment]})
    assert find_job_ids(*texts, limit=20) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]


def test_hidden_parts_and_junk_are_not_read() -> None:
    message: dict[str, Any] = {
        "text": None,
        "blocks": [
            {"type": "image", "image_url": "https://c.example/jobs/1.png", "alt_text": "job 2"},
            {"type": "actions", "elements": [{"type": "button", "value": "job 3"}]},
            "not a block",
            {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": 7}]},
            {"type": "section", "fields": "job 4"},
        ],
        "attachments": [None, {"fields": [None, {"title": 5, "value": ["job 6"]}]}],
    }
    assert ids_in(message) == []
