"""`/job plan ID` and the card's Plan button, for CS and DLI, cut safely when huge."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.blockkit import assert_no_unescaped_control, assert_valid_message
from tests.conftest import Jobbot
from tests.fakes import block_action_payload, command_body, interactive_body, wait_until
from tests.slack.listeners.conftest import StartJobbot
from tests.slack.listeners.support import all_text, buttons


async def plan_of(bot: Jobbot, text: str, hook: str) -> dict[str, Any]:
    response = await bot.post(command_body(text, bot.fake_slack.hook_url(hook)))
    assert response.status_code == 200
    await wait_until(lambda: bool(bot.fake_slack.posts_to(hook)))
    message = bot.fake_slack.posts_to(hook)[0]
    assert_valid_message(message)
    assert_no_unescaped_control(message)
    return message


async def test_a_cs_plan_is_an_outline_of_its_operators(jobbot: Jobbot) -> None:
    jobbot.fake_jobs.add_job(50321, name="orders_enrich", parallel_number=4)
    message = await plan_of(jobbot, "plan 50321", "cs")
    assert message["blocks"][0]["text"]["text"] == "Execution plan of job 50321"
    text = all_text(message)
    assert "3 operators, in plan order" in text
    assert "*1. Source: orders_enrich_input*" in text
    assert "*2. Map* · Operator · parallelism 4 · from `1`" in text
    assert "*3. Sink: orders_enrich_out*" in text
    (request,) = jobbot.fake_jobs.requests
    assert request.path.endswith("/job/50321/execute_graph")


async def test_a_dli_plan_shows_the_flink_job_state(start_bot: StartJobbot) -> None:
    bot = await start_bot(JOBBOT_API="dli")
    bot.fake_jobs.service = "dli"
    bot.fake_jobs.add_job(104, name="jptest")
    message = await plan_of(bot, "plan 104", "dli")
    text = all_text(message)
    assert "*State* RUNNING" in text
    assert "*Flink job ID* `00000000000000000000000000000068`" in text
    assert "*Duration* 8 min 36 s" in text
    (request,) = bot.fake_jobs.requests
    assert request.path.endswith("/streaming/jobs/104/execute-graph")


async def test_the_plan_button_on_a_card(jobbot: Jobbot) -> None:
    card = await plan_of(jobbot, "50320", "card")
    (plan_button,) = [b for b in buttons(card) if b["action_id"] == "job_plan"]
    payload = block_action_payload(
        plan_button["value"], jobbot.fake_slack.hook_url("plan"), action_id="job_plan"
    )
    assert (await jobbot.post(interactive_body(payload))).status_code == 200
    await wait_until(lambda: bool(jobbot.fake_slack.posts_to("plan")))
    plan = jobbot.fake_slack.posts_to("plan")[0]
    assert plan["text"] == "Execution plan of job 50320"
    assert "replace_original" not in plan  # the card stays
    assert_valid_message(plan)


async def test_a_plan_too_large_for_one_message_is_cut_with_a_marker(jobbot: Jobbot) -> None:
    nodes = [
        {
            "id": n,
            "type": "Calc",
            "pact": "Operator",
            "contents": f"<!channel> & {n} Calc(select=[{'x' * 300}])",
            "parallelism": 8,
            "predecessors": [{"id": n - 1}] if n > 1 else [],
        }
        for n in range(1, 1201)
    ]
    jobbot.fake_jobs.plans[50320] = {"execute_plan_items": json.dumps({"nodes": nodes})}
    message = await plan_of(jobbot, "plan 50320", "huge")
    assert len(message["blocks"]) <= 50
    text = all_text(message)
    assert "more operators cut to fit one Slack message" in text
    assert "1000 operators, in plan order" in text  # the model keeps at most 1000 steps
    assert "&lt;!channel&gt; &amp;" in text


async def test_a_plan_that_is_not_json_is_shown_as_text(jobbot: Jobbot) -> None:
    jobbot.fake_jobs.plans[50320] = {"execute_plan_items": "Source -> Map -> Sink ```"}
    message = await plan_of(jobbot, "plan 50320", "raw")
    assert "```Source -&gt; Map -&gt; Sink" in all_text(message)


async def test_an_empty_plan_says_so(jobbot: Jobbot) -> None:
    jobbot.fake_jobs.plans[50320] = {"execute_plan_items": ""}
    message = await plan_of(jobbot, "plan 50320", "empty")
    assert "has no execution plan for job `50320`" in all_text(message)


@pytest.mark.parametrize("text", ["plan 99", "plan #99"])
async def test_the_plan_of_a_missing_job(jobbot: Jobbot, text: str) -> None:
    message = await plan_of(jobbot, text, "missing")
    assert "Job `99` was not found" in all_text(message)
