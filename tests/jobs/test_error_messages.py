"""Each error body shape, from each API, becomes the right message on the card path."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from bot.jobs.cache import JobCache
from bot.jobs.service import create_jobs_client
from bot.slack.delivery import Responder
from bot.slack.deps import Deps
from bot.usecases.show_job import show_job
from tests.conftest import PROJECT_ID, make_settings, sample
from tests.fakes import FakeJobApi

JOB_ID = 42

# (service, HTTP status, body, words the user must see, retry button expected)
CASES: list[tuple[str, int, dict[str, Any], str, bool]] = [
    (
        "cs",
        404,
        {"error_name": "JOB_NOT_EXIST", "error_cause": "Job 42 does not exist."},
        "was not found",
        False,
    ),
    ("cs", 400, sample("cs/error_token_expired"), "rejected jobbot's credentials", False),
    (
        "cs",
        400,
        {"error_id": "CS.10005", "error_cause": "You have no permission."},
        "may not read job",
        False,
    ),
    # An error we cannot classify is a 4xx: trying again would not change the answer.
    ("cs", 400, sample("cs/error_job_name_exist"), "refused to show job", False),
    ("dli", 400, sample("dli/error_not_found"), "was not found", False),
    (
        "dli",
        400,
        {"error_code": "DLI.0002", "error_msg": "The object does not exist."},
        "was not found",
        False,
    ),
    (
        "dli",
        404,
        {"error_code": "DLI.0023", "error_msg": "No related resources were found."},
        "was not found",
        False,
    ),
    (
        "dli",
        401,
        {"error_code": "DLI.0013", "error_msg": "User authentication errors occur."},
        "rejected jobbot's credentials",
        False,
    ),
    (
        "dli",
        400,
        {"error_code": "DLI.0999", "error_msg": "Server-side errors occur."},
        "unavailable",
        True,
    ),
    ("cs", 401, sample("apig/error_token_expired"), "rejected jobbot's credentials", False),
    ("dli", 401, sample("apig/error_token_expired"), "rejected jobbot's credentials", False),
    ("cs", 429, sample("apig/error_throttled"), "rate limiting", True),
    (
        "dli",
        403,
        {
            "error_code": "APIGW.0302",
            "error_msg": "The IAM user is not authorized",
            "request_id": "r-403",
        },
        "may not read job",
        False,
    ),
    (
        "dli",
        503,
        {"error_code": "APIG.0613", "error_msg": "IAM unavailable", "request_id": "r-503"},
        "unavailable",
        True,
    ),
]


@pytest.fixture
async def apis() -> AsyncIterator[dict[str, FakeJobApi]]:
    servers = {name: FakeJobApi(service=name) for name in ("cs", "dli")}
    for server in servers.values():
        await server.start()
    yield servers
    for server in servers.values():
        await server.stop()


@pytest.mark.parametrize(("service", "status", "body", "words", "retry"), CASES)
async def test_error_body_becomes_the_right_message(
    apis: dict[str, FakeJobApi],
    caplog: pytest.LogCaptureFixture,
    service: str,
    status: int,
    body: dict[str, Any],
    words: str,
    retry: bool,
) -> None:
    api = apis[service]

    async def answer(request: web.Request) -> web.Response:
        return web.json_response(body, status=status, headers={"X-Request-Id": "hdr-req-1"})

    api.faults[JOB_ID] = answer
    settings = make_settings(
        JOBBOT_API=service,
        JOBBOT_ENDPOINT=api.url,
        HUAWEICLOUD_SDK_PROJECT_ID=PROJECT_ID,
        JOBBOT_AUTH_TOKEN="t",
        JOBBOT_TIMEOUT_S=1,
    )
    client = create_jobs_client(settings.cloud_access())
    deps = Deps(settings, JobCache(client, ttl_s=0), Responder())
    caplog.set_level(logging.WARNING, logger="bot.usecases.show_job")
    try:
        result = await show_job(deps.jobs, JOB_ID, now=deps.clock())
    finally:
        await client.aclose()
        await deps.responder.aclose()
    assert not result.found
    text = json.dumps(result.message.blocks)
    assert words in text
    assert ("Try again" in text) is retry
    # The gateway's request ID travels with the error into the log line.
    record = next(r for r in caplog.records if r.name == "bot.usecases.show_job")
    assert record.request_id == "hdr-req-1"
