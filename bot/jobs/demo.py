"""The demo job service: sample jobs, their list and plans in the CS wire format, no network.

`JOBBOT_API=demo` plugs this transport under the real client, so a demo lookup runs the
whole path (client, decoding, model, card) that a CS lookup does.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

import httpx

from bot.jobs.demo_jobs import (
    DEMO_FAULTS,
    DEMO_JOB_IDS,
    DEMO_PROJECT_ID,
    demo_job,
    demo_jobs,
    demo_plan,
)

__all__ = [
    "DEMO_ENDPOINT",
    "DEMO_FAULTS",
    "DEMO_JOB_IDS",
    "DEMO_PROJECT_ID",
    "DemoTransport",
    "demo_job",
    "demo_plan",
]

DEMO_ENDPOINT = "http://demo.jobbot.invalid"
_PATH = re.compile(r"^/v1\.0/(?P<project>[^/]+)/job/(?P<job_id>\d{1,19})(?P<plan>/execute_graph)?$")
_LIST_PATH = re.compile(r"^/v1\.0/(?P<project>[^/]+)/jobs$")
# What a CS list row carries without show_detail.
_ROW_FIELDS = (
    "job_id", "name", "desc", "job_type", "status", "status_desc", "create_time",
    "start_time", "root_id",
)  # fmt: skip


class DemoTransport(httpx.AsyncBaseTransport):
    """Answer CS job-details, job-list and execution-plan requests from the demo jobs."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Serve one request."""
        now_ms = int(self._clock() * 1000)
        if request.method == "GET" and _LIST_PATH.match(request.url.path):
            return _envelope(now_ms, "The query of jobs succeeds.", _list(request, now_ms))
        match = _PATH.match(request.url.path)
        if request.method != "GET" or match is None:
            return _json(404, {"error_code": "APIG.0101", "error_msg": "The API does not exist."})
        job_id = int(match.group("job_id"))
        if job_id in DEMO_FAULTS:
            status, body = DEMO_FAULTS[job_id]
            return _json(status, body)
        payload = demo_job(job_id, now_ms)
        if payload is None:
            return _json(
                404,
                {
                    "error_name": "JOB_NOT_EXIST",
                    "error_cause": f"The job {job_id} does not exist.",
                    "error_time": now_ms,
                },
            )
        if match.group("plan"):
            plan = {"execute_plan_items": json.dumps(demo_plan(payload))}
            return _envelope(now_ms, "The query of the job execution plan succeeds.", plan)
        return _envelope(now_ms, "The query of job details succeeds.", payload)


def _list(request: httpx.Request, now_ms: int) -> dict[str, Any]:
    """Return CS's list payload: newest (highest ID) first, filtered, one cursor page."""
    query = request.url.params
    ascending = query.get("order") == "asc"
    jobs = sorted(
        demo_jobs(now_ms),
        key=lambda job: int(job["job_id"]),
        reverse=not ascending,
    )
    name = query.get("name")
    if name:
        jobs = [job for job in jobs if name.lower() in str(job["name"]).lower()]
    if query.get("status"):
        jobs = [job for job in jobs if job["status"] == query.get("status")]
    limit = _int(query.get("limit"), None)
    limit = 20 if limit is None or limit < 0 else limit
    cursor = _int(query.get("cursor"), None)
    page = jobs[:limit]
    if cursor is not None:

        def after(job: dict[str, Any]) -> bool:
            return int(job["job_id"]) > cursor if ascending else int(job["job_id"]) < cursor

        if query.get("next") == "false":
            page = [j for j in jobs if int(j["job_id"]) != cursor and not after(j)][-limit:]
        else:
            page = [j for j in jobs if after(j)][:limit]
    if query.get("show_detail") != "true":
        page = [{key: job[key] for key in _ROW_FIELDS if key in job} for job in page]
    return {"total": len(jobs), "jobs": page if limit else []}


def _int(text: str | None, default: int | None) -> int | None:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _envelope(now_ms: int, message: str, payload: dict[str, Any]) -> httpx.Response:
    return _json(
        200,
        {"message_id": "CS.10001", "message": message, "current_time": now_ms, "payload": payload},
    )


def _json(status: int, body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
