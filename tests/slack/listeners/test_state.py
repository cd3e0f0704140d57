"""What must outlive a process: answered mentions and channel defaults, in the database."""

from __future__ import annotations

import asyncio
import json

from tests.conftest import Jobbot
from tests.fakes import FakeJobApi, app_mention_body, command_body, wait_until
from tests.slack.listeners.conftest import StartJobbot

JSON = {"Content-Type": "application/json"}
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}


def posts(bot: Jobbot) -> int:
    return len(bot.fake_slack.calls_to("chat.postMessage"))


async def test_a_mention_is_not_answered_again_after_a_restart(start_bot: StartJobbot) -> None:
    body = json.dumps(app_mention_body("<@UBOT> 50320", event_id="Ev0RESTART"))
    first = await start_bot()
    assert (await first.post(body, **JSON)).status_code == 200
    await wait_until(lambda: posts(first) == 1)
    await first.server.stop()
    # A new process on the same database: Slack's retry of the same event reaches it.
    second = await start_bot()
    assert (await second.post(body, **JSON, **RETRY)).status_code == 200
    await second.settled()
    assert posts(second) == 1  # one fake Slack: still the first answer only


async def test_two_replicas_answer_one_event_once(start_bot: StartJobbot) -> None:
    one, two = await start_bot(), await start_bot()
    body = json.dumps(app_mention_body("<@UBOT> 50320", event_id="Ev0REPLICAS"))
    answers = await asyncio.gather(one.post(body, **JSON), two.post(body, **JSON, **RETRY))
    assert [a.status_code for a in answers] == [200, 200]
    await wait_until(lambda: posts(one) == 1)
    await one.settled()
    assert posts(one) == 1


async def test_a_channel_default_outlives_a_restart(
    start_bot: StartJobbot, fake_jobs: FakeJobApi
) -> None:
    projects = f"prod=p1@{fake_jobs.url}/cs,staging=p2@{fake_jobs.url}/cs"
    first = await start_bot(JOBBOT_PROJECTS=projects)
    await first.post(command_body("use staging", first.fake_slack.hook_url("use")))
    await wait_until(lambda: bool(first.fake_slack.posts_to("use")))
    await first.server.stop()
    second = await start_bot(JOBBOT_PROJECTS=projects)
    await second.post(command_body("50320", second.fake_slack.hook_url("card")))
    await wait_until(lambda: bool(second.fake_slack.posts_to("card")))
    assert second.fake_slack.posts_to("card")[0]["text"] == "staging: Job 50320 my_job_001: Running"
    assert fake_jobs.requests[-1].path == "/v1.0/p2/job/50320"
