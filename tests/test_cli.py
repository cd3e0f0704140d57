"""The `jobbot` command line, run as a real process the way an operator runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.jobs.demo import DEMO_JOB_IDS
from tests.blockkit import assert_no_unescaped_control, assert_valid_message

REPO = Path(__file__).parents[1]


def jobbot(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` in `cwd` with a minimal environment plus `env`."""
    base = {"PATH": os.environ.get("PATH", ""), "HOME": str(cwd), "PYTHONPATH": str(REPO)}
    return subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    return jobbot(tmp_path_factory.mktemp("demo"), "demo")


def test_demo_needs_no_configuration_and_exits_0(
    demo_run: subprocess.CompletedProcess[str],
) -> None:
    assert demo_run.returncode == 0, demo_run.stderr
    assert "Traceback" not in demo_run.stderr


def test_demo_prints_a_card_for_every_demo_job(
    demo_run: subprocess.CompletedProcess[str],
) -> None:
    out = demo_run.stdout
    for job_id in DEMO_JOB_IDS:
        assert f"Job ID: {job_id}\n" in out, job_id
    for words in ("my_job_001", "fraud_scoring", "Running exception", "Stopped", "Draft"):
        assert words in out


def test_demo_shows_the_broadcast_name_as_text(demo_run: subprocess.CompletedProcess[str]) -> None:
    assert "<!channel> *bold* alert_router" in demo_run.stdout


def test_demo_never_prints_a_credential(demo_run: subprocess.CompletedProcess[str]) -> None:
    assert "hunter2" not in demo_run.stdout + demo_run.stderr
    assert "s3cr3t-kafka" not in demo_run.stdout + demo_run.stderr


def test_show_json_prints_the_block_kit_payload(tmp_path: Path) -> None:
    run = jobbot(tmp_path, "show", "50320", "--json", JOBBOT_API="demo")
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert payload["text"] == "Job 50320 my_job_001: Running"
    assert_valid_message(payload)
    assert_no_unescaped_control(payload)


def test_serve_with_nothing_configured_names_every_problem_at_once(tmp_path: Path) -> None:
    run = jobbot(tmp_path, "serve")
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert all(line.startswith("jobbot: configuration error: ") for line in lines), run.stderr
    named = [
        "SLACK_BOT_TOKEN is required",
        "SLACK_SIGNING_SECRET is required",
        "HUAWEICLOUD_SDK_PROJECT_ID is required when JOBBOT_API=cs",
        "JOBBOT_REGION or JOBBOT_ENDPOINT is required",
        "no job API sign-in is configured",
    ]
    assert len(lines) == len(named), run.stderr
    for line, words in zip(lines, named, strict=True):
        assert words in line


def test_malformed_and_missing_settings_are_all_named_and_no_secret_echoed(
    tmp_path: Path,
) -> None:
    secrets = {
        "SLACK_BOT_TOKEN": "xoxb-17653672481-secret",
        "HUAWEICLOUD_SDK_AK": "HPUAL2M7UNLDEXAMPLEAK",
        "JOBBOT_IAM_PASSWORD": "Pa55w0rd-Example!",
    }
    run = jobbot(tmp_path, "serve", JOBBOT_PORT="http", JOBBOT_TIMEOUT_S="-1", **secrets)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    for words in [
        "SLACK_SIGNING_SECRET is required",
        "JOBBOT_TIMEOUT_S: ",
        "JOBBOT_PORT: ",
        "HUAWEICLOUD_SDK_PROJECT_ID is required",
        "HUAWEICLOUD_SDK_SK is required",
        "JOBBOT_IAM_USER and JOBBOT_IAM_DOMAIN are required",
    ]:
        assert sum(words in line for line in lines) == 1, (words, run.stderr)
    assert len(lines) == 7, run.stderr  # the six above and the missing region
    assert not any("SLACK_BOT_TOKEN" in line for line in lines)
    for secret in secrets.values():
        assert secret not in run.stdout + run.stderr


def test_socket_without_an_app_token_names_slack_app_token(tmp_path: Path) -> None:
    run = jobbot(tmp_path, "socket", JOBBOT_API="demo", SLACK_BOT_TOKEN="xoxb-1-2-abc")
    assert run.returncode != 0
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert "SLACK_APP_TOKEN" in lines[0]
    assert "xoxb-1-2-abc" not in run.stdout + run.stderr


def test_show_rejects_an_id_that_is_not_a_number(tmp_path: Path) -> None:
    run = jobbot(tmp_path, "show", "abc", JOBBOT_API="demo")
    assert run.returncode != 0
    assert "'abc' is not a job ID" in run.stderr
    assert "Traceback" not in run.stderr


def test_check_without_slack_fails_and_says_slack_is_not_configured(tmp_path: Path) -> None:
    run = jobbot(tmp_path, "check", JOBBOT_API="demo")
    assert run.returncode == 1, run.stdout + run.stderr
    slack_lines = [line for line in run.stdout.splitlines() if "Slack" in line]
    assert len(slack_lines) == 1
    assert slack_lines[0].startswith("FAIL")
    assert "SLACK_BOT_TOKEN" in slack_lines[0]
    assert any(line.startswith("ok") and "job API" in line for line in run.stdout.splitlines())


def test_serve_on_an_unusable_host_says_so_in_one_line(tmp_path: Path) -> None:
    result = jobbot(
        tmp_path,
        "serve",
        JOBBOT_API="demo",
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="s3cret",
        JOBBOT_HOST="no.such.host.invalid",
    )
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("jobbot: configuration error: JOBBOT_HOST/JOBBOT_PORT: cannot listen")
    assert "Traceback" not in result.stderr


def test_an_empty_signing_secret_counts_as_missing(tmp_path: Path) -> None:
    """`SLACK_SIGNING_SECRET=` must not start a server that answers every request with 500."""
    result = jobbot(
        tmp_path, "serve", JOBBOT_API="demo", SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET=""
    )
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET is required" in result.stderr
