"""Show a job: fetch it through the cache and render its card, or the plain-words error."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.huawei import errors
from bot.jobs.cache import JobCache
from bot.jobs.models import Job
from bot.render.blocks import Message
from bot.render.card import build_job_card
from bot.render.messages import lookup_error

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobAnswer:
    """A job card, or the message explaining why there is none."""

    message: Message
    found: bool
    outcome: str
    job: Job | None = None


async def show_job(
    jobs: JobCache, job_id: int, *, now: datetime, project: str = "", shareable: bool = False
) -> JobAnswer:
    """Fetch a job and render its card (with Share when `shareable`), or the plain-words error."""
    try:
        job = await jobs.get(job_id)
    except errors.JobApiError as error:
        log.warning(
            "job lookup failed: %s",
            type(error).__name__,
            extra={"job_id": job_id, **error.log_fields()},
        )
        message = lookup_error(error, job_id, timeout_s=jobs.timeout_s, project=project)
        return JobAnswer(message, found=False, outcome=type(error).__name__)
    card = build_job_card(job, job_id, now=now, project=project, shareable=shareable)
    return JobAnswer(card, found=True, outcome="ok", job=job)
