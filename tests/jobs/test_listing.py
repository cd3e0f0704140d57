"""Listing jobs and reading plans over HTTP against the fake CS and DLI APIs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from bot.huawei import errors
from bot.jobs.client import JobsClient
from bot.jobs.paging import FIRST_PAGE, JobPage, JobQuery, PageRef
from bot.jobs.service import create_jobs_client
from tests.conftest import PROJECT_ID, make_settings
from tests.fakes import FakeJobApi
from tests.gateway import aksk_check

AK = "HPUAJ7KXQ4M3Z8RNV2LC"
SK = "n8Qk2VwZr5Lp9Xc3Tb7Hy1Ju4Mf6Gd0Sa2Ee8Ri"


@pytest.fixture(params=["cs", "dli"])
async def api(request: pytest.FixtureRequest) -> AsyncIterator[FakeJobApi]:
    server = FakeJobApi(service=request.param)
    await server.start()
    yield server
    await server.stop()


def client_for(api: FakeJobApi, **values: Any) -> JobsClient:
    auth = values or {"JOBBOT_AUTH_TOKEN": "t"}
    return create_jobs_client(
        make_settings(
            JOBBOT_API=api.service,
            JOBBOT_ENDPOINT=api.url,
            HUAWEICLOUD_SDK_PROJECT_ID=PROJECT_ID,
            JOBBOT_TIMEOUT_S=2,
            **auth,
        ).cloud_access()
    )


@pytest.fixture
async def client(api: FakeJobApi) -> AsyncIterator[JobsClient]:
    jobs = client_for(api)
    yield jobs
    await jobs.aclose()


def ids(page: JobPage) -> list[int | None]:
    return [job.job_id for job in page.jobs]


async def test_paging_forward_to_the_end_and_back_to_the_start(
    api: FakeJobApi, client: JobsClient
) -> None:
    api.add_jobs(45)
    query = JobQuery(limit=20)
    first = await client.list_jobs(query)
    assert ids(first) == list(range(45, 25, -1))  # newest first
    assert first.total == 45
    assert first.offset == 0
    assert first.previous_ref is None
    assert first.next_ref is not None
    second = await client.list_jobs(query, first.next_ref)
    assert ids(second) == list(range(25, 5, -1))
    assert second.offset == 20
    assert second.next_ref is not None
    third = await client.list_jobs(query, second.next_ref)
    assert ids(third) == [5, 4, 3, 2, 1]
    assert third.offset == 40
    assert third.next_ref is None
    assert third.previous_ref is not None
    back = await client.list_jobs(query, third.previous_ref)
    assert ids(back) == ids(second)
    assert back.offset == 20
    assert back.previous_ref is not None
    start = await client.list_jobs(query, back.previous_ref)
    assert ids(start) == ids(first)
    assert start.offset == 0
    assert start.previous_ref is None
    assert start.next_ref is not None
    assert ids(await client.list_jobs(query, start.next_ref)) == ids(second)
    assert len(api.requests_to("list")) == 6  # one request a page


async def test_a_page_ref_read_back_from_a_button_value_gives_the_same_page(
    api: FakeJobApi, client: JobsClient
) -> None:
    api.add_jobs(30)
    query = JobQuery(limit=10)
    first = await client.list_jobs(query)
    assert first.next_ref is not None
    ref = PageRef.decode(first.next_ref.encode())
    assert ids(await client.list_jobs(query, ref)) == list(range(20, 10, -1))


async def test_a_thousand_jobs_cost_one_request_a_page(api: FakeJobApi, client: JobsClient) -> None:
    api.add_jobs(1000)
    query = JobQuery(limit=100)
    page = await client.list_jobs(query)
    seen = list(ids(page))
    while page.next_ref is not None:
        page = await client.list_jobs(query, page.next_ref)
        seen += ids(page)
    assert seen == list(range(1000, 0, -1))
    assert page.total == 1000
    assert len(api.requests_to("list")) == 10
    assert api.path_counts() == {api.requests_to("list")[0].path: 10}


async def test_name_and_status_filters_and_oldest_first(
    api: FakeJobApi, client: JobsClient
) -> None:
    api.add_jobs(12, name=lambda n: f"orders_{n}" if n % 3 == 0 else f"clicks_{n}")
    api.set_status(6, "job_running_exception", status_desc="TaskManager lost")
    api.set_status(9, "job_running_exception")
    by_name = await client.list_jobs(JobQuery(name="ORDERS"))
    assert ids(by_name) == [12, 9, 6, 3]
    assert by_name.total == 4
    failing = await client.list_jobs(JobQuery(status="job_running_exception", newest_first=False))
    assert ids(failing) == [6, 9]
    assert failing.jobs[0].status == "job_running_exception"
    assert failing.jobs[0].status_desc == "TaskManager lost"
    sent = api.requests_to("list")[1].query
    assert sent["status"] == "job_running_exception"
    assert sent["order"] == "asc"


async def test_an_empty_list(api: FakeJobApi, client: JobsClient) -> None:
    page = await client.list_jobs(JobQuery(name="nothing"))
    assert page.jobs == ()
    assert page.total == 0
    assert page.next_ref is None
    assert page.previous_ref is None


async def test_short_rows_unless_detail_is_asked_for(api: FakeJobApi, client: JobsClient) -> None:
    api.add_job(7, sql_body="SELECT 1")
    short = await client.list_jobs(JobQuery())
    whole = await client.list_jobs(JobQuery(detail=True))
    assert short.jobs[0].sql_body is None
    assert whole.jobs[0].sql_body == "SELECT 1"
    assert api.requests_to("list")[1].query["show_detail"] == "true"


async def test_set_status_shows_in_the_list_and_the_details(
    api: FakeJobApi, client: JobsClient
) -> None:
    api.add_job(42)
    api.set_status(42, "job_running_exception", status_desc="OOM", restart_times=3)
    listed = (await client.list_jobs(JobQuery())).jobs[0]
    whole = (await client.list_jobs(JobQuery(detail=True))).jobs[0]
    job = await client.get_job(42)
    assert listed.status == whole.status == job.status == "job_running_exception"
    assert listed.status_desc == job.status_desc == "OOM"
    # The list's short rows carry no restart count (DLI's documented example); whole rows do.
    assert listed.restart_times is None
    if api.service == "dli":
        assert whole.restart_times == job.restart_times == 3


async def test_a_dli_name_longer_than_dli_allows_matches_nothing_without_a_request(
    api: FakeJobApi, client: JobsClient
) -> None:
    api.add_jobs(3)
    page = await client.list_jobs(JobQuery(name="x" * 200))
    assert page.jobs == ()
    assert page.total == 0
    if api.service == "dli":
        assert api.requests_to("list") == []
    else:
        assert len(api.requests_to("list")) == 1


async def test_listing_with_a_query_passes_the_aksk_gateway(api: FakeJobApi) -> None:
    """The signature covers the query string: the fake gateway recomputes it and agrees."""
    api.check_auth = aksk_check({AK: SK})
    api.add_jobs(5, name=lambda n: f"orders enrich/{n}")
    client = client_for(api, HUAWEICLOUD_SDK_AK=AK, HUAWEICLOUD_SDK_SK=SK)
    try:
        first = await client.list_jobs(JobQuery(name="orders enrich/", limit=2))
        second = await client.list_jobs(JobQuery(name="orders enrich/", limit=2), first.next_ref)
        plan = await client.get_plan(5)
    finally:
        await client.aclose()
    assert ids(first) == [5, 4]
    assert ids(second) == [3, 2]
    assert plan.job_id == 5
    assert all("Authorization" in r.headers for r in api.requests)
    assert api.requests_to("list")[0].query["name"] == "orders enrich/"


async def test_a_wrongly_signed_list_request_is_refused(api: FakeJobApi) -> None:
    api.check_auth = aksk_check({AK: SK})
    client = client_for(api, HUAWEICLOUD_SDK_AK=AK, HUAWEICLOUD_SDK_SK="not-the-key")
    try:
        with pytest.raises(errors.CredentialsRejected):
            await client.list_jobs(JobQuery(name="a b"))
    finally:
        await client.aclose()


async def test_list_errors_follow_the_lookup_policy(api: FakeJobApi, client: JobsClient) -> None:
    calls = 0

    async def flaky(request: web.Request) -> web.StreamResponse:
        nonlocal calls
        calls += 1
        if calls == 1:
            return web.json_response({"error_code": "APIG.0610", "error_msg": "down"}, status=503)
        api.list_fault = None
        return api._list(request)

    api.add_jobs(3)
    api.list_fault = flaky
    page = await client.list_jobs(JobQuery())
    assert ids(page) == [3, 2, 1]
    assert len(api.requests_to("list")) == 2  # a 503 is retried, like a lookup

    async def forbidden(request: web.Request) -> web.StreamResponse:
        body = {"error_code": "APIG.0302", "error_msg": "The IAM user is not authorized."}
        return web.json_response(body, status=403)

    api.list_fault = forbidden
    with pytest.raises(errors.Forbidden) as caught:
        await client.list_jobs(JobQuery())
    assert caught.value.attempts == 1


async def test_the_plan_of_each_api(api: FakeJobApi, client: JobsClient) -> None:
    api.add_job(50320, name="orders_enrich", parallel_number=4)
    plan = await client.get_plan(50320)
    assert plan.service == api.service
    assert plan.job_id == 50320
    if api.service == "cs":
        assert [step.kind for step in plan.steps] == ["Source: KafkaSource", "Map", "Sink: Print"]
        assert plan.steps[1].parallelism == 4
        assert api.requests[0].path == f"/v1.0/{PROJECT_ID}/job/50320/execute_graph"
    else:
        assert plan.state == "RUNNING"
        assert plan.duration_ms == 516274
        assert api.requests[0].path == f"/v1.0/{PROJECT_ID}/streaming/jobs/50320/execute-graph"
    assert len(api.requests_to("plan")) == 1


async def test_the_plan_of_a_missing_job_is_not_found(api: FakeJobApi, client: JobsClient) -> None:
    with pytest.raises(errors.JobNotFound):
        await client.get_plan(999)


async def test_a_job_lookup_still_counts_as_one_job_request(
    api: FakeJobApi, client: JobsClient
) -> None:
    api.add_job(7)
    await client.get_job(7)
    await client.get_plan(7)
    await client.list_jobs(JobQuery())
    assert [len(api.requests_to(kind)) for kind in ("job", "plan", "list")] == [1, 1, 1]
    assert len(api.requests_for(7)) == 1


async def test_the_first_page_is_the_same_with_or_without_a_ref(
    api: FakeJobApi, client: JobsClient
) -> None:
    api.add_jobs(3)
    assert ids(await client.list_jobs(JobQuery())) == ids(
        await client.list_jobs(JobQuery(), FIRST_PAGE)
    )


async def test_a_cs_ref_without_a_cursor_is_the_first_page(
    api: FakeJobApi, client: JobsClient
) -> None:
    api.add_jobs(30)
    page = await client.list_jobs(JobQuery(limit=10), PageRef(offset=10))
    if api.service == "cs":
        assert ids(page) == list(range(30, 20, -1))
        assert page.offset == 0
        assert "cursor" not in api.requests_to("list")[0].query
    else:
        assert ids(page) == list(range(20, 10, -1))
        assert page.offset == 10
