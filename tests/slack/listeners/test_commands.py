"""The slash command, end to end through jobbot's real HTTP server."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.conftest import Jobbot
from tests.fakes import FakeJobApi, command_body, wait_until
from tests.slack.listeners.conftest import StartJobbot
from tests.slack.listeners.support import add_job, all_text, buttons, hanging, no_backend


async def test_signed_command_is_acknowledged_and_the_card_arrives_at_response_url(
    jobbot: Jobbot,
) -> None:
    """`/job 50320`: 200 well inside Slack's 3 s, then the card at the response_url."""
    hook = jobbot.fake_slack.hook_url("cmd-1")
    started = time.monotonic()
    response = await jobbot.post(command_body("50320", hook))
    acked = time.monotonic() - started
    assert response.status_code == 200
    assert acked < 3.0
    await wait_until(lambda: bool(jobbot.fake_slack.posts_to("cmd-1")))
    delivered = jobbot.fake_slack.hooks[0].at - started
    card = jobbot.fake_slack.posts_to("cmd-1")[0]
    assert card["response_type"] == "ephemeral"
    assert card["text"] == "Job 50320 my_job_001: Running"
    assert card["blocks"][0]["type"] == "header"
    assert "my_job_001" in card["blocks"][0]["text"]["text"]
    request = jobbot.fake_jobs.requests[0]
    assert request.path == "/v1.0/5a3314075bfa49b9ae360f4ecd333695/job/50320"
    assert request.headers["X-Auth-Token"] == "iam-token-for-tests"
    print(f"ack {acked * 1000:.1f} ms, card at response_url {delivered * 1000:.1f} ms")


async def card_for(bot: Jobbot, text: str, hook: str) -> dict[str, Any]:
    """Run `/job <text>` and return the one message that arrives at the response_url."""
    response = await bot.post(command_body(text, bot.fake_slack.hook_url(hook)))
    assert response.status_code == 200
    await wait_until(lambda: bool(bot.fake_slack.posts_to(hook)))
    return bot.fake_slack.posts_to(hook)[0]


@pytest.mark.parametrize("text", ["show 50320", "SHOW 50320", "  show   50320  "])
async def test_show_subcommand_gives_the_same_card_as_the_bare_id(
    jobbot: Jobbot, text: str
) -> None:
    bare = await card_for(jobbot, "50320", "bare")
    show = await card_for(jobbot, text, "show")
    assert show == bare
    assert show["text"] == "Job 50320 my_job_001: Running"


@pytest.mark.parametrize("text", ["", "help", "  HELP  "])
async def test_empty_command_and_help_answer_usage_in_the_ack_itself(
    jobbot: Jobbot, text: str
) -> None:
    hook = jobbot.fake_slack.hook_url("help")
    response = await jobbot.post(command_body(text, hook))
    assert response.status_code == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert "/job 50320" in all_text(body)
    assert "/job help" in all_text(body)
    await jobbot.settled()
    assert jobbot.fake_jobs.requests == []
    assert jobbot.fake_slack.hooks == []


async def test_unknown_words_are_a_usage_error_quoting_what_was_typed(jobbot: Jobbot) -> None:
    response = await jobbot.post(command_body("help foo bar", jobbot.fake_slack.hook_url("typo")))
    assert response.status_code == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert "`/job help foo bar`" in body["blocks"][0]["text"]["text"]
    assert "/job help" in body["text"]
    await jobbot.settled()
    assert jobbot.fake_jobs.requests == []


def test_typed_text_goes_on_the_wire_as_slack_sends_it() -> None:
    """Slack entity-encodes `&`, `<`, `>` in `text`, then form-encodes the body."""
    body = command_body("<oops> & more", "https://hooks.example/1")
    assert "&text=%26lt%3Boops%26gt%3B+%26amp%3B+more&" in body


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        # What the user typed, and how the mrkdwn quoting it reads (Slack shows it as typed).
        # (`help` first: anything else that is not a command would be a job name.)
        ("help <oops> now", "`/job help &lt;oops&gt; now`"),
        ("help <!channel> now", "`/job help &lt;!channel&gt; now`"),
        (
            "help <@U0BOSS> <!subteam^S0OPS> x",
            "`/job help &lt;@U0BOSS&gt; &lt;!subteam^S0OPS&gt; x`",
        ),
        (
            "help <https://evil.example|click> me",
            "`/job help &lt;https://evil.example|click&gt; me`",
        ),
        ("help a & b", "`/job help a &amp; b`"),
        ("help &lt; is typed", "`/job help &amp;lt; is typed`"),
    ],
)
async def test_a_usage_error_quotes_exactly_what_was_typed_and_pings_no_one(
    jobbot: Jobbot, typed: str, shown: str
) -> None:
    response = await jobbot.post(command_body(typed, jobbot.fake_slack.hook_url("x")))
    body = response.json()
    assert shown in body["blocks"][0]["text"]["text"]
    assert shown in body["text"]
    everything = all_text(body)
    assert "&amp;lt;" not in everything.replace("&amp;lt; is typed", "")
    for live in ("<!", "<@", "<http"):
        assert live not in everything


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("plan <oops>", "`&lt;oops&gt;`"),
        ("plan <50320>", "`&lt;50320&gt;`"),
        ("plan 1&2", "`1&amp;2`"),
    ],
)
async def test_an_invalid_job_id_is_quoted_exactly_as_typed(
    jobbot: Jobbot, typed: str, shown: str
) -> None:
    response = await jobbot.post(command_body(typed, jobbot.fake_slack.hook_url("x")))
    text = response.json()["blocks"][0]["text"]["text"]
    assert text.startswith(f":thinking_face: {shown} is not a job ID")
    assert "&amp;lt;" not in text


@pytest.mark.parametrize("argument", ["0", "12345678901234567890", "plan abc", "plan 0"])
async def test_an_argument_that_is_not_a_job_id_is_answered_at_once(
    jobbot: Jobbot, argument: str
) -> None:
    response = await jobbot.post(command_body(argument, jobbot.fake_slack.hook_url("nan")))
    assert response.status_code == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    shown = argument.removeprefix("plan ")
    assert f"`{shown}` is not a job ID" in body["blocks"][0]["text"]["text"]
    await jobbot.settled()
    assert jobbot.fake_jobs.requests == []


async def test_a_job_that_does_not_exist_gets_an_ephemeral_not_found(jobbot: Jobbot) -> None:
    message = await card_for(jobbot, "99", "missing")
    assert message["response_type"] == "ephemeral"
    assert "`99` was not found" in message["blocks"][0]["text"]["text"]
    assert buttons(message) == []
    assert len(jobbot.fake_jobs.requests_for(99)) == 1


async def test_in_channel_visibility_shares_cards_but_keeps_errors_private(
    start_bot: StartJobbot,
) -> None:
    bot = await start_bot(JOBBOT_VISIBILITY="in_channel")
    card = await card_for(bot, "50320", "shared")
    assert card["response_type"] == "in_channel"
    assert card["text"] == "Job 50320 my_job_001: Running"

    missing = await card_for(bot, "99", "missing")
    assert missing["response_type"] == "ephemeral"

    bot.fake_jobs.faults[61000] = no_backend
    failing = await card_for(bot, "61000", "failing")
    assert failing["response_type"] == "ephemeral"

    for text in ("help", "0", "help foo bar", "list bogus running"):
        response = await bot.post(command_body(text, bot.fake_slack.hook_url("instant")))
        assert response.json()["response_type"] == "ephemeral"


async def test_job_api_unavailable_gives_an_ephemeral_error_with_try_again(
    jobbot: Jobbot,
) -> None:
    jobbot.fake_jobs.faults[50320] = no_backend
    hook = jobbot.fake_slack.hook_url("down")
    started = time.monotonic()
    response = await jobbot.post(command_body("50320", hook))
    assert response.status_code == 200
    assert time.monotonic() - started < 3.0
    await wait_until(lambda: bool(jobbot.fake_slack.posts_to("down")))
    message = jobbot.fake_slack.posts_to("down")[0]
    assert message["response_type"] == "ephemeral"
    assert "unavailable" in message["text"]
    assert "`r-1`" in message["blocks"][0]["text"]["text"]
    [retry] = buttons(message)
    assert retry["action_id"] == "job_refresh"
    assert retry["text"]["text"] == "Try again"
    assert json.loads(retry["value"]) == {"job_id": 50320}
    assert len(jobbot.fake_jobs.requests_for(50320)) >= 1


async def test_job_api_that_never_answers_times_out_with_try_again(
    start_bot: StartJobbot, fake_jobs: FakeJobApi
) -> None:
    bot = await start_bot(JOBBOT_TIMEOUT_S=0.5)
    with hanging() as handler:
        fake_jobs.faults[50320] = handler
        hook = bot.fake_slack.hook_url("slow")
        started = time.monotonic()
        response = await bot.post(command_body("50320", hook))
        acked = time.monotonic() - started
        assert response.status_code == 200
        assert acked < 0.5
        await wait_until(lambda: bool(bot.fake_slack.posts_to("slow")), timeout=3)
    answered = bot.fake_slack.hooks[0].at - started
    message = bot.fake_slack.posts_to("slow")[0]
    assert 0.5 <= answered < 1.5
    assert message["response_type"] == "ephemeral"
    assert "did not answer within 0.5 s" in message["text"]
    [retry] = buttons(message)
    assert retry["action_id"] == "job_refresh"
    assert json.loads(retry["value"]) == {"job_id": 50320}


async def test_ack_returns_before_a_slow_lookup_finishes(jobbot: Jobbot) -> None:
    jobbot.fake_jobs.latency_s = 1.0
    hook = jobbot.fake_slack.hook_url("latency")
    started = time.monotonic()
    response = await jobbot.post(command_body("50320", hook))
    acked = time.monotonic() - started
    assert response.status_code == 200
    assert acked < 0.5
    assert jobbot.fake_slack.hooks == []
    await wait_until(lambda: bool(jobbot.fake_slack.posts_to("latency")))
    assert jobbot.fake_slack.hooks[0].at - started >= 1.0
    assert jobbot.fake_slack.posts_to("latency")[0]["text"] == "Job 50320 my_job_001: Running"


async def test_a_job_named_like_a_mention_pings_no_one(jobbot: Jobbot) -> None:
    add_job(jobbot.fake_jobs, 66666, name="<!channel> & <@U0BOSS> <!here>")
    card = await card_for(jobbot, "66666", "mention")
    shown = all_text(card)
    for mention in ("<!channel>", "<@U0BOSS>", "<!here>"):
        assert mention not in shown
    assert "&lt;!channel&gt; &amp; &lt;@U0BOSS&gt;" in card["text"]


async def test_a_renamed_command_answers_under_its_own_name(start_bot: StartJobbot) -> None:
    bot = await start_bot(JOBBOT_COMMAND="/flink")
    hook = bot.fake_slack.hook_url("renamed")
    response = await bot.post(command_body("help", hook, command="/flink"))
    assert response.status_code == 200
    assert "/flink 50320" in response.json()["text"]
    response = await bot.post(command_body("50320", hook, command="/flink"))
    assert response.status_code == 200
    await wait_until(lambda: bool(bot.fake_slack.posts_to("renamed")))
    assert bot.fake_slack.posts_to("renamed")[0]["text"] == "Job 50320 my_job_001: Running"
