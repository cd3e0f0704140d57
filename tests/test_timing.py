"""jobbot waits on the clocks and sleeps it is given: retries, the poller, a stoppable wait."""

from __future__ import annotations

import asyncio
import time

from aiohttp import web

from bot.timing import stoppable
from tests.conftest import Jobbot, sample
from tests.fakes import command_body, wait_until


async def test_a_lookup_retries_on_the_runtime_s_sleep_not_for_real(jobbot: Jobbot) -> None:
    """The job API answers 503 once: the card arrives after one retry wait, skipped."""
    answers = 0

    async def unavailable_once(request: web.Request) -> web.Response:
        nonlocal answers
        answers += 1
        if answers == 1:
            error = {"error_code": "APIG.0503", "error_msg": "busy"}
            return web.json_response(error, status=503)
        return web.json_response({"message_id": "CS.10001", **sample("cs/job_running")})

    jobbot.fake_jobs.faults[50320] = unavailable_once
    hook = jobbot.fake_slack.hook_url("retried")
    assert (await jobbot.post(command_body("50320", hook))).status_code == 200
    await wait_until(lambda: bool(jobbot.fake_slack.posts_to("retried")))
    [card] = jobbot.fake_slack.posts_to("retried")
    assert card["text"] == "Job 50320 my_job_001: Running"
    assert answers == 2
    [wait] = jobbot.time.slept
    assert 0 <= wait <= 0.1  # the first backoff (0.1 s with full jitter)


async def test_the_poller_waits_on_the_runtime_s_pause(jobbot: Jobbot) -> None:
    """Driving the poller three ticks takes three ticks, not three intervals of real time."""
    interval = jobbot.runtime.poller.config.interval_s
    started = time.monotonic()
    await jobbot.time.ticks(3)
    assert time.monotonic() - started < interval
    assert jobbot.time.skipped > 2 * interval


async def test_a_stoppable_wait_ends_when_the_process_stops() -> None:
    stopping = asyncio.Event()
    wait = asyncio.create_task(stoppable(asyncio.sleep, stopping)(60))
    await asyncio.sleep(0)
    stopping.set()
    await asyncio.wait_for(wait, timeout=1)
    # Once stopping, a wait returns at once.
    await asyncio.wait_for(stoppable(asyncio.sleep, stopping)(60), timeout=1)
