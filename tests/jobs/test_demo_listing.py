"""The demo job service lists jobs and serves plans through the real client, like CS."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.jobs.client import JobsClient
from bot.jobs.demo import DEMO_JOB_IDS
from bot.jobs.paging import JobQuery
from bot.jobs.service import create_jobs_client
from tests.conftest import make_settings


@pytest.fixture
async def demo() -> AsyncIterator[JobsClient]:
    client = create_jobs_client(make_settings(JOBBOT_API="demo").cloud_access())
    yield client
    await client.aclose()


async def test_the_demo_lists_every_job_newest_first_page_by_page(demo: JobsClient) -> None:
    query = JobQuery(limit=8)
    page = await demo.list_jobs(query)
    seen = [job.job_id for job in page.jobs]
    while page.next_ref is not None:
        page = await demo.list_jobs(query, page.next_ref)
        seen += [job.job_id for job in page.jobs]
    assert seen == sorted(DEMO_JOB_IDS, reverse=True)
    assert page.total == len(DEMO_JOB_IDS)
    assert page.previous_ref is not None
    back = await demo.list_jobs(query, page.previous_ref)
    assert [job.job_id for job in back.jobs] == seen[8:16]


async def test_the_demo_filters_by_name_and_status(demo: JobsClient) -> None:
    named = await demo.list_jobs(JobQuery(name="orders"))
    assert {job.name for job in named.jobs} == {"orders_draft", "orders_submitting"}
    failing = await demo.list_jobs(JobQuery(status="job_running_exception"))
    assert [job.name for job in failing.jobs] == ["fraud_scoring"]
    assert failing.jobs[0].status == "job_running_exception"


async def test_the_demo_serves_plans_and_masks_them(demo: JobsClient) -> None:
    plan = await demo.get_plan(1004)
    assert [step.role for step in plan.steps] == [
        "Data Source",
        "Operator",
        "Operator",
        "Data Sink",
    ]
    assert plan.steps[0].name == "Source: payments_enrich_input"
    assert plan.steps[3].inputs == ("3",)
