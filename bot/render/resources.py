"""A job's resources, restarts and savepoint as a person reads them. Pure functions."""

from __future__ import annotations

import re

from bot.jobs.models import Job, ResourceConfig, ResourceSpec
from bot.render.text import code, escape, fit

# DLI writes memory as "4G", "512M", "4Gi" or "8GB"; a person reads "4 GB".
_MEMORY = re.compile(r"^\s*(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>[KMGT])(?:i?B?)?\s*$", re.I)
PATH_LIMIT = 600


def resources_text(job: Job) -> str | None:
    """Return the Resources line: v2 CPU/memory/slots, or v1 CUs (SPUs on CS)."""
    parts: list[str] = []
    config = job.resource_config
    parallelism = (config.parallel_number if config else None) or job.parallel_number
    if parallelism:
        parts.append(f"parallelism {parallelism}")
    if job.uses_v2_resources and config is not None:
        parts += _v2(config)
    else:
        parts += _units(job)
    in_use = job.units_in_use
    # 0 means "as asked": only a different number is news.
    if in_use and in_use > 0 and in_use != job.units:
        parts.append(f"{in_use} CUs in use")
    return escape(", ".join(parts)) if parts else None


def _v2(config: ResourceConfig) -> list[str]:
    parts = []
    for label, spec in (("JobManager", config.jobmanager), ("TaskManager", config.taskmanager)):
        size = _spec(spec)
        if size:
            parts.append(f"{label} {size}")
    if config.max_slot:
        parts.append(f"{config.max_slot} slot{'s' if config.max_slot != 1 else ''}")
    return parts


def _spec(spec: ResourceSpec | None) -> str | None:
    if spec is None:
        return None
    sizes = []
    if spec.cpu is not None and spec.cpu > 0:
        sizes.append(f"{spec.cpu:g} CPU")
    if spec.memory and spec.memory.strip():
        sizes.append(memory_text(spec.memory))
    return " / ".join(sizes) or None


def memory_text(memory: str) -> str:
    """Return DLI's memory size (`4G`) as a person writes it (`4 GB`); other text as it is."""
    match = _MEMORY.match(memory)
    if match is None:
        return memory.strip()[:40]
    return f"{match.group('amount')} {match.group('unit').upper()}B"


def _units(job: Job) -> list[str]:
    unit = "CUs" if job.service == "dli" else "SPUs"
    parts = []
    if job.units:
        parts.append(f"{job.units} {unit}")
    if job.manager_units:
        parts.append(f"{job.manager_units} for the job manager")
    return parts


def restarts_text(job: Job) -> str | None:
    """Return how often the job restarted and whether it restarts itself on failure."""
    parts = []
    known_policy = job.restart_when_exception is not None
    if job.restart_times is not None and (job.restart_times > 0 or known_policy):
        times = job.restart_times
        parts.append(f"restarted {times} time{'s' if times != 1 else ''}")
    if job.restart_when_exception is True:
        limit = job.resume_max_num
        if limit is not None and limit >= 0:
            # DLI's resume_max_num counts restarts per hour, not in the job's whole life.
            parts.append(f"auto-restart on, at most {restarts_an_hour(limit)}")
        else:
            parts.append("auto-restart on, no limit")
    elif job.restart_when_exception is False:
        parts.append("auto-restart off")
    if not parts:
        return None
    text = "; ".join(parts)
    return escape(text[:1].upper() + text[1:])


def restarts_an_hour(limit: int) -> str:
    """Say a restart limit per hour: `once an hour`, `5 times an hour`."""
    if limit == 1:
        return "once an hour"
    return f"{limit} times an hour"


def savepoint_text(job: Job) -> str | None:
    """Return the savepoint's path (or that there is one), when the job has one."""
    if job.savepoint_path and job.savepoint_path.strip():
        return fit(job.savepoint_path.strip(), PATH_LIMIT, render=code)
    if job.has_savepoint:
        return "Yes"
    return None


def checkpoint_path_text(job: Job) -> str | None:
    """Return where checkpoints go, as code, cut to fit a field."""
    if job.checkpoint_path and job.checkpoint_path.strip():
        return fit(job.checkpoint_path.strip(), PATH_LIMIT, render=code)
    return None
