"""`/job list`: status words, paging in place, an empty list, one request a page (a status)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.usecases.requests import STATUS_WORDS
from tests.blockkit import assert_no_unescaped_control, assert_valid_message
from tests.conftest import Jobbot
from tests.fakes import block_action_payload, command_body, interactive_body, wait_until
from tests.slack.listeners.support import all_text

LINE = re.compile(r"\*(?P<name>[^*]+)\* `(?P<id>\d+)` · (?P<status>[^<\n]+?)(?: since <!date|\n|$)")


async def listed(bot: Jobbot, text: str, hook: str) -> dict[str, Any]:
    response = await bot.post(command_body(text, bot.fake_slack.hook_url(hook)))
    assert response.status_code == 200
    if response.content:
        return dict(response.json())
    await wait_until(lambda: bool(bot.fake_slack.posts_to(hook)))
    return check(bot.fake_slack.posts_to(hook)[0])


def check(message: dict[str, Any]) -> dict[str, Any]:
    assert_valid_message(message)
    assert_no_unescaped_control(message)
    return message


def rows(message: dict[str, Any]) -> list[tuple[str, int, str]]:
    text = "\n".join(
        b["text"]["text"] for b in message["blocks"] if b["type"] == "section" and "text" in b
    )
    return [(m["name"], int(m["id"]), m["status"].strip()) for m in LINE.finditer(text)]


def summary(message: dict[str, Any]) -> str:
    return str(message["blocks"][0]["text"]["text"])


def page_button(message: dict[str, Any], label: str) -> dict[str, Any] | None:
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == "job_list_page" and element["text"]["text"] == label:
                return dict(element)
    return None


async def click(bot: Jobbot, button: dict[str, Any], hook: str) -> dict[str, Any]:
    payload = block_action_payload(
        button["value"], bot.fake_slack.hook_url(hook), action_id="job_list_page"
    )
    assert (await bot.post(interactive_body(payload))).status_code == 200
    await wait_until(lambda: bool(bot.fake_slack.posts_to(hook)))
    return check(bot.fake_slack.posts_to(hook)[-1])


def statuses_by_id(job_id: int) -> str:
    every = [s for group in STATUS_WORDS.values() for s in group]
    return every[job_id % len(every)]


async def test_a_list_shows_one_line_per_job_newest_first(jobbot: Jobbot) -> None:
    del jobbot.fake_jobs.jobs[50320]
    jobbot.fake_jobs.add_jobs(3, first_id=100)
    jobbot.fake_jobs.set_status(101, "job_running_exception")
    message = await listed(jobbot, "list", "l")
    assert summary(message) == "*3 jobs*"
    assert rows(message) == [
        ("job_102", 102, "Running"),
        ("job_101", 101, "Running exception"),
        ("job_100", 100, "Running"),
    ]
    text = all_text(message)
    assert ":red_circle: *job_101*" in text
    assert "since <!date^" in text
    assert page_button(message, "Next") is None
    assert page_button(message, "Previous") is None


@pytest.mark.parametrize("word", list(STATUS_WORDS))
async def test_every_status_word(jobbot: Jobbot, word: str) -> None:
    api = jobbot.fake_jobs
    del api.jobs[50320]
    api.add_jobs(28, first_id=200, status=statuses_by_id)
    message = await listed(jobbot, f"list {word.upper()}", f"w-{word}")
    wanted = STATUS_WORDS[word]
    expected = sorted((j for j in range(200, 228) if statuses_by_id(j) in wanted), reverse=True)
    assert [job_id for _, job_id, _ in rows(message)] == expected
    requests = api.requests_to("list")
    # One request per API status, 20 jobs each; the totals add up.
    assert sorted(r.query["status"] for r in requests) == sorted(wanted)
    assert {r.query["limit"] for r in requests} == {"20"}
    assert summary(message) == f"*{len(expected)} {word} jobs*"


async def test_several_words_and_a_name(jobbot: Jobbot) -> None:
    api = jobbot.fake_jobs
    api.add_job(300, name="orders_a", status="job_running")
    api.add_job(301, name="orders_b", status="job_finish")
    api.add_job(302, name="billing", status="job_running")
    api.add_job(303, name="orders_c", status="job_init")
    message = await listed(jobbot, "list running finished orders", "mixed")
    assert [job_id for _, job_id, _ in rows(message)] == [301, 300]
    requests = api.requests_to("list")
    assert sorted(r.query["status"] for r in requests) == ["job_finish", "job_running"]
    assert {r.query["name"] for r in requests} == {"orders"}


async def test_paging_forward_and_back_replaces_the_list_in_place(jobbot: Jobbot) -> None:
    api = jobbot.fake_jobs
    del api.jobs[50320]
    api.add_jobs(45, first_id=1000)
    first = await listed(jobbot, "list", "p1")
    assert summary(first) == "*20 of 45 jobs*"
    assert rows(first)[0][1] == 1044
    assert page_button(first, "Previous") is None
    next_button = page_button(first, "Next")
    assert next_button is not None

    second = await click(jobbot, next_button, "p2")
    assert second["replace_original"] is True
    assert summary(second) == "*21-40 of 45 jobs*"
    assert [r[1] for r in rows(second)] == list(range(1024, 1004, -1))
    third_button = page_button(second, "Next")
    assert third_button is not None
    third = await click(jobbot, third_button, "p3")
    assert summary(third) == "*41-45 of 45 jobs*"
    assert [r[1] for r in rows(third)] == [1004, 1003, 1002, 1001, 1000]
    assert page_button(third, "Next") is None

    back_button = page_button(third, "Previous")
    assert back_button is not None
    back = await click(jobbot, back_button, "p4")
    assert back["replace_original"] is True
    assert rows(back) == rows(second)
    assert summary(back) == "*21-40 of 45 jobs*"
    back_again = page_button(back, "Previous")
    assert back_again is not None
    start = await click(jobbot, back_again, "p5")
    assert rows(start) == rows(first)
    # One request a page, forward and back.
    assert len(api.requests_to("list")) == 5


async def test_an_empty_list(jobbot: Jobbot) -> None:
    message = await listed(jobbot, "list savepoint", "empty")
    assert summary(message) == "*No savepoint jobs*"
    assert rows(message) == []
    assert page_button(message, "Next") is None


async def test_a_project_with_1000_jobs_is_still_one_request_a_page(jobbot: Jobbot) -> None:
    api = jobbot.fake_jobs
    del api.jobs[50320]
    api.add_jobs(1000, first_id=5000)
    first = await listed(jobbot, "list", "big1")
    assert summary(first) == "*20 of 1000 jobs*"
    assert len(api.requests_to("list")) == 1
    following = page_button(first, "Next")
    assert following is not None
    second = await click(jobbot, following, "big2")
    assert summary(second) == "*21-40 of 1000 jobs*"
    assert len(api.requests_to("list")) == 2
    failed = await listed(jobbot, "list failed", "big3")
    assert summary(failed) == "*No failed jobs*"
    # One request per status `failed` stands for.
    assert len(api.requests_to("list")) == 5
    assert len(api.requests) == 5


async def test_an_unknown_status_word_is_a_usage_error_listing_the_words(jobbot: Jobbot) -> None:
    message = await listed(jobbot, "list runing failed", "typo")
    text = message["blocks"][0]["text"]["text"]
    assert "`runing` is not a status" in text
    for word in STATUS_WORDS:
        assert f"`{word}`" in text
    assert jobbot.fake_jobs.requests == []


async def test_a_forged_page_button_is_refused(jobbot: Jobbot) -> None:
    payload = block_action_payload(
        '{"page": "nonsense<!channel>"}', jobbot.fake_slack.hook_url("forged"),
        action_id="job_list_page",
    )  # fmt: skip
    assert (await jobbot.post(interactive_body(payload))).status_code == 200
    await wait_until(lambda: bool(jobbot.fake_slack.posts_to("forged")))
    assert "does not say which job or list" in all_text(jobbot.fake_slack.posts_to("forged")[0])


async def test_a_list_by_a_very_long_name_is_an_empty_list(jobbot: Jobbot) -> None:
    message = await listed(jobbot, "list running " + "n" * 3000, "long-name")
    assert summary(message).startswith("*No running jobs named like")
    assert "… (cut)" in summary(message)
