"""Finding a job by its name: `/job NAME`, the Show buttons, and names in alerts."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.blockkit import assert_no_unescaped_control, assert_valid_message
from tests.conftest import Jobbot
from tests.fakes import (
    FakeJobApi,
    block_action_payload,
    command_body,
    interactive_body,
    message_shortcut_payload,
    wait_until,
)
from tests.slack.listeners.conftest import StartJobbot
from tests.slack.listeners.support import all_text


async def ask(bot: Jobbot, text: str, hook: str) -> dict[str, Any]:
    response = await bot.post(command_body(text, bot.fake_slack.hook_url(hook)))
    assert response.status_code == 200
    await wait_until(lambda: bool(bot.fake_slack.posts_to(hook)))
    message = bot.fake_slack.posts_to(hook)[0]
    assert_valid_message(message)
    assert_no_unescaped_control(message)
    return message


def show_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        block["accessory"]
        for block in message["blocks"]
        if block.get("accessory", {}).get("action_id") == "job_show"
    ]


def list_requests(api: FakeJobApi) -> int:
    return len(api.requests_to("list"))


async def test_one_exact_match_gives_its_card_in_one_request(jobbot: Jobbot) -> None:
    api = jobbot.fake_jobs
    api.add_job(70001, name="orders_enrich")
    api.add_job(70002, name="orders_enrich_v2")
    api.add_job(70003, name="payments")
    card = await ask(jobbot, "orders_enrich", "one")
    assert card["text"] == "Job 70001 orders_enrich: Running"
    assert card["blocks"][0]["type"] == "header"
    assert len(api.requests) == 1
    (request,) = api.requests_to("list")
    assert request.query["name"] == "orders_enrich"
    assert request.query["show_detail"] == "true"


async def test_several_jobs_of_one_name_are_a_choice_with_show_buttons(jobbot: Jobbot) -> None:
    api = jobbot.fake_jobs
    for job_id in range(70010, 70013):
        api.add_job(job_id, name="etl")
    api.add_job(70013, name="etl_nightly")
    message = await ask(jobbot, "etl", "several")
    assert "3 jobs are named `etl`" in all_text(message)
    buttons = show_buttons(message)
    assert [b["value"] for b in buttons] == [
        '{"job_id":70012}',
        '{"job_id":70011}',
        '{"job_id":70010}',
    ]
    click = block_action_payload(
        buttons[1]["value"], jobbot.fake_slack.hook_url("show"), action_id="job_show"
    )
    assert (await jobbot.post(interactive_body(click))).status_code == 200
    await wait_until(lambda: bool(jobbot.fake_slack.posts_to("show")))
    card = jobbot.fake_slack.posts_to("show")[0]
    assert card["text"] == "Job 70011 etl: Running"
    assert "replace_original" not in card  # the list stays for the other choices


async def test_at_most_ten_choices(jobbot: Jobbot) -> None:
    jobbot.fake_jobs.add_jobs(15, first_id=71000, name=lambda job_id: "dup")
    message = await ask(jobbot, "dup", "many")
    assert "15 jobs are named `dup`" in all_text(message)
    assert len(show_buttons(message)) == 10


async def test_no_exact_match_names_the_closest(jobbot: Jobbot) -> None:
    api = jobbot.fake_jobs
    api.add_job(70020, name="orders_enrich_v2")
    api.add_job(70021, name="orders_archive_backfill")
    api.add_job(70022, name="orders_enrich_v3_canary")
    message = await ask(jobbot, "orders_enrich", "closest")
    text = all_text(message)
    assert "No job is named `orders_enrich`. The closest names:" in text
    names = [b["value"] for b in show_buttons(message)]
    # The API matches "contains"; of what it found, the most alike comes first.
    assert names == ['{"job_id":70020}', '{"job_id":70022}']


async def test_no_job_at_all(jobbot: Jobbot) -> None:
    message = await ask(jobbot, "nothing_like_it", "none")
    assert "There is no job named `nothing_like_it`." in all_text(message)
    assert show_buttons(message) == []
    assert list_requests(jobbot.fake_jobs) == 1


async def test_a_name_with_a_broadcast_in_it_pings_no_one(jobbot: Jobbot) -> None:
    jobbot.fake_jobs.add_job(70030, name="<!channel> alert")
    missing = await ask(jobbot, "<!channel>", "broadcast-none")
    assert "&lt;!channel&gt;" in all_text(missing)
    found = await ask(jobbot, "<!channel> alert", "broadcast-one")
    assert found["text"] == "Job 70030 &lt;!channel&gt; alert: Running"


@pytest.mark.parametrize("service", ["cs", "dli"])
async def test_a_name_longer_than_the_apis_take_is_a_usage_error_asking_nothing(
    start_bot: StartJobbot, service: str
) -> None:
    bot = await start_bot(JOBBOT_API=service)
    bot.fake_jobs.service = service
    response = await bot.post(command_body("x" * 200, bot.fake_slack.hook_url("long")))
    body = response.json()
    assert_valid_message(body)
    text = body["blocks"][0]["text"]["text"]
    assert "is not a job ID or name: job names have at most 57 characters" in text
    assert "… (cut)" in text
    assert body["text"] == text
    # Both APIs refuse names over 57 characters: neither is asked.
    await asyncio.sleep(0.2)
    assert bot.fake_jobs.requests == []


async def test_a_57_character_name_is_looked_up(jobbot: Jobbot) -> None:
    message = await ask(jobbot, "x" * 57, "57")
    assert f"There is no job named `{'x' * 57}`." in all_text(message)
    assert list_requests(jobbot.fake_jobs) == 1


async def test_a_name_lookup_is_cached_and_shared(jobbot: Jobbot) -> None:
    jobbot.fake_jobs.add_job(70040, name="shared_job")
    jobbot.fake_jobs.latency_s = 0.2
    bodies = [command_body("shared_job", jobbot.fake_slack.hook_url(f"s{n}")) for n in range(5)]
    await asyncio.gather(*(jobbot.post(body) for body in bodies))
    await wait_until(lambda: all(jobbot.fake_slack.posts_to(f"s{n}") for n in range(5)))
    assert list_requests(jobbot.fake_jobs) == 1


async def test_the_shortcut_finds_a_job_named_in_an_alert(jobbot: Jobbot) -> None:
    jobbot.fake_jobs.add_job(70050, name="orders_enrich")
    payload = message_shortcut_payload(
        'FIRING: Flink job "orders_enrich" restarted 3 times', jobbot.fake_slack.hook_url("sc")
    )
    assert (await jobbot.post(interactive_body(payload))).status_code == 200
    await wait_until(lambda: bool(jobbot.fake_slack.calls_to("chat.postMessage")))
    (post,) = jobbot.fake_slack.calls_to("chat.postMessage")
    assert post.params["text"] == "Job 70050 orders_enrich: Running"
    assert post.params["thread_ts"] == payload["message"]["ts"]
