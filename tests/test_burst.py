"""A burst of 500 signed slash commands: every one acknowledged, every card delivered once."""

from __future__ import annotations

import asyncio
import gc
import re
import time
from collections import Counter
from pathlib import Path

import aiohttp

from tests.conftest import SIGNING_SECRET, Jobbot, settings_for, start_jobbot, stop_jobbot
from tests.fakes import FakeJobApi, FakeSlack, command_body, slack_headers, wait_until
from tests.waiting import REQUESTS

BURST = 500
DISTINCT_JOBS = 50
# Stated bound: the burst may leave at most this much more resident memory behind.
MEMORY_GROWTH_LIMIT_MB = 60


def rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    assert match is not None
    return int(match.group(1)) / 1024


async def test_a_burst_of_500_commands_loses_and_doubles_nothing(
    fake_slack: FakeSlack, fake_jobs: FakeJobApi
) -> None:
    base = fake_jobs.jobs[50320]
    for n in range(DISTINCT_JOBS):
        fake_jobs.jobs[60000 + n] = {**base, "job_id": 60000 + n, "name": f"job_{n}"}
    fake_jobs.latency_s = 0.1
    bot: Jobbot = await start_jobbot(
        settings_for(fake_slack, fake_jobs, JOBBOT_TIMEOUT_S=10), fake_slack, fake_jobs
    )
    # Warm up (Bolt's auth.test, connection pools) so the memory baseline is the steady state.
    await bot.post(command_body("50320", fake_slack.hook_url("warm")))
    await wait_until(lambda: bool(fake_slack.posts_to("warm")))
    gc.collect()
    memory_before = rss_mb()
    fake_slack.hooks.clear()

    bodies = [
        command_body(str(60000 + n % DISTINCT_JOBS), fake_slack.hook_url(f"burst-{n}"))
        for n in range(BURST)
    ]
    acks: list[float] = []
    health_during: list[int] = []
    # aiohttp, not httpx, sends the burst: httpcore's pool spends seconds of CPU per burst
    # on 500 connections at once, which would starve the server in this same event loop.
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(bot.server.url, connector=connector) as client:

        async def send(body: str) -> int:
            started = time.monotonic()
            async with client.post(
                "/slack/events", data=body, headers=slack_headers(SIGNING_SECRET, body)
            ) as response:
                await response.read()
            acks.append(time.monotonic() - started)
            return response.status

        async def health_probe() -> None:
            await asyncio.sleep(0.05)
            async with client.get("/healthz") as response:
                health_during.append(response.status)

        started = time.monotonic()
        statuses, _ = await asyncio.gather(
            asyncio.gather(*(send(body) for body in bodies)), health_probe()
        )
        await wait_until(lambda: len(fake_slack.hooks) >= BURST, timeout=60)
        last_card = max(h.at for h in fake_slack.hooks) - started
        # Every request has finished its work: anything doubled has arrived by now.
        await wait_until(lambda: REQUESTS.finished >= BURST, timeout=60)
        async with client.get("/healthz") as response:
            health_after = response.status
    gc.collect()
    memory_after = rss_mb()
    await stop_jobbot(bot)

    assert Counter(statuses) == {200: BURST}
    per_hook = Counter(h.hook for h in fake_slack.hooks)
    assert set(per_hook) == {f"burst-{n}" for n in range(BURST)}  # none lost
    assert set(per_hook.values()) == {1}  # none doubled
    assert all(h.body["text"].startswith("Job 6") for h in fake_slack.hooks)
    assert health_during == [200]
    assert health_after == 200
    assert memory_after - memory_before < MEMORY_GROWTH_LIMIT_MB
    upstream = len(fake_jobs.requests) - 1
    print(
        f"\n500-burst: slowest ack {max(acks) * 1000:.0f} ms, last card {last_card:.2f} s, "
        f"upstream requests {upstream} for {DISTINCT_JOBS} jobs, "
        f"RSS {memory_before:.1f} MB before, {memory_after:.1f} MB after"
    )
