"""The `job_more` button (Details) and its pages, end to end through jobbot's real server."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from tests.blockkit import assert_no_unescaped_control, assert_valid_view
from tests.conftest import Jobbot
from tests.fakes import (
    block_action_payload,
    interactive_body,
    view_action_payload,
    wait_until,
)
from tests.slack.listeners.conftest import StartJobbot
from tests.slack.listeners.support import Audits, add_job

VALUE = json.dumps({"job_id": 50320})


@pytest.fixture
def audits(caplog: pytest.LogCaptureFixture) -> Audits:
    return Audits(caplog)


@pytest.fixture
async def bot(start_bot: StartJobbot) -> Jobbot:
    return await start_bot(JOBBOT_CACHE_TTL_S=0, JOBBOT_TIMEOUT_S=5)


async def click_details(bot: Jobbot, value: str = VALUE, hook: str = "more") -> float:
    """Click Details on a card; return when the click was sent."""
    payload = block_action_payload(
        value,
        bot.fake_slack.hook_url(hook),
        action_id="job_more",
        trigger_id=bot.fake_slack.trigger(),
    )
    sent = time.monotonic()
    response = await bot.post(interactive_body(payload))
    assert response.status_code == 200
    return sent


async def views_after(bot: Jobbot, count: int) -> list[tuple[str, dict[str, Any]]]:
    await wait_until(lambda: len(bot.fake_slack.view_calls()) >= count)
    await asyncio.sleep(0.05)
    calls = bot.fake_slack.view_calls()
    for _, view in calls:
        assert_valid_view(view)
        assert_no_unescaped_control(view)
    return calls


async def test_details_open_at_once_while_the_job_api_is_slow(bot: Jobbot, audits: Audits) -> None:
    bot.fake_jobs.latency_s = 2.0
    sent = await click_details(bot)
    await wait_until(lambda: bool(bot.fake_slack.calls_to("views.open")), timeout=2.5)
    [opened] = bot.fake_slack.calls_to("views.open")
    # The modal is open well inside the trigger_id's 3 s, before the job API answers.
    assert opened.at - sent < 1.0
    [(_, loading)] = await views_after(bot, 1)
    assert "Fetching the details of job `50320`" in json.dumps(loading)
    [_, (method, details)] = await views_after(bot, 2)
    assert method == "views.update"
    [update] = bot.fake_slack.calls_to("views.update")
    assert update.params["view_id"] == bot.fake_slack.views[update.params["view_id"]]["id"]
    assert update.at - sent >= 2.0
    text = json.dumps(details)
    assert "my_job_001" in text
    assert "Configuration" in text
    assert details["title"]["text"] == "Job 50320"
    # The execution plan, fetched alongside the job, is summarised.
    assert "Execution plan" in text
    assert "*Operators*" in text
    await audits.settled(1)


async def test_pages_turn_in_place_with_next_and_previous(bot: Jobbot, audits: Audits) -> None:
    job = add_job(bot.fake_jobs, 61000, name="long_sql")
    job.update(job_type="flink_sql_job", jar_url="", main_class="", args="")
    lines = (f"INSERT INTO t{n} SELECT a, b FROM s{n};" for n in range(2000))  # noqa: S608
    job["sql_body"] = "\n".join(lines)
    await click_details(bot, json.dumps({"job_id": 61000}))
    [_, (_, first)] = await views_after(bot, 2)
    assert "Page 1 of" in json.dumps(first)
    view_id = bot.fake_slack.calls_to("views.update")[0].params["view_id"]
    held = bot.fake_slack.views[view_id]
    [next_button] = [e for b in first["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert next_button["action_id"] == "job_more_next"

    payload = view_action_payload(
        next_button["value"], "job_more_next", held, trigger_id=bot.fake_slack.trigger()
    )
    assert (await bot.post(interactive_body(payload))).status_code == 200
    [*_, (method, second)] = await views_after(bot, 3)
    assert method == "views.update"
    assert "Page 2 of" in json.dumps(second)
    assert bot.fake_slack.calls_to("views.update")[1].params["hash"] == held["hash"]
    assert "INSERT INTO t" in json.dumps(second)
    assert {
        e["action_id"] for b in second["blocks"] if b["type"] == "actions" for e in b["elements"]
    } >= {"job_more_previous"}
    await audits.settled(2)


async def test_a_job_that_is_gone_shows_why_in_the_modal(bot: Jobbot, audits: Audits) -> None:
    await click_details(bot, json.dumps({"job_id": 777}))
    [_, (_, shown)] = await views_after(bot, 2)
    assert "`777` was not found" in json.dumps(shown)
    assert "job_refresh" not in json.dumps(shown)
    await audits.settled(1)


async def test_a_forged_value_opens_nothing_and_says_so(bot: Jobbot, audits: Audits) -> None:
    await click_details(bot, "<!channel>")
    await wait_until(lambda: bool(bot.fake_slack.posts_to("more")))
    [note] = bot.fake_slack.posts_to("more")
    assert "does not say which job to show" in note["text"]
    assert bot.fake_slack.view_calls() == []
    assert bot.fake_jobs.requests == []
    await audits.settled(1)


async def test_an_expired_trigger_costs_no_job_api_request(bot: Jobbot, audits: Audits) -> None:
    payload = block_action_payload(VALUE, bot.fake_slack.hook_url("late"), action_id="job_more")
    assert (await bot.post(interactive_body(payload))).status_code == 200
    await wait_until(lambda: bool(bot.fake_slack.calls_to("views.open")))
    await bot.settled()
    assert bot.fake_slack.calls_to("views.update") == []
    assert bot.fake_jobs.requests == []
    await audits.settled(1)


async def test_no_credential_reaches_the_modal(bot: Jobbot, audits: Audits) -> None:
    job = add_job(bot.fake_jobs, 62000, name="<!channel> exporter")
    job["args"] = "--db jdbc:mysql://etl:hunter2@db/shop --password hunter2 --sk SKSECRET9"
    job["job_config"]["runtime_config"] = [{"key": "fs.obs.access.key", "value": "AKSECRET7"}]
    job["job_config"]["checkpoint_path"] = "obs://etl:hunter2@bucket/checkpoints"
    await click_details(bot, json.dumps({"job_id": 62000}))
    [_, (_, shown)] = await views_after(bot, 2)
    text = json.dumps(bot.fake_slack.view_calls())
    for secret in ("hunter2", "SKSECRET9", "AKSECRET7"):
        assert secret not in text
    assert "&lt;!channel&gt; exporter" in json.dumps(shown)
    assert "obs://etl:***@bucket/checkpoints" in json.dumps(shown)
    await audits.settled(1)
