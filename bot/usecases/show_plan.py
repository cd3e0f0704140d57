"""Show a job's execution plan: one request (through the cache), rendered as an outline."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.huawei import errors
from bot.render.messages import lookup_error
from bot.render.plan import plan_message
from bot.usecases.answer import Answer
from bot.usecases.projects import Project

log = logging.getLogger(__name__)


async def show_plan(project: Project, job_id: int, *, now: datetime) -> Answer:
    """Fetch the plan and render it, or say in plain words why not."""
    try:
        plan = await project.jobs.get_plan(job_id)
    except errors.JobApiError as error:
        log.warning("plan lookup failed: %s", type(error).__name__, extra=error.log_fields())
        message = lookup_error(
            error, job_id, timeout_s=project.jobs.timeout_s, project=project.name
        )
        return Answer(message, public=False, outcome=type(error).__name__, job_ids=(job_id,))
    message = plan_message(plan, job_id, now=now, project=project.name)
    return Answer(message, public=True, outcome="ok", job_ids=(job_id,))
