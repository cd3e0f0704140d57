"""The `job_refresh` button, end to end through jobbot's real HTTP server."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Jobbot
from tests.fakes import block_action_payload, command_body, interactive_body, wait_until
from tests.slack.listeners.conftest import StartJobbot
from tests.slack.listeners.support import all_text, buttons, no_backend

REFRESH = json.dumps({"job_id": 50320})


@pytest.fixture
async def bot(start_bot: StartJobbot) -> Jobbot:
    """jobbot without the lookup cache, so every click reaches the job API."""
    return await start_bot(JOBBOT_CACHE_TTL_S=0)


async def click(bot: Jobbot, value: str, hook: str, *, ephemeral: bool = True) -> dict[str, Any]:
    """Click a card's button and return the one message sent to the click's response_url."""
    payload = block_action_payload(value, bot.fake_slack.hook_url(hook), ephemeral=ephemeral)
    response = await bot.post(interactive_body(payload))
    assert response.status_code == 200
    await wait_until(lambda: bool(bot.fake_slack.posts_to(hook)))
    await bot.settled()  # every request has finished: nothing more may follow
    [message] = bot.fake_slack.posts_to(hook)
    return message


async def test_refresh_fetches_the_job_again_and_replaces_the_card(bot: Jobbot) -> None:
    await bot.post(command_body("50320", bot.fake_slack.hook_url("cmd")))
    await wait_until(lambda: bool(bot.fake_slack.posts_to("cmd")))
    card = bot.fake_slack.posts_to("cmd")[0]
    assert "Running" in card["blocks"][1]["text"]["text"]
    refresh, watch, plan, details, share = buttons(card)
    assert [b["action_id"] for b in (refresh, watch, plan, details, share)] == [
        "job_refresh",
        "job_watch",
        "job_plan",
        "job_more",
        "job_share",
    ]

    bot.fake_jobs.jobs[50320]["status"] = "job_running_exception"
    bot.fake_jobs.jobs[50320]["status_desc"] = "Checkpoint 4123 expired before completing."
    fresh = await click(bot, refresh["value"], "click")

    assert len(bot.fake_jobs.requests_for(50320)) == 2
    assert fresh["replace_original"] is True
    assert fresh["text"] == "Job 50320 my_job_001: Running exception"
    status_line = fresh["blocks"][1]["text"]["text"]
    assert ":red_circle: *Running exception*" in status_line
    assert "Checkpoint 4123 expired" in status_line
    assert buttons(fresh) == buttons(card)


async def test_try_again_on_an_error_replaces_it_with_the_card(bot: Jobbot) -> None:
    bot.fake_jobs.faults[50320] = no_backend
    await bot.post(command_body("50320", bot.fake_slack.hook_url("cmd")))
    await wait_until(lambda: bool(bot.fake_slack.posts_to("cmd")))
    [retry] = buttons(bot.fake_slack.posts_to("cmd")[0])

    del bot.fake_jobs.faults[50320]
    fresh = await click(bot, retry["value"], "retry", ephemeral=True)
    assert fresh["replace_original"] is True
    assert fresh["text"] == "Job 50320 my_job_001: Running"


async def test_failed_refresh_of_a_shared_card_leaves_it_and_tells_only_the_clicker(
    bot: Jobbot,
) -> None:
    bot.fake_jobs.faults[50320] = no_backend
    message = await click(bot, REFRESH, "shared", ephemeral=False)
    assert "replace_original" not in message
    assert message["response_type"] == "ephemeral"
    assert "unavailable" in message["text"]
    [retry] = buttons(message)
    assert json.loads(retry["value"]) == {"job_id": 50320}


async def test_failed_refresh_of_an_ephemeral_card_replaces_it_with_the_error(
    bot: Jobbot,
) -> None:
    bot.fake_jobs.jobs.pop(50320)
    message = await click(bot, REFRESH, "private", ephemeral=True)
    assert message["replace_original"] is True
    assert "`50320` was not found" in message["text"]


@pytest.mark.parametrize(
    "value",
    [
        "50320",
        "not json at all",
        '{"job_id": -1}',
        '{"job_id": 0}',
        '{"job_id": "50320; DROP TABLE jobs"}',
        '{"job_id": 10000000000000000000}',
        '{"job": 50320}',
        "",
    ],
)
async def test_a_tampered_button_value_gets_a_clear_answer_and_no_lookup(
    bot: Jobbot, value: str
) -> None:
    message = await click(bot, value, "tampered")
    assert message["response_type"] == "ephemeral"
    assert "replace_original" not in message
    assert "/job help" in message["text"]
    assert bot.fake_jobs.requests == []


async def test_a_tampered_value_is_escaped_when_quoted_back(bot: Jobbot) -> None:
    message = await click(bot, "<!channel> <@U0BOSS>", "mention")
    assert "<!channel>" not in all_text(message)
    assert "<@U0BOSS>" not in all_text(message)
    assert bot.fake_jobs.requests == []
