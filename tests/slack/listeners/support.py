"""Helpers for the listener tests: job payloads, job API faults, reading Slack messages."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web

from tests.conftest import sample
from tests.fakes import FakeJobApi, Responder, wait_until

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


class Audits:
    """The audit lines written so far: one per request, once its work (and replies) is done."""

    def __init__(self, caplog: Any) -> None:
        caplog.set_level(logging.INFO, logger="bot.audit")
        self._caplog = caplog

    def lines(self) -> list[str]:
        return [r.getMessage() for r in self._caplog.records if r.name == "bot.audit"]

    async def settled(self, count: int) -> list[str]:
        """Wait until `count` requests have finished their work; return their audit lines."""
        await wait_until(lambda: len(self.lines()) >= count)
        return self.lines()
