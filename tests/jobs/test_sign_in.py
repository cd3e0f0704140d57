"""The IAM sign-in is one task for everyone, on its own clock, whoever gives up waiting."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.huawei import errors
from bot.jobs.service import create_jobs_client
from tests.conftest import PROJECT_ID, make_settings, sample
from tests.fakes import FakeJobApi, wait_until
from tests.gateway import FakeIam, TokenCheck

IAM_USER, IAM_PASSWORD, IAM_DOMAIN = "jobbot-reader", "Corr3ct-Horse!", "acme-cloud"
LOOKUP_BUDGET_S = 0.5
IAM_LATENCY_S = 1.5 * LOOKUP_BUDGET_S
CS_JOB = sample("cs/job_running")["payload"]


@pytest.fixture
async def iam() -> AsyncIterator[FakeIam]:
    server = FakeIam(IAM_USER, IAM_PASSWORD, IAM_DOMAIN, PROJECT_ID)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def api() -> AsyncIterator[FakeJobApi]:
    server = FakeJobApi(service="cs")
    server.add_jobs(20, template=CS_JOB, first_id=1)
    await server.start()
    yield server
    await server.stop()


async def test_a_slow_iam_signs_in_once_for_a_storm_of_lookups_that_gave_up(
    api: FakeJobApi, iam: FakeIam
) -> None:
    """IAM answers in 1.5x the lookup budget: 20 lookups give up, one sign-in finishes."""
    check = TokenCheck()
    api.check_auth = check
    iam.on_issue = check.valid.add
    iam.latency_s = IAM_LATENCY_S
    client = create_jobs_client(
        make_settings(
            JOBBOT_API="cs",
            JOBBOT_ENDPOINT=api.url,
            HUAWEICLOUD_SDK_PROJECT_ID=PROJECT_ID,
            JOBBOT_TIMEOUT_S=LOOKUP_BUDGET_S,
            JOBBOT_IAM_ENDPOINT=iam.url,
            JOBBOT_IAM_USER=IAM_USER,
            JOBBOT_IAM_PASSWORD=IAM_PASSWORD,
            JOBBOT_IAM_DOMAIN=IAM_DOMAIN,
        ).cloud_access()
    )
    try:
        storm = await asyncio.gather(
            *(client.get_job(n) for n in range(1, 21)), return_exceptions=True
        )
        assert all(isinstance(outcome, errors.ApiTimeout) for outcome in storm)
        # The sign-in the storm started outlives every caller that gave up on it.
        await wait_until(lambda: len(iam.issued) == 1, timeout=2.0)
        after = await asyncio.gather(*(client.get_job(n) for n in range(1, 21)))
    finally:
        await client.aclose()
    assert [job.job_id for job in after] == list(range(1, 21))
    assert iam.attempts == 1
    assert iam.issued == ["MIIT-token-1"]
    assert {r.headers["X-Auth-Token"] for r in api.requests} == {"MIIT-token-1"}


async def test_a_lookup_arriving_mid_sign_in_joins_it_and_succeeds(
    api: FakeJobApi, iam: FakeIam
) -> None:
    """A lookup that starts while the sign-in runs waits for that one, not a new one."""
    check = TokenCheck()
    api.check_auth = check
    iam.on_issue = check.valid.add
    iam.latency_s = IAM_LATENCY_S
    client = create_jobs_client(
        make_settings(
            JOBBOT_API="cs",
            JOBBOT_ENDPOINT=api.url,
            HUAWEICLOUD_SDK_PROJECT_ID=PROJECT_ID,
            JOBBOT_TIMEOUT_S=LOOKUP_BUDGET_S,
            JOBBOT_IAM_ENDPOINT=iam.url,
            JOBBOT_IAM_USER=IAM_USER,
            JOBBOT_IAM_PASSWORD=IAM_PASSWORD,
            JOBBOT_IAM_DOMAIN=IAM_DOMAIN,
        ).cloud_access()
    )
    try:
        first = asyncio.create_task(client.get_job(1))
        await wait_until(lambda: iam.attempts == 1)
        await asyncio.sleep(IAM_LATENCY_S - LOOKUP_BUDGET_S / 4)
        late = await client.get_job(2)
        with pytest.raises(errors.ApiTimeout):
            await first
    finally:
        await client.aclose()
    assert late.job_id == 2
    assert iam.attempts == 1
