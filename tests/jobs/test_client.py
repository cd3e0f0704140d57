"""The job API client over real HTTP: each sign-in scheme, each API, coalescing, renewal."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.huawei import errors
from bot.jobs.cache import JobCache
from bot.jobs.service import create_jobs_client
from tests.conftest import PROJECT_ID, make_settings, sample
from tests.fakes import FakeJobApi
from tests.gateway import FakeIam, TokenCheck, aksk_check

AK = "HPUAJ7KXQ4M3Z8RNV2LC"
SK = "n8Qk2VwZr5Lp9Xc3Tb7Hy1Ju4Mf6Gd0Sa2Ee8Ri"
IAM_USER, IAM_PASSWORD, IAM_DOMAIN = "jobbot-reader", "Corr3ct-Horse!", "acme-cloud"

CS_JOB = sample("cs/job_running")["payload"]
DLI_JOB = sample("dli/job_init")["job_detail"]


def cs_settings(api: FakeJobApi, **values: Any) -> Any:
    return make_settings(
        JOBBOT_API=api.service,
        JOBBOT_ENDPOINT=api.url,
        HUAWEICLOUD_SDK_PROJECT_ID=PROJECT_ID,
        JOBBOT_TIMEOUT_S=2,
        **values,
    )


@pytest.fixture(params=["cs", "dli"])
async def api(request: pytest.FixtureRequest) -> AsyncIterator[FakeJobApi]:
    service = request.param
    job = CS_JOB if service == "cs" else DLI_JOB
    server = FakeJobApi(service=service, jobs={int(job["job_id"]): job})
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def iam() -> AsyncIterator[FakeIam]:
    server = FakeIam(IAM_USER, IAM_PASSWORD, IAM_DOMAIN, PROJECT_ID)
    await server.start()
    yield server
    await server.stop()


def job_id_of(api: FakeJobApi) -> int:
    return next(iter(api.jobs))


async def test_aksk_signed_requests_pass_the_gateway_check(api: FakeJobApi) -> None:
    """AK/SK: the fake gateway recomputes the signature of each request and accepts it."""
    api.check_auth = aksk_check({AK: SK}, security_token="temp-sts-token")
    client = create_jobs_client(
        cs_settings(
            api,
            HUAWEICLOUD_SDK_AK=AK,
            HUAWEICLOUD_SDK_SK=SK,
            HUAWEICLOUD_SDK_SECURITY_TOKEN="temp-sts-token",
        ).cloud_access()
    )
    try:
        job = await client.get_job(job_id_of(api))
    finally:
        await client.aclose()
    assert job.job_id == job_id_of(api)
    sent = api.requests[0].headers
    assert sent["X-Project-Id"] == PROJECT_ID
    assert sent["Authorization"].startswith(f"SDK-HMAC-SHA256 Access={AK}, SignedHeaders=")
    assert "x-security-token" in sent["Authorization"]
    assert SK not in str(sent)


async def test_a_wrong_secret_key_is_rejected_as_credentials(api: FakeJobApi) -> None:
    api.check_auth = aksk_check({AK: SK})
    client = create_jobs_client(
        cs_settings(
            api, HUAWEICLOUD_SDK_AK=AK, HUAWEICLOUD_SDK_SK="not-the-secret-key"
        ).cloud_access()
    )
    try:
        with pytest.raises(errors.CredentialsRejected) as caught:
            await client.get_job(job_id_of(api))
    finally:
        await client.aclose()
    assert caught.value.code == "APIG.0301"
    assert caught.value.request_id == "req-aksk-1"
    assert caught.value.attempts == 1  # 401 is not retried
    assert "not-the-secret-key" not in str(caught.value)


async def test_a_ready_token_is_sent_as_x_auth_token(api: FakeJobApi) -> None:
    api.check_auth = TokenCheck(valid={"ready-token"})
    client = create_jobs_client(cs_settings(api, JOBBOT_AUTH_TOKEN="ready-token").cloud_access())
    try:
        job = await client.get_job(job_id_of(api))
    finally:
        await client.aclose()
    assert job.name in {"my_job_001", "jptest"}


async def test_iam_password_sign_in_gets_a_project_scoped_token(
    api: FakeJobApi, iam: FakeIam
) -> None:
    check = TokenCheck()
    api.check_auth = check
    iam.on_issue = check.valid.add
    client = create_jobs_client(iam_settings(api, iam).cloud_access())
    try:
        await client.get_job(job_id_of(api))
        await client.get_job(job_id_of(api))
    finally:
        await client.aclose()
    assert iam.issued == ["MIIT-token-1"]  # cached, not fetched per request
    assert [r.headers["X-Auth-Token"] for r in api.requests] == ["MIIT-token-1"] * 2


def iam_settings(api: FakeJobApi, iam: FakeIam, password: str = IAM_PASSWORD) -> Any:
    return cs_settings(
        api,
        JOBBOT_IAM_ENDPOINT=iam.url,
        JOBBOT_IAM_USER=IAM_USER,
        JOBBOT_IAM_PASSWORD=password,
        JOBBOT_IAM_DOMAIN=IAM_DOMAIN,
    )


async def test_token_expiry_in_a_burst_renews_exactly_once(api: FakeJobApi, iam: FakeIam) -> None:
    """The token expires while 40 lookups are in flight: one renewal, every lookup answered."""
    check = TokenCheck()
    api.check_auth = check
    iam.on_issue = check.valid.add
    job = next(iter(api.jobs.values()))
    for job_id in range(1, 41):
        api.jobs[job_id] = {**job, "job_id": job_id}
    client = create_jobs_client(iam_settings(api, iam).cloud_access())
    try:
        await client.get_job(1)
        # IAM revokes the token early (a password change does that) while a burst is in flight.
        check.valid.discard("MIIT-token-1")
        check.expired.add("MIIT-token-1")
        api.latency_s = 0.05
        jobs = await asyncio.gather(*(client.get_job(n) for n in range(1, 41)))
    finally:
        await client.aclose()
    assert [j.job_id for j in jobs] == list(range(1, 41))
    assert iam.issued == ["MIIT-token-1", "MIIT-token-2"]
    assert check.rejected == 40


async def test_a_wrong_iam_password_is_a_configuration_error_not_a_retry_loop(
    api: FakeJobApi, iam: FakeIam
) -> None:
    client = create_jobs_client(iam_settings(api, iam, password="wrong-password").cloud_access())
    try:
        for _ in range(3):
            with pytest.raises(errors.SignInFailed) as caught:
                await client.get_job(job_id_of(api))
    finally:
        await client.aclose()
    assert iam.attempts == 1  # later lookups do not hammer IAM (it would lock the user)
    assert api.requests == []
    assert "wrong-password" not in str(caught.value)


async def test_fifty_concurrent_lookups_of_one_job_cause_one_upstream_request(
    api: FakeJobApi,
) -> None:
    api.latency_s = 0.1
    client = create_jobs_client(cs_settings(api, JOBBOT_AUTH_TOKEN="t").cloud_access())
    lookup = JobCache(client, ttl_s=2.0)
    try:
        jobs = await asyncio.gather(*(lookup.get(job_id_of(api)) for _ in range(50)))
    finally:
        await client.aclose()
    assert len({j.job_id for j in jobs}) == 1
    assert len(api.requests) == 1
    print(f"50 concurrent lookups -> {len(api.requests)} upstream request(s)")


async def test_cached_answers_expire_after_the_ttl(api: FakeJobApi) -> None:
    client = create_jobs_client(cs_settings(api, JOBBOT_AUTH_TOKEN="t").cloud_access())
    now = [100.0]
    lookup = JobCache(client, ttl_s=2.0, clock=lambda: now[0])
    try:
        await lookup.get(job_id_of(api))
        now[0] += 1.9
        await lookup.get(job_id_of(api))
        assert len(api.requests) == 1
        now[0] += 0.2
        await lookup.get(job_id_of(api))
        assert len(api.requests) == 2
    finally:
        await client.aclose()


async def test_the_dli_answer_maps_to_the_same_card_fields() -> None:
    api = FakeJobApi(service="dli", jobs={104: DLI_JOB})
    await api.start()
    client = create_jobs_client(cs_settings(api, JOBBOT_AUTH_TOKEN="t").cloud_access())
    try:
        job = await client.get_job(104)
    finally:
        await client.aclose()
        await api.stop()
    assert api.requests[0].path == f"/v1.0/{PROJECT_ID}/streaming/jobs/104"
    assert (job.service, job.cluster, job.units, job.manager_units) == ("dli", "flinktest", 2, 1)
    assert job.jar == "FemaleInfoCollection.jar"
