"""A burst of lookups: at most MAX_CONCURRENT_REQUESTS reach the job API at once, all answered."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.jobs.client import MAX_CONCURRENT_REQUESTS
from bot.jobs.service import create_jobs_client
from tests.conftest import PROJECT_ID, make_settings, sample
from tests.fakes import FakeJobApi

BURST = 200


async def test_a_burst_queues_before_the_pool_and_every_lookup_succeeds() -> None:
    in_flight = 0
    peak = 0
    job = sample("cs/job_running")["payload"]

    async def counted(request: web.Request) -> web.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.02)
        in_flight -= 1
        job_id = int(request.path.rsplit("/", 1)[1])
        return web.json_response({"message_id": "CS.10001", "payload": {**job, "job_id": job_id}})

    api = FakeJobApi(service="cs")
    api.faults = {70000 + n: counted for n in range(BURST)}
    await api.start()
    settings = make_settings(
        JOBBOT_API="cs",
        JOBBOT_ENDPOINT=api.url,
        HUAWEICLOUD_SDK_PROJECT_ID=PROJECT_ID,
        JOBBOT_AUTH_TOKEN="token",
        JOBBOT_TIMEOUT_S=20,
    )
    client = create_jobs_client(settings.cloud_access())
    try:
        jobs = await asyncio.gather(*(client.get_job(70000 + n) for n in range(BURST)))
    finally:
        await client.aclose()
        await api.stop()
    assert [j.job_id for j in jobs] == [70000 + n for n in range(BURST)]
    assert peak == MAX_CONCURRENT_REQUESTS
