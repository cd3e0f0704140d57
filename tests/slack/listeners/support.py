"""Helpers for the listener tests: job payloads, job API faults, reading Slack messages."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web

from tests.conftest import sample
from tests.fakes import FakeJobApi, Responder

APIG_NO_BACKEND = {
    "error_code": "APIG.0610",
    "error_msg": "No backend available.",
    "request_id": "r-1",
}


def add_job(
    fake_jobs: FakeJobApi, job_id: int, *, name: str | None = None, status: str = "job_running"
) -> dict[str, Any]:
    """Add a CS job to the fake, modelled on the recorded running job."""
    job = copy.deepcopy(sample("cs/job_running")["payload"])
    job.update(job_id=job_id, name=name or f"flink_job_{job_id}", status=status)
    fake_jobs.jobs[job_id] = job
    return job


async def no_backend(request: web.Request) -> web.Response:
    """Answer as the API gateway does when the job service is down (503, APIG.0610)."""
    return web.json_response(APIG_NO_BACKEND, status=503)


@contextmanager
def hanging() -> Iterator[Responder]:
    """A job API handler that never answers while the block runs (released on exit)."""
    release = asyncio.Event()

    async def handler(request: web.Request) -> web.Response:
        await release.wait()
        return web.json_response(APIG_NO_BACKEND, status=503)

    try:
        yield handler
    finally:
        release.set()


def all_text(message: dict[str, Any]) -> str:
    """Return every string in a message payload, joined (to search what the user sees)."""
    return json.dumps(message, ensure_ascii=False)


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the buttons of a message's actions blocks."""
    return [
        element
        for block in message.get("blocks") or []
        if block.get("type") == "actions"
        for element in block["elements"]
        if element.get("type") == "button"
    ]


def blocks_of(params: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the blocks of a chat.postMessage call (JSON, or a JSON string in a form)."""
    blocks = params.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)
