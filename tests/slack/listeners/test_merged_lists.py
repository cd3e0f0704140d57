"""`/job list failed`: a word for several statuses asks once per status and merges the pages."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.usecases.requests import STATUS_WORDS
from tests.conftest import (
    BOT_TOKEN,
    SIGNING_SECRET,
    Jobbot,
    make_settings,
    settings_for,
    start_jobbot,
    stop_jobbot,
)
from tests.fakes import FakeJobApi, FakeSlack
from tests.slack.listeners.test_lists import click, listed, page_button, rows, summary

EVERY_STATUS = [status for group in STATUS_WORDS.values() for status in group]
FAILED = STATUS_WORDS["failed"]


@pytest.fixture(params=["cs", "dli"])
async def api(request: pytest.FixtureRequest) -> AsyncIterator[FakeJobApi]:
    server = FakeJobApi(service=request.param)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(fake_slack: FakeSlack, api: FakeJobApi) -> AsyncIterator[Jobbot]:
    started = await start_jobbot(settings_for(fake_slack, api), fake_slack, api)
    yield started
    await stop_jobbot(started)


def the_issues_project(api: FakeJobApi) -> None:
    """1,027 jobs: one in each status (IDs 1-14), 13 running, then 1,000 stopped, the newest."""
    for job_id, status in enumerate(EVERY_STATUS, start=1):
        api.add_job(job_id, status=status)
    api.add_jobs(13, first_id=15)
    api.add_jobs(1000, first_id=28, status=lambda _: "job_cancel_success")
    assert len(api.jobs) == 1027


def list_queries(api: FakeJobApi) -> list[dict[str, str]]:
    return [request.query for request in api.requests_to("list")]


def asked_at_once(api: FakeJobApi, count: int) -> None:
    """Answer list requests only once `count` of them are waiting: sequential asking stalls."""
    waiting: list[web.Request] = []
    everyone = asyncio.Event()

    async def answer(request: web.Request) -> web.Response:
        waiting.append(request)
        if len(waiting) % count == 0:
            everyone.set()
        await asyncio.wait_for(everyone.wait(), timeout=1.5)
        return api._list(request)

    api.list_fault = answer


async def test_failed_finds_the_failed_jobs_beyond_the_newest_100(
    bot: Jobbot, api: FakeJobApi
) -> None:
    the_issues_project(api)
    asked_at_once(api, len(FAILED))
    message = await listed(bot, "list failed", "failed")
    assert summary(message) == "*3 failed jobs*"
    assert rows(message) == [
        ("job_4", 4, "Stopping failed"),
        ("job_3", 3, "Running exception"),
        ("job_2", 2, "Submission failed"),
    ]
    assert page_button(message, "Next") is None
    assert page_button(message, "Previous") is None
    queries = list_queries(api)
    assert sorted(q["status"] for q in queries) == sorted(FAILED)
    assert {q["limit"] for q in queries} == {"20"}


async def test_stopped_is_20_a_page_with_the_true_total(bot: Jobbot, api: FakeJobApi) -> None:
    the_issues_project(api)
    first = await listed(bot, "list stopped", "s1")
    assert summary(first) == "*20 of 1002 stopped jobs*"
    assert [job_id for _, job_id, _ in rows(first)] == list(range(1027, 1007, -1))
    following = page_button(first, "Next")
    assert following is not None
    second = await click(bot, following, "s2")
    assert summary(second) == "*21-40 of 1002 stopped jobs*"
    assert [job_id for _, job_id, _ in rows(second)] == list(range(1007, 987, -1))
    # Each page: at most one request per status (a status's page read just before is
    # cached), 20 jobs each, never the whole list.
    assert len(api.requests_to("list")) <= 4
    assert {q["limit"] for q in list_queries(api)} == {"20"}


def interleaved(api: FakeJobApi) -> list[int]:
    """45 failed jobs among 60, their statuses mixed, under 1,000 newer running jobs."""
    for job_id in range(1, 61):
        api.add_job(job_id, status="job_running" if job_id % 4 == 0 else FAILED[job_id * 7 % 3])
    api.add_jobs(1000, first_id=61)
    return sorted((i for i in range(1, 61) if i % 4), reverse=True)


async def test_next_and_previous_page_through_the_merged_list(bot: Jobbot, api: FakeJobApi) -> None:
    failed = interleaved(api)
    first = await listed(bot, "list failed", "m1")
    assert summary(first) == "*20 of 45 failed jobs*"
    assert [r[1] for r in rows(first)] == failed[:20]
    assert page_button(first, "Previous") is None

    next_one = page_button(first, "Next")
    assert next_one is not None
    second = await click(bot, next_one, "m2")
    assert second["replace_original"] is True
    assert summary(second) == "*21-40 of 45 failed jobs*"
    assert [r[1] for r in rows(second)] == failed[20:40]

    next_two = page_button(second, "Next")
    assert next_two is not None
    last = await click(bot, next_two, "m3")
    assert summary(last) == "*41-45 of 45 failed jobs*"
    assert [r[1] for r in rows(last)] == failed[40:]
    assert page_button(last, "Next") is None

    back_one = page_button(last, "Previous")
    assert back_one is not None
    back = await click(bot, back_one, "m4")
    assert summary(back) == "*21-40 of 45 failed jobs*"
    assert rows(back) == rows(second)
    assert page_button(back, "Next") is not None

    back_two = page_button(back, "Previous")
    assert back_two is not None
    start = await click(bot, back_two, "m5")
    assert summary(start) == "*20 of 45 failed jobs*"
    assert rows(start) == rows(first)
    assert page_button(start, "Previous") is None
    # Five pages, at most three requests each, 20 jobs a request.
    assert len(api.requests_to("list")) <= 15
    assert {q["limit"] for q in list_queries(api)} == {"20"}


async def test_a_forged_merged_page_shows_the_first_page(bot: Jobbot, api: FakeJobApi) -> None:
    failed = interleaved(api)
    first = await listed(bot, "list failed", "f1")
    following = page_button(first, "Next")
    assert following is not None
    # DLI's boundary holds one offset per status; CS's a job ID. Neither holds two offsets.
    value = {**json.loads(following["value"]), "page": "o40s3-4b"}
    page = await click(bot, {**following, "value": json.dumps(value)}, "f2")
    assert summary(page) == "*20 of 45 failed jobs*"
    assert [r[1] for r in rows(page)] == failed[:20]


PROD_ID = "0a1b2c3d4e5f"
STAGING_ID = "9f8e7d6c5b4a"


@pytest.fixture
async def two_projects(
    fake_slack: FakeSlack, fake_jobs: FakeJobApi
) -> AsyncIterator[tuple[Jobbot, FakeJobApi]]:
    staging = FakeJobApi(service="dli")
    await staging.start()
    settings = make_settings(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        JOBBOT_PROJECTS=f"prod={PROD_ID}@{fake_jobs.url}/cs,staging={STAGING_ID}@{staging.url}/dli",
        JOBBOT_AUTH_TOKEN="iam-token-for-tests",
        JOBBOT_TIMEOUT_S=2,
    )
    started = await start_jobbot(settings, fake_slack, fake_jobs)
    yield started, staging
    await stop_jobbot(started)
    await staging.stop()


async def test_a_project_and_a_name_narrow_the_merged_list(
    two_projects: tuple[Jobbot, FakeJobApi],
) -> None:
    bot, staging = two_projects
    fake = "orders_{}".format
    staging.add_jobs(30, first_id=1, name=fake, status=lambda i: FAILED[i % 3])
    staging.add_jobs(30, first_id=31, name=lambda i: f"billing_{i}", status=lambda i: FAILED[i % 3])
    staging.add_jobs(1000, first_id=61, name=fake)
    first = await listed(bot, "list staging failed orders", "p1")
    assert summary(first) == "*20 of 30 failed jobs named like “orders” in staging*"
    assert [r[1] for r in rows(first)] == list(range(30, 10, -1))
    following = page_button(first, "Next")
    assert following is not None
    second = await click(bot, following, "p2")
    assert summary(second) == "*21-30 of 30 failed jobs named like “orders” in staging*"
    assert [r[1] for r in rows(second)] == list(range(10, 0, -1))
    queries = list_queries(staging)
    assert len(queries) <= 6
    assert {q["name"] for q in queries} == {"orders"}
    assert sorted({q["status"] for q in queries}) == sorted(FAILED)
    assert bot.fake_jobs.requests_to("list") == []


async def test_every_word_at_once_with_a_long_name_keeps_its_page_in_the_button(
    bot: Jobbot, api: FakeJobApi
) -> None:
    # 14 statuses: on DLI the buttons carry 14 offsets, beside a name of DLI's longest kind.
    name = "n" * 50
    api.add_jobs(1040, name=lambda i: f"{name}{i}", status=lambda i: EVERY_STATUS[i % 14])
    pages = [await listed(bot, f"list {' '.join(STATUS_WORDS)} {name}", "e1")]
    for hook in ("e2", "e3"):
        following = page_button(pages[-1], "Next")
        assert following is not None
        pages.append(await click(bot, following, hook))
    assert summary(pages[2]).startswith("*41-60 of 1040 running or failed or")
    assert [r[1] for r in rows(pages[2])] == list(range(1000, 980, -1))
    back = page_button(pages[2], "Previous")
    assert back is not None
    assert len(back["value"]) < 2000
    again = await click(bot, back, "e4")
    assert rows(again) == rows(pages[1])
    assert [r[1] for r in rows(again)] == list(range(1020, 1000, -1))
    assert len({q["status"] for q in list_queries(api)}) == 14
