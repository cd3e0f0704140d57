"""The lookup window (`job_lookup`), end to end through jobbot's real server and fake Slack."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
from aiohttp import web

from bot.store import watches
from tests.blockkit import assert_no_unescaped_control, assert_valid_view
from tests.conftest import Jobbot
from tests.fakes import (
    global_shortcut_payload,
    interactive_body,
    view_action_payload,
    view_submission_payload,
    wait_until,
)
from tests.slack.listeners.conftest import StartJobbot
from tests.slack.listeners.support import Audits, blocks_of

CHANNEL = "C0INCIDENT"


@pytest.fixture
def audits(caplog: pytest.LogCaptureFixture) -> Audits:
    return Audits(caplog)


@pytest.fixture
async def bot(start_bot: StartJobbot) -> Jobbot:
    return await start_bot(JOBBOT_CACHE_TTL_S=0, JOBBOT_TIMEOUT_S=5)


async def open_window(bot: Jobbot) -> dict[str, Any]:
    """Run the global shortcut; return the window as the fake Slack holds it."""
    payload = global_shortcut_payload(trigger_id=bot.fake_slack.trigger())
    assert (await bot.post(interactive_body(payload))).status_code == 200
    await wait_until(lambda: bool(bot.fake_slack.calls_to("views.open")))
    [(_, view)] = bot.fake_slack.view_calls()
    assert_valid_view(view)
    return next(iter(bot.fake_slack.views.values()))


def typed(text: str) -> dict[str, Any]:
    return {"job_lookup_input": {"job_lookup_query": {"type": "plain_text_input", "value": text}}}


async def submit(bot: Jobbot, window: dict[str, Any], text: str) -> httpx.Response:
    body = interactive_body(view_submission_payload(window, typed(text)))
    response = await bot.post(body)
    assert response.status_code == 200
    return response


async def test_the_shortcut_opens_the_window_without_asking_the_job_api(
    bot: Jobbot, audits: Audits
) -> None:
    window = await open_window(bot)
    assert window["callback_id"] == "job_lookup_view"
    assert window["title"]["text"] == "Look up a job"
    [block] = [b for b in window["blocks"] if b["type"] == "input"]
    assert block["block_id"] == "job_lookup_input"
    # One project: no project picker, and no `project:` in the examples.
    assert "static_select" not in json.dumps(window)
    assert "For example `50320` or `my_job_001`." in json.dumps(window)
    assert bot.fake_jobs.requests == []
    await audits.settled(1)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "not a job ID or name"),
        ("   ", "not a job ID or name"),
        ("<!channel>", "not a job ID or name"),
        ("50320; DROP TABLE jobs", "not a job ID or name"),
        ("x" * 300, "not a job ID or name"),
        ("0", "not a job ID or name"),
        ("#0", "not a job ID or name"),
        ("my job", "not a job ID or name"),
        ("prod:", "not a job ID or name"),
        # One project: a prefix names no project (the same reading as `/job prod:50320`).
        (
            "prod:50320",
            "There is no project prod: this jobbot has one project, "
            "so type the job's ID or name alone.",
        ),
    ],
)
async def test_junk_gets_an_inline_error_and_costs_no_lookup(
    bot: Jobbot, audits: Audits, text: str, error: str
) -> None:
    window = await open_window(bot)
    answer = (await submit(bot, window, text)).json()
    assert answer["response_action"] == "errors"
    assert error in answer["errors"]["job_lookup_input"]
    assert bot.fake_jobs.requests == []
    await audits.settled(2)


async def test_a_job_that_does_not_exist_is_an_inline_error(bot: Jobbot, audits: Audits) -> None:
    window = await open_window(bot)
    answer = (await submit(bot, window, "777")).json()
    assert answer == {
        "response_action": "errors",
        "errors": {"job_lookup_input": answer["errors"]["job_lookup_input"]},
    }
    assert "No such job" in answer["errors"]["job_lookup_input"]
    await audits.settled(2)


async def test_a_job_shows_its_card_in_the_window(bot: Jobbot, audits: Audits) -> None:
    window = await open_window(bot)
    answer = (await submit(bot, window, " 50320 ")).json()
    assert answer["response_action"] == "update"
    shown = answer["view"]
    assert_valid_view(shown)
    assert_no_unescaped_control(shown)
    text = json.dumps(shown)
    assert "my_job_001" in text
    assert "Running" in text
    elements = [e for b in shown["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [e["action_id"] for e in elements] == [
        "job_lookup_channel",
        "job_share",
        "job_lookup_watch",
        "job_more",
    ]
    assert json.loads(elements[1]["value"]) == {"job_id": 50320}
    # What was typed stays in the input, to look up another job from here.
    [block] = [b for b in shown["blocks"] if b["type"] == "input"]
    assert block["element"]["initial_value"] == " 50320 "
    await audits.settled(2)


def window_buttons(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        e["action_id"]: e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
    }


async def test_a_name_shows_its_card_in_the_window_from_one_list_request(
    bot: Jobbot, audits: Audits
) -> None:
    window = await open_window(bot)
    answer = (await submit(bot, window, "my_job_001")).json()
    assert answer["response_action"] == "update"
    shown = answer["view"]
    assert_valid_view(shown)
    assert_no_unescaped_control(shown)
    assert "Running" in json.dumps(shown)
    assert "Job ID" in json.dumps(shown)
    # The list answers with whole jobs: the card needs no second request.
    [request] = bot.fake_jobs.requests
    assert request.query["name"] == "my_job_001"
    assert json.loads(window_buttons(shown)["job_share"]["value"]) == {"job_id": 50320}
    await audits.settled(2)


@pytest.mark.parametrize(
    ("names", "typed", "error"),
    [
        (
            ["orders_enrich", "orders_enrich_v2", "payments"],
            "orders",
            "No job is named orders. The closest names: orders_enrich, orders_enrich_v2.",
        ),
        (["payments"], "orders", "No job is named orders."),
        (
            ["etl", "etl", "etl", "etl_nightly"],
            "etl",
            "3 jobs are named etl: type the ID of the one you mean (70002, 70001, 70000).",
        ),
        (
            ["etl"] * 7,
            "etl",
            "7 jobs are named etl: type the ID of the one you mean "
            "(70006, 70005, 70004, 70003, 70002 and 2 more).",
        ),
    ],
)
async def test_a_name_that_is_not_one_jobs_is_an_inline_error(
    bot: Jobbot, audits: Audits, names: list[str], typed: str, error: str
) -> None:
    for n, name in enumerate(names):
        bot.fake_jobs.add_job(70000 + n, name=name)
    window = await open_window(bot)
    answer = (await submit(bot, window, typed)).json()
    assert answer == {"response_action": "errors", "errors": {"job_lookup_input": error}}
    assert len(bot.fake_jobs.requests_to("list")) == 1
    assert bot.fake_jobs.requests_to("job") == []
    await audits.settled(2)


async def test_a_failing_job_list_is_said_in_the_window(bot: Jobbot, audits: Audits) -> None:
    async def forbidden(request: web.Request) -> web.StreamResponse:
        body = {"error_code": "APIG.0302", "error_msg": "The IAM user is not authorized."}
        return web.json_response(body, status=403)

    bot.fake_jobs.list_fault = forbidden
    window = await open_window(bot)
    answer = (await submit(bot, window, "my_job_001")).json()
    assert answer["response_action"] == "update"
    assert_valid_view(answer["view"])
    text = json.dumps(answer["view"])
    assert "would not let jobbot read the job list" in text
    assert "job_share" not in text
    await audits.settled(2)


async def test_a_slow_job_api_gets_a_loading_window_then_the_card(
    bot: Jobbot, audits: Audits
) -> None:
    window = await open_window(bot)
    bot.fake_jobs.latency_s = 2.0
    sent = time.monotonic()
    answer = (await submit(bot, window, "50320")).json()
    acked = time.monotonic() - sent
    # Acknowledged within Slack's 3 s, with the loading window, before the job API answered.
    assert acked < 2.0
    assert answer["response_action"] == "update"
    assert "Looking up job `50320`" in json.dumps(answer["view"])
    assert_valid_view(answer["view"])
    await wait_until(lambda: bool(bot.fake_slack.calls_to("views.update")), timeout=3)
    [update] = bot.fake_slack.calls_to("views.update")
    assert update.params["view_id"] == window["id"]
    [(_, shown)] = [c for c in bot.fake_slack.view_calls() if c[0] == "views.update"]
    assert_valid_view(shown)
    assert "my_job_001" in json.dumps(shown)
    await audits.settled(2)


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("my_job_001", '"action_id": "job_share"'),
        (
            "etl",
            "3 jobs are named `etl`: type the ID of the one you mean (`70002`, `70001`, `70000`).",
        ),
        ("nothing_like_it", "No job is named `nothing_like_it`."),
    ],
)
async def test_a_slow_name_lookup_gets_a_loading_window_then_its_answer(
    bot: Jobbot, audits: Audits, typed: str, said: str
) -> None:
    bot.fake_jobs.add_jobs(3, first_id=70000, name=lambda _: "etl")
    window = await open_window(bot)
    bot.fake_jobs.latency_s = 2.0
    sent = time.monotonic()
    answer = (await submit(bot, window, typed)).json()
    assert time.monotonic() - sent < 2.0
    assert answer["response_action"] == "update"
    assert f"Looking up jobs named `{typed}`" in json.dumps(answer["view"])
    assert_valid_view(answer["view"])
    await audits.settled(2)
    [(_, shown)] = [c for c in bot.fake_slack.view_calls() if c[0] == "views.update"]
    assert_valid_view(shown)
    assert_no_unescaped_control(shown)
    assert said in json.dumps(shown)
    [block] = [b for b in shown["blocks"] if b["type"] == "input"]
    assert block["element"]["initial_value"] == typed
    assert len(bot.fake_jobs.requests) == 1


async def shown_card(bot: Jobbot) -> dict[str, Any]:
    """Open the window, look up 50320; return the window with the card as Slack holds it."""
    window = await open_window(bot)
    answer = (await submit(bot, window, "50320")).json()
    return bot.fake_slack.acked_view(window["id"], answer["view"])


async def click_share(bot: Jobbot, window: dict[str, Any], channel: str | None) -> None:
    state: dict[str, Any] = {}
    if channel:
        state = {
            "job_lookup_share": {
                "job_lookup_channel": {
                    "type": "conversations_select",
                    "selected_conversation": channel,
                }
            }
        }
    value = json.dumps({"job_id": 50320})
    payload = view_action_payload(
        value, "job_share", window, trigger_id=bot.fake_slack.trigger(), state=state
    )
    assert (await bot.post(interactive_body(payload))).status_code == 200


async def window_after_share(bot: Jobbot, audits: Audits) -> dict[str, Any]:
    await audits.settled(3)
    [(_, shown)] = [c for c in bot.fake_slack.view_calls() if c[0] == "views.update"]
    assert_valid_view(shown)
    return shown


async def test_share_from_the_window_posts_in_the_chosen_channel(
    bot: Jobbot, audits: Audits
) -> None:
    window = await shown_card(bot)
    await click_share(bot, window, CHANNEL)
    shown = await window_after_share(bot, audits)
    [post] = [c.params for c in bot.fake_slack.calls_to("chat.postMessage")]
    assert post["channel"] == CHANNEL
    assert "Shared by <@U0USER>" in json.dumps(blocks_of(post))
    [update] = bot.fake_slack.calls_to("views.update")
    assert update.params["hash"] == window["hash"]
    text = json.dumps(shown)
    assert f"Shared in <#{CHANNEL}>" in text
    assert "my_job_001" in text  # the card stays in the window
    [select] = [e for b in shown["blocks"] if b["type"] == "actions" for e in b["elements"]][:1]
    assert select["initial_conversation"] == CHANNEL


async def test_share_without_a_channel_asks_for_one(bot: Jobbot, audits: Audits) -> None:
    window = await shown_card(bot)
    await click_share(bot, window, None)
    shown = await window_after_share(bot, audits)
    assert "Choose a channel" in json.dumps(shown)
    assert bot.fake_slack.calls_to("chat.postMessage") == []


async def test_share_where_jobbot_is_not_gives_the_invite_hint(bot: Jobbot, audits: Audits) -> None:
    bot.fake_slack.refuse["C0OTHER"] = "not_in_channel"
    window = await shown_card(bot)
    await click_share(bot, window, "C0OTHER")
    shown = await window_after_share(bot, audits)
    assert "/invite @jobbot" in json.dumps(shown)
    assert "couldn't share" in json.dumps(shown)


async def test_share_into_a_channel_jobbot_is_not_enabled_in_posts_nothing(
    start_bot: StartJobbot, audits: Audits
) -> None:
    bot = await start_bot(JOBBOT_ALLOWED_CHANNELS=CHANNEL)
    window = await shown_card(bot)
    await click_share(bot, window, "C0ELSEWHERE")
    shown = await window_after_share(bot, audits)
    assert "not enabled in <#C0ELSEWHERE>" in json.dumps(shown)
    assert bot.fake_slack.calls_to("chat.postMessage") == []
    await asyncio.sleep(0)


async def test_a_slow_lookup_of_a_missing_job_says_so_in_the_window(
    bot: Jobbot, audits: Audits
) -> None:
    window = await open_window(bot)
    bot.fake_jobs.latency_s = 2.0
    answer = (await submit(bot, window, "777")).json()
    assert answer["response_action"] == "update"
    await audits.settled(2)
    [(_, shown)] = [c for c in bot.fake_slack.view_calls() if c[0] == "views.update"]
    assert_valid_view(shown)
    assert "No such job" in json.dumps(shown)
    [block] = [b for b in shown["blocks"] if b["type"] == "input"]
    assert block["element"]["initial_value"] == "777"


async def test_details_from_the_window_opens_on_top_of_it(bot: Jobbot, audits: Audits) -> None:
    window = await shown_card(bot)
    payload = view_action_payload(
        json.dumps({"job_id": 50320}), "job_more", window, trigger_id=bot.fake_slack.trigger()
    )
    assert (await bot.post(interactive_body(payload))).status_code == 200
    await audits.settled(3)
    assert len(bot.fake_slack.calls_to("views.push")) == 1
    [(_, details)] = [c for c in bot.fake_slack.view_calls() if c[0] == "views.update"]
    assert_valid_view(details)
    assert details["callback_id"] == "job_more_view"


async def test_share_of_a_job_that_is_gone_says_why_and_posts_nothing(
    bot: Jobbot, audits: Audits
) -> None:
    window = await shown_card(bot)
    del bot.fake_jobs.jobs[50320]
    await click_share(bot, window, CHANNEL)
    shown = await window_after_share(bot, audits)
    assert "`50320` was not found" in json.dumps(shown)
    assert bot.fake_slack.calls_to("chat.postMessage") == []


async def test_watch_from_the_window_starts_a_watch_in_the_chosen_channel(
    bot: Jobbot, audits: Audits
) -> None:
    window = await shown_card(bot)
    state = {
        "job_lookup_share": {
            "job_lookup_channel": {"type": "conversations_select", "selected_conversation": CHANNEL}
        }
    }
    payload = view_action_payload(
        json.dumps({"job_id": 50320}),
        "job_lookup_watch",
        window,
        trigger_id=bot.fake_slack.trigger(),
        state=state,
    )
    assert (await bot.post(interactive_body(payload))).status_code == 200
    shown = await window_after_share(bot, audits)
    # The watch's parent card is posted in the channel for everyone, and the window says so.
    posts = [c.params for c in bot.fake_slack.calls_to("chat.postMessage")]
    assert [p["channel"] for p in posts] == [CHANNEL]
    assert "my_job_001" in json.dumps(shown)
    async with bot.runtime.db.begin() as conn:
        assert await watches.live_watch(conn, "", 50320, CHANNEL) is not None


async def test_watch_without_a_channel_asks_for_one(bot: Jobbot, audits: Audits) -> None:
    window = await shown_card(bot)
    payload = view_action_payload(
        json.dumps({"job_id": 50320}),
        "job_lookup_watch",
        window,
        trigger_id=bot.fake_slack.trigger(),
    )
    assert (await bot.post(interactive_body(payload))).status_code == 200
    shown = await window_after_share(bot, audits)
    assert "Choose a channel to watch" in json.dumps(shown)
    assert bot.fake_slack.calls_to("chat.postMessage") == []
