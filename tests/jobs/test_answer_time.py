""" "Running for" is measured to the moment the answer describes, not when it was asked for."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
from aiohttp import web

from bot.jobs.client import JobsClient
from bot.jobs.paging import JobQuery
from bot.jobs.wire import decode_job
from tests.conftest import sample, settings_for, start_jobbot, stop_jobbot
from tests.fakes import FakeJobApi, FakeSlack, command_body, wait_until

DLI_JOB = sample("dli/job_v2")["job_detail"]  # running, started at 1764470000000
STARTED = datetime.fromtimestamp(DLI_JOB["start_time"] / 1000, UTC)
# The moment the answer describes: 2 h 5 min (and a little) after the start.
ANSWERED = STARTED + timedelta(hours=2, minutes=5, seconds=30)
ANSWERED_MS = int(ANSWERED.timestamp()) * 1000


def dli_body(**changes: object) -> bytes:
    return json.dumps({"is_success": "true", "job_detail": {**DLI_JOB, **changes}}).encode()


def test_a_dli_answer_is_dated_by_its_date_header() -> None:
    headers = {"Date": format_datetime(ANSWERED, usegmt=True)}
    assert decode_job("dli", 200, headers, dli_body()).current_time == ANSWERED_MS


def test_cs_current_time_wins_over_the_date_header() -> None:
    body = sample("cs/job_running")
    headers = {"date": format_datetime(ANSWERED, usegmt=True)}
    job = decode_job("cs", 200, headers, json.dumps(body).encode())
    assert job.current_time == body["current_time"]


def test_an_unreadable_date_header_is_no_time() -> None:
    assert decode_job("dli", 200, {"Date": "yesterday-ish"}, dli_body()).current_time is None


async def test_an_answer_without_date_is_dated_when_it_arrived() -> None:
    """No current_time, no Date header: the client's clock, read as the answer arrives."""
    readings = iter([ANSWERED])

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/streaming/jobs"):
            listing = {"total_count": 1, "jobs": [DLI_JOB]}
            return httpx.Response(200, json={"is_success": "true", "job_list": listing})
        return httpx.Response(200, content=dli_body())

    http = httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="https://dli.test")
    client = JobsClient(
        http, service="dli", project_id="p", timeout_s=1, utc_now=lambda: next(readings)
    )
    try:
        assert (await client.get_job(31207)).current_time == ANSWERED_MS
        readings = iter([ANSWERED + timedelta(seconds=1)])
        page = await client.list_jobs(JobQuery(name="orders_enrich"))
        assert [job.current_time for job in page.jobs] == [ANSWERED_MS + 1000]
    finally:
        await client.aclose()


async def test_a_dli_card_runs_to_the_moment_its_answer_describes(
    fake_slack: FakeSlack, fake_jobs: FakeJobApi
) -> None:
    """The job ran 2 h 5 min when DLI answered, whatever jobbot's own clock says."""
    fake_jobs.service = "dli"

    async def dated(request: web.Request) -> web.Response:
        headers = {"Date": format_datetime(ANSWERED, usegmt=True)}
        return web.Response(body=dli_body(job_id=31207), headers=headers)

    fake_jobs.faults[31207] = dated
    bot = await start_jobbot(settings_for(fake_slack, fake_jobs), fake_slack, fake_jobs)
    try:
        await bot.post(command_body("31207", fake_slack.hook_url("dli")))
        await wait_until(lambda: bool(fake_slack.posts_to("dli")))
    finally:
        await stop_jobbot(bot)
    card = fake_slack.posts_to("dli")[0]
    assert card["blocks"][1]["text"]["text"].startswith(
        ":large_green_circle: *Running* for 2 h 5 min"
    )
