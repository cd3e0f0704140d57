"""Alert messages built only of Block Kit, as Slack delivers them in a message_action payload.

Shapes follow Slack's payloads (bolt-python's tests, Slack's Block Kit reference): the
message `text` of a blocks-only bot message is Slack's "This content can't be displayed."
"""

from __future__ import annotations

from typing import Any

NO_TEXT = "This content can't be displayed."


def _text(text: str, **style: bool) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "text", "text": text}
    if style:
        element["style"] = style
    return element


def _section(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "rich_text_section", "elements": list(elements)}


# A person's post: rich text with a link, a bullet list with code spans, a quote and a
# preformatted block, as the Slack composer sends it.
RICH_TEXT_POST: list[dict[str, Any]] = [
    {
        "type": "rich_text",
        "block_id": "b8Xq",
        "elements": [
            _section(
                {"type": "user", "user_id": "U0ONCALL"},
                _text(" the Flink job "),
                {
                    "type": "link",
                    "url": "https://console.example.com/dli/#/main/jobs/50320?region=cn-north-4",
                    "text": "orders_enrich",
                },
                _text(" is down again "),
                {"type": "emoji", "name": "fire", "unicode": "1f525"},
            ),
            {
                "type": "rich_text_list",
                "style": "bullet",
                "indent": 0,
                "border": 0,
                "elements": [
                    _section(_text("upstream: job "), _text("61000", code=True)),
                    _section(_text("downstream: "), _text("Job ID: ", bold=True), _text("70001")),
                ],
            },
            {
                "type": "rich_text_quote",
                "elements": [_text("was "), _text("job 70002", strike=True)],
            },
            {"type": "rich_text_preformatted", "elements": [_text('{"job_id": 70003}')]},
        ],
    }
]
RICH_TEXT_POST_IDS = [50320, 61000, 70001, 70002, 70003]

# A monitoring tool's card: header, section text and fields, a context line, a button.
SECTION_FIELDS_ALERT: list[dict[str, Any]] = [
    {"type": "header", "text": {"type": "plain_text", "text": ":red_circle: Flink job failed"}},
    {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "*orders_enrich* stopped: `job_running_exception`"},
        "fields": [
            {"type": "mrkdwn", "text": "*Job ID:*\n50320"},
            {"type": "mrkdwn", "text": "*Region:*\ncn-north-4"},
        ],
    },
    {
        "type": "context",
        "elements": [
            {"type": "image", "image_url": "https://x.example/i.png", "alt_text": "job 99"},
            {"type": "mrkdwn", "text": "Upstream Job ID: `61000` · fired 2 of 5 times"},
        ],
    },
    {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": "open_console",
                "text": {"type": "plain_text", "text": "Open console"},
                "url": "https://console.example.com/cs/#/jobs/detail/70001",
            }
        ],
    },
]
SECTION_FIELDS_ALERT_IDS = [50320, 61000, 70001]

# Alertmanager/Grafana-style legacy attachment carrying blocks; the ID only in the blocks
# and the fallback.
ATTACHMENT_WITH_BLOCKS: list[dict[str, Any]] = [
    {
        "color": "#D63232",
        "fallback": "[FIRING:1] FlinkJobDown job_id=70002",
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "*Job:* orders_enrich (ID: 50320)"},
                "accessory": {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Open"},
                    "url": "https://console.example.com/cs/jobs/61000?region=cn-north-4",
                },
            }
        ],
    }
]
ATTACHMENT_WITH_BLOCKS_IDS = [50320, 61000, 70002]

# Block Kit's `markdown` block, as an AI or alerting app writes it.
MARKDOWN_ALERT: list[dict[str, Any]] = [
    {
        "type": "markdown",
        "text": "**Checkpoint failures** on [orders_enrich](https://c.example/jobs/50320)",
    }
]
MARKDOWN_ALERT_IDS = [50320]
