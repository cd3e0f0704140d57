"""`jobbot check`: one line per check, naming the sign-in scheme and whether it works."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.cli.check import run_check
from tests.conftest import BOT_TOKEN, PROJECT_ID, make_settings
from tests.fakes import FakeJobApi, FakeSlack
from tests.gateway import FakeIam, TokenCheck, aksk_check

AK, SK = "HPUAJ7KXQ4M3Z8RNV2LC", "n8Qk2VwZr5Lp9Xc3Tb7Hy1Ju4Mf6Gd0Sa2Ee8Ri"


@pytest.fixture
async def iam() -> AsyncIterator[FakeIam]:
    server = FakeIam("reader", "pw-right", "acme", PROJECT_ID)
    await server.start()
    yield server
    await server.stop()


def settings(fake_jobs: FakeJobApi, fake_slack: FakeSlack, **values: object):
    return make_settings(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=fake_slack.api_url,
        JOBBOT_API="cs",
        JOBBOT_ENDPOINT=fake_jobs.url,
        HUAWEICLOUD_SDK_PROJECT_ID=PROJECT_ID,
        JOBBOT_TIMEOUT_S=1,
        **values,
    )


async def test_check_passes_with_working_aksk_and_slack(fake_jobs, fake_slack, capsys) -> None:
    fake_jobs.check_auth = aksk_check({AK: SK})
    status = await run_check(
        settings(fake_jobs, fake_slack, HUAWEICLOUD_SDK_AK=AK, HUAWEICLOUD_SDK_SK=SK)
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "ok   sign-in (AK/SK signing): ok" in out
    assert "ok   job API (cs at http://127.0.0.1" in out
    assert "ok   Slack: ok, team 'Acme' as @jobbot" in out
    assert SK not in out


async def test_check_names_a_rejected_token(fake_jobs, fake_slack, capsys) -> None:
    fake_jobs.check_auth = TokenCheck(valid={"good"})
    status = await run_check(settings(fake_jobs, fake_slack, JOBBOT_AUTH_TOKEN="stale-token"))
    out = capsys.readouterr().out
    assert status == 1
    assert "FAIL sign-in (IAM token): CredentialsRejected APIG.0301" in out
    assert "stale-token" not in out


async def test_check_reports_a_wrong_iam_password(fake_jobs, fake_slack, iam, capsys) -> None:
    status = await run_check(
        settings(
            fake_jobs,
            fake_slack,
            JOBBOT_IAM_ENDPOINT=iam.url,
            JOBBOT_IAM_USER="reader",
            JOBBOT_IAM_PASSWORD="pw-wrong",
            JOBBOT_IAM_DOMAIN="acme",
        )
    )
    out = capsys.readouterr().out
    assert status == 1
    assert "FAIL sign-in (IAM password sign-in): SignInFailed" in out
    assert "pw-wrong" not in out


async def test_check_fails_when_slack_rejects_the_token(fake_jobs, fake_slack, capsys) -> None:
    fake_slack.bot_token = "xoxb-some-other-token"
    status = await run_check(settings(fake_jobs, fake_slack, JOBBOT_AUTH_TOKEN="t"))
    out = capsys.readouterr().out
    assert status == 1
    assert "FAIL Slack: auth.test failed: invalid_auth" in out


async def test_check_never_prints_a_secret_the_gateway_echoes(
    fake_jobs, fake_slack, capsys
) -> None:
    """APIG echoes the canonical request on a bad signature, signed headers and all."""
    from aiohttp import web

    async def echo(request, body):
        canonical = "|".join(f"{k.lower()}:{v}" for k, v in request.headers.items())
        return web.json_response(
            {
                "error_code": "APIGW.0303",
                "error_msg": "Incorrect app authentication information: verify signature "
                f"fail, canonicalRequest:GET|{request.path}/||{canonical}",
                "request_id": "r-echo",
            },
            status=401,
        )

    fake_jobs.check_auth = echo
    status = await run_check(
        settings(
            fake_jobs,
            fake_slack,
            HUAWEICLOUD_SDK_AK=AK,
            HUAWEICLOUD_SDK_SK=SK,
            HUAWEICLOUD_SDK_SECURITY_TOKEN="sts-token-that-must-not-print",
        )
    )
    out = capsys.readouterr().out
    assert status == 1
    assert "APIG.0303" in out
    assert "sts-token-that-must-not-print" not in out
    assert SK not in out


async def test_check_tries_each_project_with_its_own_sign_in(
    fake_jobs, fake_slack, capsys, monkeypatch
) -> None:
    staging = FakeJobApi(service="dli")
    await staging.start()
    try:
        fake_jobs.check_auth = TokenCheck(valid={"global-token"})
        staging.check_auth = TokenCheck(valid={"staging-token"})
        monkeypatch.setenv("JOBBOT_AUTH_TOKEN__STAGING", "staging-token")
        status = await run_check(
            make_settings(
                SLACK_BOT_TOKEN=BOT_TOKEN,
                SLACK_API_URL=fake_slack.api_url,
                JOBBOT_PROJECTS=f"prod=p1@{fake_jobs.url}/cs,staging=p2@{staging.url}/dli",
                JOBBOT_AUTH_TOKEN="global-token",
                JOBBOT_TIMEOUT_S=1,
            )
        )
    finally:
        await staging.stop()
    out = capsys.readouterr().out
    assert status == 0, out
    assert "settings: ok (JOBBOT_PROJECTS: prod, staging)" in out
    assert "ok   project prod: sign-in (IAM token): ok" in out
    assert f"ok   project staging: job API (dli at {staging.url})" in out
    assert "staging-token" not in out
