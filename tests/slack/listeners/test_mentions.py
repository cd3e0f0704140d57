"""`@jobbot …` in channels and threads, end to end through jobbot's real HTTP server."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Jobbot
from tests.fakes import SlackCall, app_mention_body, slack_headers, wait_until
from tests.slack.listeners.conftest import StartJobbot
from tests.slack.listeners.support import blocks_of

JSON = {"Content-Type": "application/json"}


async def mention(bot: Jobbot, body: dict[str, Any], **headers: str) -> int:
    response = await bot.post(json.dumps(body), **{**JSON, **headers})
    return response.status_code


def posts(bot: Jobbot) -> list[SlackCall]:
    return bot.fake_slack.calls_to("chat.postMessage")


async def test_a_mention_in_a_channel_answers_in_a_thread_under_it(jobbot: Jobbot) -> None:
    body = app_mention_body("<@UBOT> 50320", ts="1700000500.000100")
    assert await mention(jobbot, body) == 200
    await wait_until(lambda: bool(posts(jobbot)))
    (post,) = posts(jobbot)
    assert post.params["channel"] == "C0INCIDENT"
    assert post.params["thread_ts"] == "1700000500.000100"
    assert post.params["text"] == "Job 50320 my_job_001: Running"
    assert blocks_of(post.params)[0]["type"] == "header"


async def test_a_mention_in_a_thread_answers_in_that_thread(jobbot: Jobbot) -> None:
    body = app_mention_body(
        "<@UBOT> show 50320", ts="1700000600.000200", thread_ts="1700000100.000050"
    )
    assert await mention(jobbot, body) == 200
    await wait_until(lambda: bool(posts(jobbot)))
    (post,) = posts(jobbot)
    assert post.params["thread_ts"] == "1700000100.000050"
    assert post.params["text"] == "Job 50320 my_job_001: Running"


async def test_a_bare_mention_gets_the_help_in_the_thread(jobbot: Jobbot) -> None:
    body = app_mention_body("<@UBOT>", thread_ts="1700000100.000050")
    assert await mention(jobbot, body) == 200
    await wait_until(lambda: bool(posts(jobbot)))
    (post,) = posts(jobbot)
    assert post.params["thread_ts"] == "1700000100.000050"
    assert "find a job by its name" in json.dumps(blocks_of(post.params))
    assert jobbot.fake_jobs.requests == []


async def test_a_mention_with_a_typo_gets_the_usage_error_quoting_it(jobbot: Jobbot) -> None:
    body = app_mention_body("<@UBOT> list bogus running &lt;!here&gt;")
    assert await mention(jobbot, body) == 200
    await wait_until(lambda: bool(posts(jobbot)))
    shown = json.dumps(blocks_of(posts(jobbot)[0].params))
    assert "`bogus` is not a status" in shown
    assert "<!here>" not in shown


async def test_a_retried_event_is_answered_once(jobbot: Jobbot) -> None:
    body = app_mention_body("<@UBOT> 50320", event_id="Ev0RETRIED")
    assert await mention(jobbot, body) == 200
    await wait_until(lambda: bool(posts(jobbot)))
    for attempt in ("1", "2"):
        retry = await mention(
            jobbot, body, **{"X-Slack-Retry-Num": attempt, "X-Slack-Retry-Reason": "http_timeout"}
        )
        assert retry == 200
    await jobbot.settled()
    assert len(posts(jobbot)) == 1
    assert len(jobbot.fake_jobs.requests) == 1


async def test_a_retry_whose_first_delivery_never_arrived_is_answered(jobbot: Jobbot) -> None:
    body = app_mention_body("<@UBOT> 50320", event_id="Ev0LOSTFIRST")
    headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert await mention(jobbot, body, **headers) == 200
    await wait_until(lambda: bool(posts(jobbot)))
    assert len(posts(jobbot)) == 1


async def test_a_mention_from_someone_not_allowed_is_refused_privately(
    start_bot: StartJobbot,
) -> None:
    bot = await start_bot(JOBBOT_ALLOWED_USERS="U0ONCALL")
    body = app_mention_body("<@UBOT> 50320", user_id="U0STRANGER", thread_ts="1700000100.1")
    assert await mention(bot, body) == 200
    await wait_until(lambda: bool(bot.fake_slack.calls_to("chat.postEphemeral")))
    (denial,) = bot.fake_slack.calls_to("chat.postEphemeral")
    assert denial.params["user"] == "U0STRANGER"
    assert denial.params["thread_ts"] == "1700000100.1"
    assert "not on jobbot's list of allowed users" in denial.params["text"]
    await bot.settled()
    assert posts(bot) == []
    assert bot.fake_jobs.requests == []


async def test_an_event_with_a_bad_signature_is_refused(jobbot: Jobbot) -> None:
    raw = json.dumps(app_mention_body("<@UBOT> 50320"))
    headers = slack_headers("not-the-signing-secret", raw, content_type="application/json")
    response = await jobbot.http.post("/slack/events", content=raw, headers=headers)
    assert response.status_code == 401
    await jobbot.settled()
    assert posts(jobbot) == []
    assert jobbot.fake_jobs.requests == []


async def test_mentions_take_whatever_the_command_takes(jobbot: Jobbot) -> None:
    jobbot.fake_jobs.add_job(70100, name="orders_enrich", status="job_running_exception")
    await mention(jobbot, app_mention_body("<@UBOT> list running", event_id="Ev0L1"))
    await mention(jobbot, app_mention_body("<@UBOT> orders_enrich", event_id="Ev0L2"))
    await wait_until(lambda: len(posts(jobbot)) == 2)
    texts = sorted(call.params["text"] for call in posts(jobbot))
    assert texts == ["1 running job", "Job 70100 orders_enrich: Running exception"]


async def test_a_mention_in_plain_words_answers_about_the_job_id_in_it(jobbot: Jobbot) -> None:
    """`@jobbot job 50320?` (bolt-python's own example wording): job 50320, not a name."""
    await mention(jobbot, app_mention_body("<@UBOT> job 50320?", event_id="Ev0PLAIN1"))
    long = "<@UBOT> can you check job_id=50320 for me, it has been lagging for an hour now"
    await mention(jobbot, app_mention_body(long, event_id="Ev0PLAIN2"))
    await wait_until(lambda: len(posts(jobbot)) == 2)
    texts = [call.params["text"] for call in posts(jobbot)]
    assert texts == ["Job 50320 my_job_001: Running"] * 2
    assert jobbot.fake_jobs.requests_to("list") == []


async def test_a_mention_without_a_job_id_is_still_read_as_a_name(jobbot: Jobbot) -> None:
    # `job 2 of 5` is a count, not an ID (as the shortcut reads it).
    await mention(jobbot, app_mention_body("<@UBOT> job 2 of 5", event_id="Ev0PLAIN3"))
    await wait_until(lambda: bool(posts(jobbot)))
    (post,) = posts(jobbot)
    assert post.params["text"] == ":mag: There is no job named `job 2 of 5`."
    assert len(jobbot.fake_jobs.requests_to("list")) == 1
