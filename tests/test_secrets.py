"""Configured secrets never reach a log line, a reply or an exception text."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from bot.ops.logs import setup_logging
from tests.conftest import (
    PROJECT_ID,
    SIGNING_SECRET,
    Jobbot,
    settings_for,
    start_jobbot,
    stop_jobbot,
)
from tests.fakes import (
    FakeJobApi,
    FakeSlack,
    block_action_payload,
    command_body,
    interactive_body,
    message_shortcut_payload,
    slack_headers,
    wait_until,
)
from tests.gateway import FakeIam, TokenCheck, aksk_check

AK = "HPUAJ7KXQ4M3Z8RNV2LC"
SK = "sk-SECRET-n8Qk2VwZr5Lp9Xc3Tb7Hy1Ju4Mf6Gd0Sa2Ee8Ri"
SECURITY_TOKEN = "sts-SECRET-token-0f9e8d7c6b5a"
IAM_PASSWORD = "iam-SECRET-Corr3ct-Horse!"
AUTH_TOKEN = "MIIT-SECRET-ready-token-123456"
SECRETS = [SIGNING_SECRET, SK, SECURITY_TOKEN, IAM_PASSWORD, AUTH_TOKEN]


async def hang(request: web.Request) -> web.Response:
    await asyncio.sleep(30)
    return web.Response()


async def unavailable(request: web.Request) -> web.Response:
    return web.json_response({"error_code": "APIG.0610", "error_msg": "down"}, status=503)


async def html(request: web.Request) -> web.Response:
    return web.Response(text="<html>proxy error</html>", content_type="text/html")


async def rejected(request: web.Request) -> web.Response:
    return web.json_response(
        {"error_code": "APIG.0301", "error_msg": "Incorrect IAM authentication information"},
        status=401,
    )


@pytest.fixture
async def iam() -> AsyncIterator[FakeIam]:
    server = FakeIam("reader", IAM_PASSWORD, "acme", PROJECT_ID)
    await server.start()
    yield server
    await server.stop()


def scheme_settings(scheme: str, fake_slack: FakeSlack, fake_jobs: FakeJobApi, iam: FakeIam):
    values: dict[str, Any] = {"JOBBOT_AUTH_TOKEN": None, "JOBBOT_TIMEOUT_S": 0.5}
    if scheme == "aksk":
        fake_jobs.check_auth = aksk_check({AK: SK}, security_token=SECURITY_TOKEN)
        values |= {
            "HUAWEICLOUD_SDK_AK": AK,
            "HUAWEICLOUD_SDK_SK": SK,
            "HUAWEICLOUD_SDK_SECURITY_TOKEN": SECURITY_TOKEN,
        }
    elif scheme == "iam":
        check = TokenCheck()
        iam.on_issue = check.valid.add
        fake_jobs.check_auth = check
        values |= {
            "JOBBOT_IAM_ENDPOINT": iam.url,
            "JOBBOT_IAM_USER": "reader",
            "JOBBOT_IAM_PASSWORD": IAM_PASSWORD,
            "JOBBOT_IAM_DOMAIN": "acme",
        }
    else:
        fake_jobs.check_auth = TokenCheck(valid={AUTH_TOKEN})
        values["JOBBOT_AUTH_TOKEN"] = AUTH_TOKEN
    return settings_for(fake_slack, fake_jobs, **values)


async def drive_everything(bot: Jobbot) -> None:
    """Every command, shortcut path, button, error and fault jobbot has."""
    jobs = bot.fake_jobs
    jobs.faults.update({7001: hang, 7002: unavailable, 7003: html, 7004: rejected})
    hook = bot.fake_slack.hook_url
    for n, text in enumerate(
        ["50320", "show 50320", "", "help", "abc", "foo bar", "99", "7001", "7002", "7003", "7004"]
    ):
        await bot.post(command_body(text, hook(f"cmd-{n}")))
    await bot.post(interactive_body(message_shortcut_payload("job 50320 job 7002", hook("sc-1"))))
    await bot.post(interactive_body(message_shortcut_payload("nothing here", hook("sc-2"))))
    bot.fake_slack.refuse["C0PRIVATE"] = "not_in_channel"
    await bot.post(
        interactive_body(
            message_shortcut_payload("job_id=50320", hook("sc-3"), channel_id="C0PRIVATE")
        )
    )
    bot.fake_slack.refuse["C0ODD"] = "restricted_action"  # an unexpected error
    await bot.post(
        interactive_body(message_shortcut_payload("job 50320", hook("sc-4"), channel_id="C0ODD"))
    )
    await bot.post(interactive_body(block_action_payload('{"job_id": 50320}', hook("btn-1"))))
    await bot.post(interactive_body(block_action_payload("not json", hook("btn-2"))))
    forged = command_body("50320", hook("forged"))
    await bot.http.post(
        "/slack/events", content=forged, headers=slack_headers("wrong-secret", forged)
    )
    # Usage answers ride in the acknowledgement; the other 13 replies go to response_urls.
    await wait_until(lambda: len(bot.fake_slack.hooks) >= 13, timeout=8)
    await bot.settled()  # the hanging lookup too: it times out at 0.5 s


@pytest.mark.parametrize("scheme", ["aksk", "iam", "token"])
async def test_no_secret_reaches_a_log_line_a_reply_or_an_exception(
    scheme: str,
    fake_slack: FakeSlack,
    fake_jobs: FakeJobApi,
    iam: FakeIam,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = scheme_settings(scheme, fake_slack, fake_jobs, iam)
    bot = await start_jobbot(settings, fake_slack, fake_jobs)
    # The production logging pipeline (formatter and redaction), at its most talkative.
    stream = io.StringIO()
    setup_logging("json", "DEBUG", [])
    logging.getLogger().handlers[0].stream = stream  # type: ignore[attr-defined]
    logging.getLogger().addHandler(caplog.handler)  # setup_logging replaced the handlers
    caplog.set_level(logging.DEBUG)
    try:
        await drive_everything(bot)
    finally:
        await stop_jobbot(bot)
        logging.getLogger().handlers.clear()
    records = [
        f"{r.getMessage()} {r.__dict__} {r.exc_text or ''}"
        + (logging.Formatter().formatException(r.exc_info) if r.exc_info else "")
        for r in caplog.records
    ]
    replies = [json.dumps(h.body) for h in fake_slack.hooks] + [
        json.dumps(c.params) for c in fake_slack.calls
    ]
    assert any("unexpected error" in r for r in records)  # the fault paths really ran
    assert any("correlation_id" in r for r in records)
    for secret in SECRETS:
        for where, texts in (("log record", records), ("reply", replies)):
            leaked = [t[:300] for t in texts if secret in t]
            assert not leaked, f"{secret[:6]}… in a {where}: {leaked[0]}"
        assert secret not in stream.getvalue()
