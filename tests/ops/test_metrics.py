"""GET /metrics on the real server, and the Metrics hooks the job client and cache call."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families

from bot.huawei import errors
from bot.jobs.cache import JobCache
from bot.jobs.models import Job
from bot.ops.metrics import Metrics
from bot.runtime import build_runtime
from bot.slack.server import create_web_app
from tests.conftest import PROJECT_ID, Jobbot, make_settings, settings_for, stop_jobbot
from tests.fakes import FakeJobApi, FakeSlack, LoopbackServer, command_body, wait_until
from tests.gateway import FakeIam, TokenCheck


@pytest.fixture
async def metered_jobbot(fake_slack: FakeSlack, fake_jobs: FakeJobApi) -> AsyncIterator[Jobbot]:
    """jobbot's real server as `jobbot serve` builds it: with GET /metrics."""
    runtime = build_runtime(settings_for(fake_slack, fake_jobs))
    assert runtime.app is not None
    server = LoopbackServer()
    server.app = create_web_app(runtime.app, runtime.health, runtime.metrics.render)
    await server.start()
    http = httpx.AsyncClient(base_url=server.url, timeout=10)
    bot = Jobbot(runtime, server, http, fake_slack, fake_jobs)
    yield bot
    await stop_jobbot(bot)


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Parse the exposition text into {(sample name, labels): value}."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(text: str, name: str, **labels: str) -> float | None:
    return samples(text).get((name, frozenset(labels.items())))


async def slash_command(bot: Jobbot, text: str, hook: str) -> dict[str, object]:
    response = await bot.post(command_body(text, bot.fake_slack.hook_url(hook)))
    assert response.status_code == 200
    await wait_until(lambda: bool(bot.fake_slack.posts_to(hook)))
    return bot.fake_slack.posts_to(hook)[0]


async def test_metrics_count_lookups_by_outcome_with_attempts_and_latency(
    metered_jobbot: Jobbot,
) -> None:
    bot = metered_jobbot
    card = await slash_command(bot, "50320", "found")
    assert "50320" in str(card["text"])
    await slash_command(bot, "4242", "missing")

    response = await bot.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == CONTENT_TYPE_LATEST
    text = response.text
    assert value(text, "jobbot_lookups_total", api="cs", outcome="ok") == 1
    assert value(text, "jobbot_lookups_total", api="cs", outcome="JobNotFound") == 1
    assert value(text, "jobbot_upstream_attempts_total", api="cs") == 2
    assert value(text, "jobbot_upstream_retries_total", api="cs") is None  # none happened
    assert value(text, "jobbot_lookup_seconds_count", api="cs") == 2
    assert value(text, "jobbot_lookup_seconds_bucket", api="cs", le="+Inf") == 2
    assert (value(text, "jobbot_lookup_seconds_sum", api="cs") or 0) > 0


async def test_metrics_count_retries(metered_jobbot: Jobbot) -> None:
    bot = metered_jobbot
    calls = 0

    async def down_once(request: web.Request) -> web.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            body = {"error_code": "APIG.0610", "error_msg": "No backend available."}
            return web.json_response(body, status=503)
        return bot.fake_jobs.not_found(777)

    bot.fake_jobs.faults[777] = down_once
    await slash_command(bot, "777", "flaky")
    text = (await bot.http.get("/metrics")).text
    assert value(text, "jobbot_upstream_attempts_total", api="cs") == 2
    assert value(text, "jobbot_upstream_retries_total", api="cs") == 1
    assert value(text, "jobbot_lookups_total", api="cs", outcome="JobNotFound") == 1


class GatedSource:
    """A job source whose answers wait for `release`, counting requests."""

    service = "cs"
    timeout_s = 5.0

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.requests = 0

    async def get_job(self, job_id: int) -> Job:
        self.requests += 1
        await self.release.wait()
        raise errors.JobNotFound(f"job {job_id} does not exist")


async def test_cache_hits_and_coalesced_lookups_are_counted() -> None:
    metrics = Metrics()
    source = GatedSource()
    lookup = JobCache(source, ttl_s=60, observer=metrics)
    first = asyncio.create_task(lookup.get(1))
    second = asyncio.create_task(lookup.get(1))  # joins the request in flight
    await asyncio.sleep(0)
    source.release.set()
    for task in (first, second):
        with pytest.raises(errors.JobNotFound):
            await task
    with pytest.raises(errors.JobNotFound):
        await lookup.get(1)  # "not found" is cached too
    assert source.requests == 1
    text = metrics.render().decode()
    assert value(text, "jobbot_coalesced_lookups_total") == 1
    assert value(text, "jobbot_cache_hits_total") == 1


async def test_token_renewals_are_counted_through_the_runtime(fake_jobs: FakeJobApi) -> None:
    iam = FakeIam("jobbot-reader", "Corr3ct-Horse!", "acme-cloud", PROJECT_ID)
    await iam.start()
    check = TokenCheck()
    fake_jobs.check_auth = check
    iam.on_issue = check.valid.add
    settings = make_settings(
        JOBBOT_API="cs",
        JOBBOT_ENDPOINT=fake_jobs.url,
        HUAWEICLOUD_SDK_PROJECT_ID=PROJECT_ID,
        JOBBOT_IAM_ENDPOINT=iam.url,
        JOBBOT_IAM_USER="jobbot-reader",
        JOBBOT_IAM_PASSWORD="Corr3ct-Horse!",
        JOBBOT_IAM_DOMAIN="acme-cloud",
    )
    runtime = build_runtime(settings, with_app=False)
    try:
        await runtime.deps.jobs.get(50320)
        check.valid.clear()  # the API now rejects the token as expired: one renewal
        await runtime.jobs.get_job(50320)
    finally:
        await runtime.aclose()
        await iam.stop()
    assert iam.issued == ["MIIT-token-1", "MIIT-token-2"]
    text = runtime.metrics.render().decode()
    assert value(text, "jobbot_token_renewals_total") == 2


def test_slack_errors_and_end_to_end_latency_are_rendered() -> None:
    metrics = Metrics()
    metrics.slack_api_error("chat.postMessage", "not_in_channel")
    metrics.slack_api_error("chat.postMessage", "not_in_channel")
    metrics.delivered("command", 0.4)
    metrics.delivered("shortcut", 1.5)
    text = metrics.render().decode()
    errors_total = value(
        text, "jobbot_slack_api_errors_total", method="chat.postMessage", error="not_in_channel"
    )
    assert errors_total == 2
    assert value(text, "jobbot_request_to_reply_seconds_count", kind="command") == 1
    assert value(text, "jobbot_request_to_reply_seconds_bucket", kind="shortcut", le="1.0") == 0
    assert value(text, "jobbot_request_to_reply_seconds_bucket", kind="shortcut", le="2.0") == 1
    assert value(text, "jobbot_token_renewals_total") == 0


def test_each_metrics_has_its_own_registry() -> None:
    one, two = Metrics(), Metrics()
    one.cache_hit()
    assert value(one.render().decode(), "jobbot_cache_hits_total") == 1
    assert value(two.render().decode(), "jobbot_cache_hits_total") == 0


async def test_ignored_slack_retries_are_not_timed_as_replies(fake_slack, fake_jobs) -> None:
    """A retry or duplicate gets no reply, so it must not count in request_to_reply."""
    from tests.conftest import settings_for, start_jobbot, stop_jobbot
    from tests.fakes import command_body, wait_until

    bot = await start_jobbot(settings_for(fake_slack, fake_jobs), fake_slack, fake_jobs)
    try:
        body = command_body("50320", fake_slack.hook_url("once"))
        await bot.post(body)
        await wait_until(lambda: bool(fake_slack.posts_to("once")))
        await bot.post(body, **{"X-Slack-Retry-Num": "1"})
        await bot.post(body)  # the same delivery again
        text = bot.runtime.metrics.render().decode()
    finally:
        await stop_jobbot(bot)
    assert 'jobbot_request_to_reply_seconds_count{kind="command"} 1.0' in text
