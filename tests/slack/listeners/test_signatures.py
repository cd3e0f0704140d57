"""Slack request signing and /healthz, through jobbot's real HTTP server."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.conftest import BOT_TOKEN, SIGNING_SECRET, Jobbot
from tests.fakes import (
    block_action_payload,
    command_body,
    interactive_body,
    message_shortcut_payload,
    slack_headers,
)
from tests.slack.listeners.conftest import StartJobbot

SLACK_PATH = "/slack/events"


def signed(body: str, **changes: Any) -> dict[str, str]:
    """Headers as Slack signs `body`, then changed: a value, or None to drop the header."""
    headers = slack_headers(SIGNING_SECRET, body)
    for name, value in changes.items():
        header = name.replace("_", "-")
        if value is None:
            headers.pop(header)
        else:
            headers[header] = value
    return headers


def stale(body: str) -> dict[str, str]:
    return slack_headers(SIGNING_SECRET, body, timestamp=int(time.time()) - 301)


def from_the_future(body: str) -> dict[str, str]:
    return slack_headers(SIGNING_SECRET, body, timestamp=int(time.time()) + 301)


def bad_signature(body: str) -> dict[str, str]:
    return signed(body, X_Slack_Signature="v0=" + "0" * 64)


def wrong_secret(body: str) -> dict[str, str]:
    return slack_headers("not-the-signing-secret", body)


def for_another_body(body: str) -> dict[str, str]:
    return slack_headers(SIGNING_SECRET, body.replace("50320", "50321"))


def no_signature(body: str) -> dict[str, str]:
    return signed(body, X_Slack_Signature=None)


def no_timestamp(body: str) -> dict[str, str]:
    return signed(body, X_Slack_Request_Timestamp=None)


def junk_timestamp(body: str) -> dict[str, str]:
    return signed(body, X_Slack_Request_Timestamp="yesterday")


def huge_timestamp(body: str) -> dict[str, str]:
    return signed(body, X_Slack_Request_Timestamp="9" * 5000)


def non_ascii_signature(body: str) -> dict[str, str | bytes]:
    headers: dict[str, str | bytes] = {**signed(body)}
    headers["X-Slack-Signature"] = "v0=\u00e9".encode("latin-1")
    return headers


REJECTED = [
    bad_signature,
    wrong_secret,
    for_another_body,
    stale,
    from_the_future,
    no_signature,
    no_timestamp,
    junk_timestamp,
    huge_timestamp,
    non_ascii_signature,
]


def requests_for_job_50320(bot: Jobbot) -> dict[str, str]:
    """One body of each kind Slack sends, each asking about job 50320, keyed by hook."""
    slack = bot.fake_slack
    return {
        "command": command_body("50320", slack.hook_url("command")),
        "shortcut": interactive_body(
            message_shortcut_payload("job 50320 is down", slack.hook_url("shortcut"))
        ),
        "action": interactive_body(
            block_action_payload('{"job_id": 50320}', slack.hook_url("action"))
        ),
    }


async def assert_nothing_happened(bot: Jobbot) -> None:
    await bot.settled()  # every request has finished: nothing more may follow
    assert bot.fake_jobs.requests == []
    assert bot.fake_slack.hooks == []
    assert bot.fake_slack.calls_to("chat.postMessage") == []


@pytest.mark.parametrize("headers_for", REJECTED)
async def test_a_request_not_signed_by_slack_gets_401_and_does_nothing(
    jobbot: Jobbot, headers_for: Any
) -> None:
    for body in requests_for_job_50320(jobbot).values():
        response = await jobbot.http.post(SLACK_PATH, content=body, headers=headers_for(body))
        assert response.status_code == 401
    await assert_nothing_happened(jobbot)


@pytest.mark.parametrize(
    "body",
    [
        b"payload=not-json",
        b"payload=%5B1%2C2%5D",
        b"payload=%7B%22type%22%3A%22block_actions%22%7D",
        b"\xff\xfe\x00garbage",
        b"",
    ],
)
async def test_a_body_slack_would_never_send_gets_401_when_unsigned(
    jobbot: Jobbot, body: bytes
) -> None:
    headers = slack_headers("not-the-signing-secret", body.decode("latin-1"))
    response = await jobbot.http.post(SLACK_PATH, content=body, headers=headers)
    assert response.status_code == 401
    await assert_nothing_happened(jobbot)


async def test_a_correctly_signed_request_is_accepted(jobbot: Jobbot) -> None:
    body = command_body("50320", jobbot.fake_slack.hook_url("command"))
    response = await jobbot.http.post(SLACK_PATH, content=body, headers=signed(body))
    assert response.status_code == 200
    four_minutes_old = slack_headers(SIGNING_SECRET, body, timestamp=int(time.time()) - 240)
    response = await jobbot.http.post(SLACK_PATH, content=body, headers=four_minutes_old)
    assert response.status_code == 200


async def test_healthz_describes_the_job_api(jobbot: Jobbot) -> None:
    response = await jobbot.http.get("/healthz")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    health = response.json()
    assert health["status"] == "ok"
    assert health["job_api"]["api"] == "cs"
    assert health["job_api"]["endpoint"] == jobbot.fake_jobs.url
    assert health["job_api"]["sign_in"] == "IAM token"


SECRET_NAMES = {
    "JOBBOT_AUTH_TOKEN",
    "HUAWEICLOUD_SDK_AK",
    "HUAWEICLOUD_SDK_SK",
    "HUAWEICLOUD_SDK_SECURITY_TOKEN",
    "JOBBOT_IAM_PASSWORD",
}
SECRET_SETTINGS = [
    pytest.param({"JOBBOT_AUTH_TOKEN": "MIIZkQYJKoZIhvcNAQcCoIIZgjCCGX4CAQExDTAL"}, id="token"),
    pytest.param(
        {
            "JOBBOT_AUTH_TOKEN": None,
            "HUAWEICLOUD_SDK_AK": "HPUAL2M7UNLDEXAMPLEAK",
            "HUAWEICLOUD_SDK_SK": "sk9Qb1yTqExampleSecretKeyValue0123456789",
            "HUAWEICLOUD_SDK_SECURITY_TOKEN": "gQpjbi1ub3J0aC00ExampleSecurityToken",
        },
        id="aksk",
    ),
    pytest.param(
        {
            "JOBBOT_AUTH_TOKEN": None,
            "JOBBOT_IAM_ENDPOINT": "http://127.0.0.1:9/",
            "JOBBOT_IAM_USER": "jobbot-reader",
            "JOBBOT_IAM_PASSWORD": "Pa55w0rd-Example!",
            "JOBBOT_IAM_DOMAIN": "acme-cloud",
        },
        id="iam",
    ),
]


@pytest.mark.parametrize("secrets", SECRET_SETTINGS)
async def test_healthz_shows_no_secret(start_bot: StartJobbot, secrets: dict[str, Any]) -> None:
    bot = await start_bot(**secrets)
    response = await bot.http.get("/healthz")
    assert response.status_code == 200
    shown = response.text
    assert response.json()["job_api"]["sign_in"]
    hidden = [SIGNING_SECRET, BOT_TOKEN]
    hidden += [value for name, value in secrets.items() if value and name in SECRET_NAMES]
    for secret in hidden:
        assert secret not in shown


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def test_slacks_unsigned_ssl_check_is_answered_200(jobbot: Jobbot) -> None:
    """Slack's certificate check: a form POST of ssl_check=1 and token, without signature."""
    body = "ssl_check=1&token=legacy-verification-token"
    response = await jobbot.http.post(SLACK_PATH, content=body, headers=FORM)
    assert response.status_code == 200
    await assert_nothing_happened(jobbot)


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        pytest.param("ssl_check=0&token=t", FORM, id="ssl_check-0"),
        pytest.param("ssl_check=1", FORM, id="no-token"),
        pytest.param("ssl_check=yes&token=t", FORM, id="not-1"),
        pytest.param(
            "ssl_check=1&token=t&" + command_body("50320", "http://127.0.0.1:9/hooks/x"),
            FORM,
            id="ssl_check-with-a-command",
        ),
        pytest.param(
            "ssl_check=1&token=t&payload=%7B%22type%22%3A%22block_actions%22%7D",
            FORM,
            id="ssl_check-with-a-payload",
        ),
        pytest.param(
            '{"ssl_check": "1", "token": "t"}', {"Content-Type": "application/json"}, id="json"
        ),
        pytest.param("ssl_check=1&token=t", {"Content-Type": "text/plain"}, id="not-a-form"),
        pytest.param("ssl_check=1&token=" + "t" * 1000, FORM, id="too-long"),
    ],
)
async def test_nothing_else_unsigned_gets_through(
    jobbot: Jobbot, body: str, headers: dict[str, str]
) -> None:
    response = await jobbot.http.post(SLACK_PATH, content=body, headers=headers)
    assert response.status_code == 401
    await assert_nothing_happened(jobbot)


async def test_unsigned_slack_requests_still_get_401(jobbot: Jobbot) -> None:
    for body in requests_for_job_50320(jobbot).values():
        response = await jobbot.http.post(SLACK_PATH, content=body, headers=FORM)
        assert response.status_code == 401
    await assert_nothing_happened(jobbot)
