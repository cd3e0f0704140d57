"""What every request passes: access control, Slack retries and duplicates, limits."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator

import pytest

from tests.conftest import Jobbot, settings_for, start_jobbot, stop_jobbot
from tests.fakes import (
    FakeJobApi,
    FakeSlack,
    block_action_payload,
    command_body,
    interactive_body,
    message_shortcut_payload,
    wait_until,
)


@pytest.fixture
async def guarded_bot(fake_slack: FakeSlack, fake_jobs: FakeJobApi) -> AsyncIterator[Jobbot]:
    fake_slack.usergroups = {"S0ONCALL": ["U0ONCALL", "U0LEAD"]}
    settings = settings_for(
        fake_slack,
        fake_jobs,
        JOBBOT_ALLOWED_USERS="U0ADMIN",
        JOBBOT_ALLOWED_USERGROUPS="S0ONCALL",
        JOBBOT_ALLOWED_CHANNELS="C0INCIDENT,C0OPS",
    )
    bot = await start_jobbot(settings, fake_slack, fake_jobs)
    yield bot
    await stop_jobbot(bot)


async def send(bot: Jobbot, kind: str, user: str, channel: str, hook: str):
    url = bot.fake_slack.hook_url(hook)
    if kind == "command":
        return await bot.post(command_body("50320", url, user_id=user, channel_id=channel))
    if kind == "shortcut":
        payload = message_shortcut_payload("job 50320", url, user_id=user, channel_id=channel)
    else:
        payload = block_action_payload('{"job_id": 50320}', url, user_id=user, channel_id=channel)
    return await bot.post(interactive_body(payload))


@pytest.mark.parametrize("kind", ["command", "shortcut", "button"])
@pytest.mark.parametrize(
    ("user", "channel", "allowed", "reason"),
    [
        ("U0ADMIN", "C0INCIDENT", True, ""),
        ("U0ONCALL", "C0OPS", True, ""),  # through the S0ONCALL user group
        ("U0STRANGER", "C0INCIDENT", False, "not on jobbot's list of allowed users"),
        ("U0ADMIN", "C0RANDOM", False, "not enabled in this channel"),
    ],
)
async def test_access_control(
    guarded_bot: Jobbot, kind: str, user: str, channel: str, allowed: bool, reason: str
) -> None:
    hook = f"{kind}-{user}-{channel}"
    response = await send(guarded_bot, kind, user, channel, hook)
    assert response.status_code == 200
    fake_slack, fake_jobs = guarded_bot.fake_slack, guarded_bot.fake_jobs
    if allowed:

        def delivered():
            return bool(fake_slack.posts_to(hook) or fake_slack.calls_to("chat.postMessage"))

        await wait_until(delivered)
        assert len(fake_jobs.requests) == 1
        return
    if kind == "command":
        denial = response.json()  # answered in the acknowledgement itself
    else:
        await wait_until(lambda: bool(fake_slack.posts_to(hook)))
        denial = fake_slack.posts_to(hook)[0]
    assert denial["response_type"] == "ephemeral"
    assert reason in denial["text"]
    await guarded_bot.settled()
    assert fake_jobs.requests == []  # a denied request never reaches the job API
    assert fake_slack.calls_to("chat.postMessage") == []


async def test_user_group_members_are_cached(guarded_bot: Jobbot) -> None:
    for n in range(3):
        await send(guarded_bot, "command", "U0LEAD", "C0OPS", f"lead-{n}")
    await wait_until(lambda: len(guarded_bot.fake_slack.hooks) == 3)
    assert len(guarded_bot.fake_slack.calls_to("usergroups.users.list")) == 1


async def test_a_slack_retry_causes_no_second_lookup_or_post(jobbot: Jobbot) -> None:
    body = command_body("50320", jobbot.fake_slack.hook_url("retried"))
    first = await jobbot.post(body)
    retry = await jobbot.post(
        body, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.headers.get("X-Slack-No-Retry") == "1"
    await wait_until(lambda: bool(jobbot.fake_slack.posts_to("retried")))
    await jobbot.settled()
    assert len(jobbot.fake_slack.posts_to("retried")) == 1
    assert len(jobbot.fake_jobs.requests) == 1


async def test_a_duplicate_delivery_is_answered_once(jobbot: Jobbot) -> None:
    """The same signed request delivered twice (same trigger_id) gets one card."""
    body = command_body("50320", jobbot.fake_slack.hook_url("dup"), trigger_id="111.222.dup")
    responses = await asyncio.gather(jobbot.post(body), jobbot.post(body))
    assert [r.status_code for r in responses] == [200, 200]
    await wait_until(lambda: bool(jobbot.fake_slack.posts_to("dup")))
    await jobbot.settled()
    assert len(jobbot.fake_slack.posts_to("dup")) == 1
    assert len(jobbot.fake_jobs.requests) == 1


async def test_five_cards_into_one_thread_survive_slack_rate_limits(jobbot: Jobbot) -> None:
    """Slack answers 429 with Retry-After; every card still arrives, in order."""
    fake_jobs = jobbot.fake_jobs
    base = fake_jobs.jobs[50320]
    ids = [50320, 50321, 50322, 50323, 50324]
    for job_id in ids[1:]:
        fake_jobs.jobs[job_id] = {**base, "job_id": job_id, "name": f"job_{job_id}"}
    jobbot.fake_slack.throttle_posts = 2
    jobbot.fake_slack.retry_after_s = 1
    text = " ".join(f"job {n}" for n in ids)
    payload = message_shortcut_payload(text, jobbot.fake_slack.hook_url("rl"))
    assert (await jobbot.post(interactive_body(payload))).status_code == 200
    await wait_until(lambda: len(jobbot.fake_slack.calls_to("chat.postMessage")) == 5, timeout=8)
    posted = [
        json.loads(json.dumps(c.params))["text"]
        for c in jobbot.fake_slack.calls_to("chat.postMessage")
    ]
    assert [t.split()[1] for t in posted] == [str(n) for n in ids]
    assert len(jobbot.fake_slack.calls_to("chat.postMessage#429")) == 2
    # Each 429 was waited out for its Retry-After (through the fake's clock, not for real).
    assert len(jobbot.fake_slack.slept) == 2
    assert all(1.0 <= wait < 2.0 for wait in jobbot.fake_slack.slept)


async def test_an_oversized_body_is_refused(jobbot: Jobbot) -> None:
    body = command_body("50320 " + "x" * 600_000, jobbot.fake_slack.hook_url("big"))
    response = await jobbot.post(body)
    assert response.status_code == 413
    await jobbot.settled()
    assert jobbot.fake_jobs.requests == []


async def test_every_request_writes_one_audit_line(
    jobbot: Jobbot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.audit")
    await jobbot.post(command_body("50320", jobbot.fake_slack.hook_url("a1"), user_id="U0AUD"))
    await jobbot.post(command_body("help", jobbot.fake_slack.hook_url("a2"), user_id="U0AUD"))
    await wait_until(lambda: len([r for r in caplog.records if r.name == "bot.audit"]) == 2)
    lookup, usage = sorted(
        (r for r in caplog.records if r.name == "bot.audit"), key=lambda r: r.outcome
    )
    assert (lookup.user, lookup.channel, lookup.what) == ("U0AUD", "C0INCIDENT", "/job 50320")
    assert lookup.outcome == "ok"
    assert lookup.job_ids == [50320]
    assert lookup.duration_ms >= 0
    assert len(lookup.correlation_id) == 12
    assert usage.outcome == "usage"


async def test_a_denial_does_not_hold_the_ack_when_response_url_is_slow(
    guarded_bot: Jobbot,
) -> None:
    """Slack answers the response_url with 429: the button is still acknowledged at once."""
    guarded_bot.fake_slack.hook_status = 429
    started = time.monotonic()
    response = await send(guarded_bot, "button", "U0STRANGER", "C0INCIDENT", "slow-denial")
    assert response.status_code == 200
    assert time.monotonic() - started < 1.0
    assert guarded_bot.fake_jobs.requests == []


async def test_slow_user_group_lookups_do_not_queue_up_before_the_acks(
    guarded_bot: Jobbot,
) -> None:
    """usergroups.users.list takes 3 s: four concurrent commands are all refused within ~1 s."""
    guarded_bot.fake_slack.usergroups_delay_s = 3.0
    started = time.monotonic()
    responses = await asyncio.gather(
        *(send(guarded_bot, "command", "U0ONCALL", "C0OPS", f"slow-{n}") for n in range(4))
    )
    elapsed = time.monotonic() - started
    assert [r.status_code for r in responses] == [200] * 4
    assert elapsed < 2.0
    assert all("not on jobbot's list" in r.json()["text"] for r in responses)
    assert len(guarded_bot.fake_slack.calls_to("usergroups.users.list")) <= 1
