"""User-group access when Slack refuses to list a group: counted, logged with Slack's code."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import Jobbot, settings_for, start_jobbot, stop_jobbot
from tests.fakes import FakeJobApi, FakeSlack, command_body, wait_until


@pytest.fixture
async def group_bot(fake_slack: FakeSlack, fake_jobs: FakeJobApi) -> AsyncIterator[Jobbot]:
    """jobbot allowing only the members of user group S0ONCALL (U0ONCALL)."""
    fake_slack.usergroups = {"S0ONCALL": ["U0ONCALL"]}
    settings = settings_for(fake_slack, fake_jobs, JOBBOT_ALLOWED_USERGROUPS="S0ONCALL")
    bot = await start_jobbot(settings, fake_slack, fake_jobs)
    yield bot
    await stop_jobbot(bot)


def slack_api_errors(bot: Jobbot) -> dict[tuple[str, str], float]:
    """Return jobbot_slack_api_errors_total by (method, error), as GET /metrics serves it."""
    return {
        (sample.labels["method"], sample.labels["error"]): sample.value
        for family in text_string_to_metric_families(bot.runtime.metrics.render().decode())
        for sample in family.samples
        if sample.name == "jobbot_slack_api_errors_total"
    }


@pytest.mark.parametrize(
    ("refusal", "fix"),
    [
        ("missing_scope", "add the usergroups:read bot scope"),
        ("no_such_subteam", "check the group IDs in JOBBOT_ALLOWED_USERGROUPS"),
    ],
)
async def test_a_refused_user_group_lookup_is_counted_and_logged_with_slacks_code(
    group_bot: Jobbot, caplog: pytest.LogCaptureFixture, refusal: str, fix: str
) -> None:
    bot = group_bot
    bot.fake_slack.usergroups_error = refusal
    caplog.set_level(logging.WARNING, logger="bot.slack.access")
    hook = bot.fake_slack.hook_url("refused")
    response = await bot.post(command_body("50320", hook, user_id="U0ONCALL"))
    assert response.status_code == 200
    # Fail closed: the member is refused, and the job API is not asked.
    assert "not on jobbot's list of allowed users" in response.json()["text"]
    await wait_until(lambda: bool(slack_api_errors(bot)))
    assert slack_api_errors(bot) == {("usergroups.users.list", refusal): 1.0}
    [record] = [r for r in caplog.records if r.name == "bot.slack.access"]
    assert record.levelno == logging.WARNING
    assert refusal in record.getMessage()
    assert "S0ONCALL" in record.getMessage()
    assert fix in record.getMessage()
    assert record.slack_error == refusal  # type: ignore[attr-defined]
    assert bot.fake_jobs.requests == []


async def test_a_readable_group_counts_no_error(group_bot: Jobbot) -> None:
    bot = group_bot
    hook = bot.fake_slack.hook_url("ok")
    assert (await bot.post(command_body("50320", hook, user_id="U0ONCALL"))).status_code == 200
    await wait_until(lambda: bool(bot.fake_slack.posts_to("ok")))
    assert bot.fake_slack.posts_to("ok")[0]["text"] == "Job 50320 my_job_001: Running"
    assert slack_api_errors(bot) == {}
