"""What the Details modal needs: the job, and its execution plan when the API gives one."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from bot.huawei import errors
from bot.jobs.cache import JobCache
from bot.jobs.client import JobsClient
from bot.jobs.plan import ExecutionPlan
from bot.usecases.show_job import JobAnswer, show_job

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobDetails:
    """A job (or why there is none) and its plan (None when unavailable)."""

    answer: JobAnswer
    plan: ExecutionPlan | None


async def job_details(jobs: JobCache, job_id: int, *, now: datetime) -> JobDetails:
    """Fetch the job and its plan together; a plan that cannot be read is left out."""
    answer, plan = await asyncio.gather(show_job(jobs, job_id, now=now), _plan(jobs, job_id))
    return JobDetails(answer, plan if answer.found else None)


async def _plan(jobs: JobCache, job_id: int) -> ExecutionPlan | None:
    source = jobs.source
    if not isinstance(source, JobsClient):
        return None
    try:
        return await source.get_plan(job_id)
    except errors.JobApiError as error:
        # The plan is extra: the details are shown without it, and the log says why.
        log.info("no execution plan: %s", type(error).__name__, extra={"job_id": job_id})
        return None
