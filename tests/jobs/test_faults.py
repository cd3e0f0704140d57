"""Faults of the job API: each ends within the deadline, with the right error and attempts."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web

from bot.huawei import errors
from bot.jobs.client import JobsClient, RetryPolicy
from bot.jobs.service import create_jobs_client
from tests.conftest import PROJECT_ID, make_settings, sample
from tests.fakes import FakeJobApi
from tests.waiting import FakeTime

DEADLINE_S = 1.5
JOB_ID = 50320
MAX_ATTEMPTS = RetryPolicy().max_attempts
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def hang(request: web.Request) -> web.StreamResponse:
    await asyncio.sleep(60)
    return web.Response()


async def slow(request: web.Request) -> web.StreamResponse:
    await asyncio.sleep(DEADLINE_S + 1.0)
    return web.json_response({"payload": sample("cs/job_running")["payload"]})


async def reset(request: web.Request) -> web.StreamResponse:
    assert request.transport is not None
    request.transport.abort()
    return web.Response()


def status(code: int, body: str | None = None, headers: dict[str, str] | None = None) -> Handler:
    async def answer(request: web.Request) -> web.StreamResponse:
        error = {"error_code": f"APIG.0{code}", "error_msg": f"HTTP {code}"}
        text = body or json.dumps({**error, "request_id": f"r-{code}"})
        return web.Response(
            status=code, text=text, content_type="application/json", headers=headers
        )

    return answer


HTML = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
TRUNCATED = '{"message_id": "CS.10001", "current_time": 1533686888000, "payload": {"job_id": 503'

# (fault, handler, expected error, expected attempts)
CASES: list[tuple[str, Handler, type[errors.JobApiError], int]] = [
    ("hanging server", hang, errors.ApiTimeout, 1),
    ("slow server beyond the deadline", slow, errors.ApiTimeout, 1),
    ("connection reset", reset, errors.ApiUnavailable, MAX_ATTEMPTS),
    ("HTTP 500", status(500), errors.ApiUnavailable, MAX_ATTEMPTS),
    ("HTTP 502", status(502), errors.ApiUnavailable, MAX_ATTEMPTS),
    ("HTTP 503", status(503), errors.ApiUnavailable, MAX_ATTEMPTS),
    ("HTTP 504", status(504), errors.ApiUnavailable, MAX_ATTEMPTS),
    ("429 without Retry-After", status(429), errors.Throttled, MAX_ATTEMPTS),
    ("429 with Retry-After: 0", status(429, headers={"Retry-After": "0"}), errors.Throttled, 4),
    ("429 with Retry-After: 1", status(429, headers={"Retry-After": "1"}), errors.Throttled, 2),
    ("429 with Retry-After: 30", status(429, headers={"Retry-After": "30"}), errors.Throttled, 1),
    ("HTML page with 200", status(200, HTML), errors.BadResponse, 1),
    ("HTML page with 502", status(502, HTML), errors.ApiUnavailable, MAX_ATTEMPTS),
    ("truncated JSON", status(200, TRUNCATED), errors.BadResponse, 1),
    ("HTTP 403", status(403), errors.Forbidden, 1),
    (
        "HTTP 400 error body",
        status(400, '{"error_id": "CS.10004", "error_cause": "bad json"}'),
        errors.ApiRejected,
        1,
    ),
]


@pytest.fixture
async def api() -> AsyncIterator[FakeJobApi]:
    server = FakeJobApi(service="cs")
    await server.start()
    yield server
    await server.stop()


def faulty_client(api: FakeJobApi, fake: FakeTime, deadline_s: float = DEADLINE_S) -> JobsClient:
    settings = make_settings(
        JOBBOT_API="cs",
        JOBBOT_ENDPOINT=api.url,
        HUAWEICLOUD_SDK_PROJECT_ID=PROJECT_ID,
        JOBBOT_AUTH_TOKEN="t",
        JOBBOT_TIMEOUT_S=deadline_s,
    )
    return create_jobs_client(settings.cloud_access(), clock=fake.monotonic, sleep=fake.sleep)


@pytest.mark.parametrize(
    ("fault", "handler", "expected", "attempts"), CASES, ids=[case[0] for case in CASES]
)
async def test_fault_ends_within_the_deadline_with_the_right_error(
    api: FakeJobApi,
    fault: str,
    handler: Handler,
    expected: type[errors.JobApiError],
    attempts: int,
) -> None:
    api.faults[JOB_ID] = handler
    # Retry waits are skipped but counted: `elapsed` is real time plus the waits.
    fake = FakeTime()
    client = faulty_client(api, fake)
    started = fake.monotonic()
    try:
        with pytest.raises(expected) as caught:
            await client.get_job(JOB_ID)
    finally:
        elapsed = fake.monotonic() - started
        await client.aclose()
    assert type(caught.value) is expected
    assert elapsed < DEADLINE_S + 0.25, f"{fault} took {elapsed:.2f} s"
    assert len(api.requests) == attempts, fault
    assert caught.value.attempts == attempts
    print(f"{fault}: {type(caught.value).__name__}, {attempts} attempt(s), {elapsed * 1000:.0f} ms")


async def test_retry_waits_go_through_the_injected_sleep_and_use_up_the_deadline(
    api: FakeJobApi,
) -> None:
    """Retry-After: 1 twice within 1.5 s: one wait of 1 s (skipped), then the 429 is told."""
    api.faults[JOB_ID] = status(429, headers={"Retry-After": "1"})
    fake = FakeTime()
    client = faulty_client(api, fake)
    started = time.monotonic()
    try:
        with pytest.raises(errors.Throttled):
            await client.get_job(JOB_ID)
    finally:
        await client.aclose()
    assert fake.slept == [1.0]
    assert len(api.requests) == 2
    assert time.monotonic() - started < 0.5  # the wait was not slept for real


async def test_after_a_wait_the_deadline_is_what_is_left_of_the_budget(api: FakeJobApi) -> None:
    """A 429 with Retry-After: 1, then a hanging answer: cut at 1.5 s of the clock, not 2.5."""
    answers = [status(429, headers={"Retry-After": "1"}), hang]
    api.faults[JOB_ID] = lambda request: answers.pop(0)(request)
    fake = FakeTime()
    client = faulty_client(api, fake)
    started = time.monotonic()
    try:
        with pytest.raises(errors.ApiTimeout) as caught:
            await client.get_job(JOB_ID)
    finally:
        real_s = time.monotonic() - started
        await client.aclose()
    assert caught.value.attempts == 2
    assert fake.slept == [1.0]
    # The skipped second counts: the hanging attempt gets the 0.5 s left, not 1.5 s.
    assert 0.4 < real_s < 1.0, real_s
