"""The `job_details` message shortcut, end to end through jobbot's real HTTP server."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Jobbot
from tests.fakes import interactive_body, message_shortcut_payload, wait_until
from tests.slack import block_kit_alerts as alerts
from tests.slack.listeners.support import add_job, all_text, no_backend

MESSAGE_TS = "1700000100.000200"
THREAD_TS = "1700000050.000100"


async def run_shortcut(
    bot: Jobbot,
    text: str,
    hook: str = "shortcut",
    *,
    thread_ts: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
) -> None:
    """Run the shortcut on a message and check Slack got its 200 acknowledgement."""
    payload = message_shortcut_payload(
        text,
        bot.fake_slack.hook_url(hook),
        ts=MESSAGE_TS,
        thread_ts=thread_ts,
        attachments=attachments,
    )
    response = await bot.post(interactive_body(payload))
    assert response.status_code == 200


def posted(bot: Jobbot) -> list[dict[str, Any]]:
    """Return the parameters of every successful-looking chat.postMessage call."""
    return [call.params for call in bot.fake_slack.calls_to("chat.postMessage")]


async def wait_for_posts(bot: Jobbot, count: int) -> list[dict[str, Any]]:
    await wait_until(lambda: len(posted(bot)) >= count)
    await bot.settled()  # every request has finished: nothing more may follow
    return posted(bot)


GRAFANA_ATTACHMENT = {
    "color": "#D63232",
    "title": "[Alerting] Flink checkpoint failures",
    "title_link": "https://grafana.example.com/d/flink?orgId=1",
    "text": "Checkpoints of the order pipeline keep failing.",
    "fields": [{"title": "job_id", "value": "61000", "short": True}],
    "footer": "Grafana v10.4.1",
}

RECOGNISED_MESSAGES = [
    pytest.param("[ALARM] Flink job_id=50320 checkpoint failed", None, [50320], id="ces-alarm"),
    pytest.param(
        "Checkpoint failed, see https://console.huaweicloud.com/cs/#/jobs/detail/50320",
        None,
        [50320],
        id="console-url",
    ),
    pytest.param('alert payload: {"job_id": 50320, "severity": "major"}', None, [50320], id="json"),
    pytest.param("job #50320 and jobId: 61000 both lag", None, [50320, 61000], id="two-forms"),
    pytest.param("Backpressure on <https://x/jobs/50320|Job console>", None, [50320], id="link"),
    pytest.param("JOB ID 61000 restarted; Job 50320 too", None, [61000, 50320], id="case"),
    pytest.param("Grafana alert", [GRAFANA_ATTACHMENT], [61000], id="attachment-field"),
    pytest.param(
        "[FIRING:1] FlinkJobDown (job_id: 50320)",
        [{"pretext": "see also", "text": "Console: https://c/dli/#/job/61000"}],
        [50320, 61000],
        id="text-then-attachment",
    ),
]


@pytest.mark.parametrize(("text", "attachments", "expected"), RECOGNISED_MESSAGES)
async def test_each_recognised_form_posts_a_card_in_the_messages_thread(
    jobbot: Jobbot, text: str, attachments: list[dict[str, Any]] | None, expected: list[int]
) -> None:
    add_job(jobbot.fake_jobs, 61000, name="orders_enrich")
    await run_shortcut(jobbot, text, attachments=attachments)
    posts = await wait_for_posts(jobbot, len(expected))
    assert [post["text"].split()[1] for post in posts] == [str(i) for i in expected]
    for post in posts:
        assert post["channel"] == "C0INCIDENT"
        assert post["thread_ts"] == MESSAGE_TS
        assert post["blocks"][0]["type"] == "header"
    assert jobbot.fake_slack.hooks == []


@pytest.mark.parametrize(
    ("blocks", "attachments", "expected"),
    [
        pytest.param(alerts.RICH_TEXT_POST, None, alerts.RICH_TEXT_POST_IDS, id="rich-text"),
        pytest.param(
            alerts.SECTION_FIELDS_ALERT, None, alerts.SECTION_FIELDS_ALERT_IDS, id="section-fields"
        ),
        pytest.param(
            None, alerts.ATTACHMENT_WITH_BLOCKS, alerts.ATTACHMENT_WITH_BLOCKS_IDS, id="attachment"
        ),
        pytest.param(alerts.MARKDOWN_ALERT, None, alerts.MARKDOWN_ALERT_IDS, id="markdown"),
    ],
)
async def test_a_block_kit_only_message_gets_a_card_per_job_in_its_thread(
    jobbot: Jobbot,
    blocks: list[dict[str, Any]] | None,
    attachments: list[dict[str, Any]] | None,
    expected: list[int],
) -> None:
    for job_id in expected:
        add_job(jobbot.fake_jobs, job_id)
    payload = message_shortcut_payload(
        alerts.NO_TEXT,
        jobbot.fake_slack.hook_url("blocks"),
        ts=MESSAGE_TS,
        blocks=blocks,
        attachments=attachments,
    )
    assert (await jobbot.post(interactive_body(payload))).status_code == 200
    posts = await wait_for_posts(jobbot, len(expected))
    assert [post["text"] for post in posts] == [f"Job {i} flink_job_{i}: Running" for i in expected]
    assert all(post["thread_ts"] == MESSAGE_TS for post in posts)
    assert jobbot.fake_slack.hooks == []


@pytest.mark.parametrize("text", ["job 2 of 5 failed", "flink_job 3 restarted"])
async def test_counts_and_other_names_ask_the_job_api_nothing(jobbot: Jobbot, text: str) -> None:
    await run_shortcut(jobbot, text, hook="count")
    await wait_until(lambda: bool(jobbot.fake_slack.posts_to("count")))
    [note] = jobbot.fake_slack.posts_to("count")
    assert "found no job ID" in note["text"]
    assert jobbot.fake_jobs.requests == []


async def test_a_reply_gets_its_cards_in_the_parent_thread(jobbot: Jobbot) -> None:
    await run_shortcut(jobbot, "job 50320 is down again", thread_ts=THREAD_TS)
    [post] = await wait_for_posts(jobbot, 1)
    assert post["thread_ts"] == THREAD_TS
    assert post["text"] == "Job 50320 my_job_001: Running"


async def test_cards_go_to_the_shortcuts_channel(jobbot: Jobbot) -> None:
    payload = message_shortcut_payload(
        "job 50320", jobbot.fake_slack.hook_url("s"), channel_id="C0OTHER"
    )
    assert (await jobbot.post(interactive_body(payload))).status_code == 200
    [post] = await wait_for_posts(jobbot, 1)
    assert post["channel"] == "C0OTHER"


async def test_at_most_five_cards_in_order_without_duplicates(jobbot: Jobbot) -> None:
    for job_id in (101, 102, 103, 104, 105, 106):
        add_job(jobbot.fake_jobs, job_id)
    text = (
        "job 103 failed, job_id=101 lagging, job #103 again, https://c/jobs/detail/105, "
        "jobId: 101, job 102, job 104, job 106"
    )
    await run_shortcut(jobbot, text)
    posts = await wait_for_posts(jobbot, 5)
    assert [post["text"] for post in posts] == [
        f"Job {i} flink_job_{i}: Running" for i in (103, 101, 105, 102, 104)
    ]
    assert all(post["thread_ts"] == MESSAGE_TS for post in posts)
    assert sorted(int(r.path.rsplit("/", 1)[1]) for r in jobbot.fake_jobs.requests) == [
        101,
        102,
        103,
        104,
        105,
    ]


@pytest.mark.parametrize("refusal", ["not_in_channel", "channel_not_found"])
async def test_when_slack_refuses_the_cards_come_privately_with_an_invite_hint(
    jobbot: Jobbot, refusal: str
) -> None:
    add_job(jobbot.fake_jobs, 61000, name="orders_enrich")
    jobbot.fake_slack.refuse["C0INCIDENT"] = refusal
    await run_shortcut(jobbot, "job 50320 and job 61000", hook="private")
    await wait_until(lambda: len(jobbot.fake_slack.posts_to("private")) >= 2)
    await jobbot.settled()
    messages = jobbot.fake_slack.posts_to("private")
    assert [m["text"] for m in messages] == [
        "Job 50320 my_job_001: Running",
        "Job 61000 orders_enrich: Running",
    ]
    assert all(m["response_type"] == "ephemeral" for m in messages)
    assert all("replace_original" not in m for m in messages)
    hint = messages[0]["blocks"][-1]
    assert hint["type"] == "context"
    assert "/invite @jobbot" in hint["elements"][0]["text"]
    assert "<#C0INCIDENT>" in hint["elements"][0]["text"]
    assert "/invite" not in all_text(messages[1])
    # The refusal is permanent for the channel: one attempt, not one per card.
    assert len(posted(jobbot)) == 1


@pytest.mark.parametrize(
    ("channel_id", "channel_name"),
    [
        pytest.param("D0DIRECT1", "directmessage", id="dm"),
        pytest.param("G0MPIM001", "mpdm-ada--lin--oncall-1", id="group-dm-G"),
        pytest.param("C0MPIM002", "mpdm-ada--lin-1", id="group-dm-C"),
    ],
)
async def test_in_a_direct_message_the_hint_suggests_no_invite(
    jobbot: Jobbot, channel_id: str, channel_name: str
) -> None:
    jobbot.fake_slack.refuse[channel_id] = "channel_not_found"
    payload = message_shortcut_payload(
        "job 50320",
        jobbot.fake_slack.hook_url("dm"),
        channel_id=channel_id,
        channel_name=channel_name,
    )
    assert (await jobbot.post(interactive_body(payload))).status_code == 200
    await wait_until(lambda: bool(jobbot.fake_slack.posts_to("dm")))
    [card] = jobbot.fake_slack.posts_to("dm")
    assert card["text"] == "Job 50320 my_job_001: Running"
    hint = card["blocks"][-1]["elements"][0]["text"]
    assert "direct message" in hint
    assert "/invite" not in all_text(card)
    assert "<#" not in all_text(card)


async def test_in_a_private_channel_the_hint_links_it_and_suggests_an_invite(
    jobbot: Jobbot,
) -> None:
    jobbot.fake_slack.refuse["G0PRIVATE"] = "channel_not_found"
    payload = message_shortcut_payload(
        "job 50320",
        jobbot.fake_slack.hook_url("p"),
        channel_id="G0PRIVATE",
        channel_name="privategroup",
    )
    assert (await jobbot.post(interactive_body(payload))).status_code == 200
    await wait_until(lambda: bool(jobbot.fake_slack.posts_to("p")))
    [card] = jobbot.fake_slack.posts_to("p")
    hint = card["blocks"][-1]["elements"][0]["text"]
    assert "<#G0PRIVATE>" in hint
    assert "/invite @jobbot" in hint


async def test_a_message_without_job_ids_gets_a_note_on_the_recognised_forms(
    jobbot: Jobbot,
) -> None:
    await run_shortcut(jobbot, "Disk usage at 91% on node-7 (error 50320)", hook="none")
    await wait_until(lambda: bool(jobbot.fake_slack.posts_to("none")))
    [note] = jobbot.fake_slack.posts_to("none")
    assert note["response_type"] == "ephemeral"
    assert "found no job ID or job name" in note["text"]
    for form in ("`job 50320`", "`job_id=50320`", "`jobId: 50320`", "`/jobs/detail/50320`"):
        assert form in note["blocks"][0]["text"]["text"]
    assert jobbot.fake_jobs.requests == []
    assert posted(jobbot) == []


async def test_a_job_that_cannot_be_looked_up_is_reported_privately_not_in_the_thread(
    jobbot: Jobbot,
) -> None:
    add_job(jobbot.fake_jobs, 61000, name="orders_enrich")
    jobbot.fake_jobs.faults[70000] = no_backend
    await run_shortcut(jobbot, "job 99, job 50320, job 70000, job 61000", hook="mixed")
    posts = await wait_for_posts(jobbot, 2)
    await wait_until(lambda: len(jobbot.fake_slack.posts_to("mixed")) >= 2)
    await jobbot.settled()
    assert [post["text"] for post in posts] == [
        "Job 50320 my_job_001: Running",
        "Job 61000 orders_enrich: Running",
    ]
    errors = jobbot.fake_slack.posts_to("mixed")
    assert len(errors) == 2
    assert all(e["response_type"] == "ephemeral" for e in errors)
    assert "`99` was not found" in errors[0]["text"]
    assert "unavailable" in errors[1]["text"]
    assert "/invite" not in all_text(errors[0]) + all_text(errors[1])


async def test_a_single_failed_lookup_posts_nothing_in_the_thread(jobbot: Jobbot) -> None:
    await run_shortcut(jobbot, "[ALARM] job_id=99 failed", hook="lost")
    await wait_until(lambda: bool(jobbot.fake_slack.posts_to("lost")))
    await jobbot.settled()
    [error] = jobbot.fake_slack.posts_to("lost")
    assert error["response_type"] == "ephemeral"
    assert "`99` was not found" in error["text"]
    assert posted(jobbot) == []


async def test_a_rate_limited_post_is_retried_and_the_card_still_arrives(jobbot: Jobbot) -> None:
    jobbot.fake_slack.throttle_posts = 1
    jobbot.fake_slack.retry_after_s = 0
    await run_shortcut(jobbot, "job 50320")
    [post] = await wait_for_posts(jobbot, 1)
    assert post["thread_ts"] == MESSAGE_TS
    assert len(jobbot.fake_slack.calls_to("chat.postMessage#429")) == 1
    assert jobbot.fake_slack.hooks == []


async def test_an_unexpected_slack_refusal_gives_the_user_an_error_id(jobbot: Jobbot) -> None:
    jobbot.fake_slack.refuse["C0INCIDENT"] = "restricted_action"
    payload = message_shortcut_payload("job 50320", jobbot.fake_slack.hook_url("oops"))
    # The status is not asserted: slack_bolt's AsyncioListenerRunner loses the ack when a
    # listener raises within its 10 ms poll after ack() (Slack then gets a 404 after 3 s).
    await jobbot.post(interactive_body(payload))
    await wait_until(lambda: bool(jobbot.fake_slack.posts_to("oops")))
    [message] = jobbot.fake_slack.posts_to("oops")
    assert message["response_type"] == "ephemeral"
    assert "Something went wrong inside jobbot" in message["text"]
    assert "error ID" in message["text"]
