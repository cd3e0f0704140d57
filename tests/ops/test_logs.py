"""The log at its most talkative holds no response_url, token or key, in either format."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.ops.logs import RedactSecrets, setup_logging
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, settings_for, start_jobbot, stop_jobbot
from tests.fakes import (
    FakeJobApi,
    FakeSlack,
    app_mention_body,
    block_action_payload,
    command_body,
    interactive_body,
    message_shortcut_payload,
    wait_until,
)
from tests.gateway import aksk_check

AK = "HPUAJ7KXQ4M3Z8RNV2LC"
SK = "sk-SECRET-n8Qk2VwZr5Lp9Xc3Tb7Hy1Ju4Mf6Gd0Sa2Ee8Ri"
# Each hook's path is its secret part, as in Slack's `/commands/T…/…/<secret>`.
HOOKS = [f"T0001-{n}-RESPONSEURLSECRET{n:02d}" for n in range(8)]


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    yield stream
    logging.getLogger().handlers.clear()


@pytest.mark.parametrize("log_format", ["json", "text"])
async def test_no_response_url_or_secret_in_any_debug_line(
    fake_slack: FakeSlack, fake_jobs: FakeJobApi, log_stream: io.StringIO, log_format: str
) -> None:
    fake_jobs.check_auth = aksk_check({AK: SK})
    values = {"JOBBOT_AUTH_TOKEN": None, "HUAWEICLOUD_SDK_AK": AK, "HUAWEICLOUD_SDK_SK": SK}
    settings = settings_for(fake_slack, fake_jobs, JOBBOT_ALLOWED_USERS="U0USER", **values)
    # The production pipeline at DEBUG, told no secret: nothing may need redacting by value.
    setup_logging(log_format, "DEBUG", [])
    logging.getLogger().handlers[0].stream = log_stream  # type: ignore[attr-defined]
    bot = await start_jobbot(settings, fake_slack, fake_jobs)
    hook = [fake_slack.hook_url(name) for name in HOOKS]
    try:
        await bot.post(command_body("50320", hook[0]))
        await bot.post(command_body("orders_enrich", hook[1]))
        await bot.post(command_body("help", hook[2]))
        await bot.post(interactive_body(block_action_payload('{"job_id": 50320}', hook[3])))
        # Refused by the access rules: the denial goes to the response_url.
        stranger = block_action_payload('{"job_id": 50320}', hook[4], user_id="U0STRANGER")
        await bot.post(interactive_body(stranger))
        await bot.post(interactive_body(message_shortcut_payload("job 50320", hook[5])))
        await bot.post(interactive_body(block_action_payload("{}", hook[6], action_id="nope")))
        await wait_until(lambda: len(fake_slack.hooks) >= 4)
        # A 429 the webhook client retries (it logs the retry at INFO, URL included).
        fake_slack.throttle_hooks = 1
        await bot.post(command_body("50320", hook[7]))
        await wait_until(lambda: bool(fake_slack.posts_to(HOOKS[7])))
        mention = json.dumps(app_mention_body("<@UBOT> 50320"))
        await bot.post(mention, **{"Content-Type": "application/json"})
        await wait_until(lambda: len(fake_slack.calls_to("chat.postMessage")) >= 2)
        await asyncio.sleep(0.2)
    finally:
        await stop_jobbot(bot)
    log = log_stream.getvalue()
    assert f"{fake_slack.url}/api/chat.postMessage" in log  # DEBUG lines were written
    assert "Unhandled request" in log  # and bolt's warning with the request in it
    assert fake_slack.posts_to(HOOKS[7])  # the throttled reply did arrive
    for secret in [fake_slack.url + "/hooks", *HOOKS, BOT_TOKEN, SIGNING_SECRET, AK, SK]:
        leaked = [line[:300] for line in log.splitlines() if secret in line]
        assert not leaked, f"{secret[:24]}… in the log: {leaked[0]}"


SLACK_HOOK = "https://hooks.slack.com/commands/T0001/1234567890/AbCdEfGhIjKlMnOpQrStUvWx"


@pytest.mark.parametrize(
    "text",
    [
        f"Sending a request - url: {SLACK_HOOK}, body: {{}}",
        f"Unhandled request ({{'response_url': '{SLACK_HOOK}', 'type': 'block_actions'}})",
        # Socket Mode logs envelopes as received: JSON with its slashes escaped.
        "Received message (data: '"
        + json.dumps({"payload": {"response_url": SLACK_HOOK.replace("/", "\\/")}})
        + "')",
        f"body: token=x&response_url={SLACK_HOOK.replace('/', '%2F')}&trigger_id=1",
        "A retry handler found for POST https://hooks.slack-gov.com/actions/T1/2/SeCrEt",
    ],
)
def test_response_urls_are_redacted_whatever_logs_them(text: str) -> None:
    record = logging.makeLogRecord({"msg": "%s", "args": (text,), "levelno": logging.DEBUG})
    RedactSecrets([]).filter(record)
    assert "AbCdEfGhIjKlMnOpQrStUvWx" not in record.getMessage()
    assert "1234567890" not in record.getMessage()
    assert "SeCrEt" not in record.getMessage()
    assert "***" in record.getMessage()


def test_a_socket_mode_ticket_is_redacted() -> None:
    url = "wss://wss-primary.slack.com/link/?ticket=0a1b2c3d-secret&app_id=A0001"
    record = logging.makeLogRecord({"msg": f"body: {{'ok': True, 'url': '{url}'}}"})
    RedactSecrets([]).filter(record)
    assert record.getMessage() == (
        "body: {'ok': True, 'url': 'wss://wss-primary.slack.com/link/?ticket=***&app_id=A0001'}"
    )
