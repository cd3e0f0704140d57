"""Replies that Slack refuses or throttles: what the user gets, the audit line, the metrics."""

from __future__ import annotations

import email.utils
import logging
import time

import pytest
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.render.blocks import Message
from bot.slack.delivery import Delivery, Responder
from bot.slack.retries import RateLimitRetry
from tests.conftest import Jobbot, settings_for, start_jobbot, stop_jobbot
from tests.fakes import (
    FakeJobApi,
    FakeSlack,
    LoopbackServer,
    block_action_payload,
    command_body,
    interactive_body,
    message_shortcut_payload,
    wait_until,
)
from tests.ops.test_metrics import value

CARD = Message(text="Job 50320: Running", blocks=[])


def audit_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bot.audit"]


async def finished(bot: Jobbot, caplog: pytest.LogCaptureFixture) -> logging.LogRecord:
    await wait_until(lambda: bool(audit_lines(caplog)))
    [line] = audit_lines(caplog)
    return line


def metrics(bot: Jobbot) -> str:
    return bot.runtime.metrics.render().decode()


@pytest.fixture
def audit(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="bot.audit")
    return caplog


async def test_a_refused_response_url_is_audited_counted_and_not_timed(
    jobbot: Jobbot, audit: pytest.LogCaptureFixture
) -> None:
    jobbot.fake_slack.hook_status, jobbot.fake_slack.hook_error = 404, "expired_url"
    await jobbot.post(command_body("50320", jobbot.fake_slack.hook_url("gone")))
    line = await finished(jobbot, audit)
    assert line.outcome == "ok; reply refused: expired_url"
    text = metrics(jobbot)
    assert value(text, "jobbot_slack_api_errors_total", method="response_url", error="expired_url")
    assert value(text, "jobbot_request_to_reply_seconds_count", kind="command") is None


async def test_a_delivered_reply_is_timed_and_audited_ok(
    jobbot: Jobbot, audit: pytest.LogCaptureFixture
) -> None:
    await jobbot.post(command_body("50320", jobbot.fake_slack.hook_url("fine")))
    line = await finished(jobbot, audit)
    assert line.outcome == "ok"
    text = metrics(jobbot)
    assert value(text, "jobbot_request_to_reply_seconds_count", kind="command") == 1
    assert "jobbot_slack_api_errors_total{" not in text


async def test_a_refused_thread_post_is_audited_counted_and_not_timed(
    jobbot: Jobbot, audit: pytest.LogCaptureFixture
) -> None:
    jobbot.fake_slack.refuse["C0INCIDENT"] = "restricted_action"
    payload = message_shortcut_payload("job 50320", jobbot.fake_slack.hook_url("no-thread"))
    await jobbot.post(interactive_body(payload))
    line = await finished(jobbot, audit)
    assert "ok" not in line.outcome.split()
    assert line.outcome.endswith("chat.postMessage refused: restricted_action")
    # The user still hears that something went wrong, with the error ID.
    [message] = jobbot.fake_slack.posts_to("no-thread")
    assert line.correlation_id in message["text"]
    text = metrics(jobbot)
    labels = {"method": "chat.postMessage", "error": "restricted_action"}
    assert value(text, "jobbot_slack_api_errors_total", **labels) == 1
    assert value(text, "jobbot_request_to_reply_seconds_count", kind="shortcut") is None


async def test_a_refused_refresh_is_audited_as_refused(
    jobbot: Jobbot, audit: pytest.LogCaptureFixture
) -> None:
    jobbot.fake_slack.hook_status, jobbot.fake_slack.hook_error = 404, "used_url"
    payload = block_action_payload('{"job_id": 50320}', jobbot.fake_slack.hook_url("old"))
    await jobbot.post(interactive_body(payload))
    line = await finished(jobbot, audit)
    assert line.outcome == "ok; reply refused: used_url"
    assert value(metrics(jobbot), "jobbot_request_to_reply_seconds_count", kind="refresh") is None


async def test_a_refused_denial_is_audited_as_refused(
    fake_slack: FakeSlack, fake_jobs: FakeJobApi, audit: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(fake_slack, fake_jobs, JOBBOT_ALLOWED_USERS="U0ADMIN")
    bot = await start_jobbot(settings, fake_slack, fake_jobs)
    try:
        fake_slack.hook_status, fake_slack.hook_error = 404, "expired_url"
        url = fake_slack.hook_url("denied")
        await bot.post(interactive_body(block_action_payload('{"job_id": 1}', url)))
        line = await finished(bot, audit)
        assert line.outcome.startswith("denied: ")
        assert line.outcome.endswith("; reply refused: expired_url")
        assert value(metrics(bot), "jobbot_request_to_reply_seconds_count", kind="refresh") is None
    finally:
        await stop_jobbot(bot)


async def test_a_throttled_response_url_is_waited_out_as_slack_says(
    jobbot: Jobbot, audit: pytest.LogCaptureFixture
) -> None:
    """429 + Retry-After: 3 twice: the card arrives, after two waits of 3 s (not slept here)."""
    fake = jobbot.fake_slack
    fake.throttle_hooks, fake.retry_after_s = 2, 3
    started = time.monotonic()
    await jobbot.post(command_body("50320", fake.hook_url("busy")))
    line = await finished(jobbot, audit)
    assert line.outcome == "ok"
    assert [post["text"] for post in fake.posts_to("busy")] == ["Job 50320 my_job_001: Running"]
    assert len(fake.posts_to("busy#429")) == 2
    assert len(fake.slept) == 2
    assert all(3.0 <= wait < 4.0 for wait in fake.slept)  # Retry-After plus the SDK's jitter
    assert time.monotonic() - started < 2.0


async def test_a_response_url_is_used_at_most_five_times(fake_slack: FakeSlack) -> None:
    refused: list[tuple[str, str]] = []
    responder = Responder(on_refused=lambda *call: refused.append(call), sleep=fake_slack.sleep)
    url = fake_slack.hook_url("five")
    try:
        results = [await responder.respond(url, CARD) for _ in range(6)]
    finally:
        await responder.aclose()
    assert results[:5] == [Delivery(arrived=True)] * 5
    assert results[5] == Delivery(arrived=False, error="response_url_used_up")
    assert len(fake_slack.posts_to("five")) == 5
    assert refused == []  # nothing was sent to Slack for the sixth


async def test_an_unreachable_response_url_is_retried_then_reported(fake_slack: FakeSlack) -> None:
    closed = LoopbackServer()
    await closed.start()
    url = f"{closed.url}/hooks/nobody"
    await closed.stop()  # nothing listens on that port any more: connection refused
    refused: list[tuple[str, str]] = []
    responder = Responder(on_refused=lambda *call: refused.append(call), sleep=fake_slack.sleep)
    try:
        result = await responder.respond(url, CARD)
    finally:
        await responder.aclose()
    assert result == Delivery(arrived=False, error="connection_failed")
    assert refused == [("response_url", "connection_failed")]
    assert len(fake_slack.slept) == 2  # the SDK's connection-error handler retried twice


async def test_retry_after_as_an_http_date_is_read() -> None:
    """The SDK's own handler raises on an HTTP-date Retry-After; ours waits until then."""
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    soon = email.utils.formatdate(time.time() + 10, usegmt=True)
    handler = RateLimitRetry(sleep=sleep)
    state = RetryState()
    await handler.prepare_for_next_attempt_async(
        state=state,
        request=HttpRequest(method="POST", url="https://hooks.slack.com/x", headers={}),
        response=HttpResponse(status_code=429, headers={"Retry-After": soon}),
    )
    assert state.current_attempt == 1
    [wait] = slept
    assert 8.0 <= wait <= 11.0


async def test_a_huge_retry_after_is_capped() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    handler = RateLimitRetry(sleep=sleep, max_wait_s=30.0)
    await handler.prepare_for_next_attempt_async(
        state=RetryState(),
        request=HttpRequest(method="POST", url="https://hooks.slack.com/x", headers={}),
        response=HttpResponse(status_code=429, headers={"retry-after": "3600"}),
    )
    assert slept == [30.0]
