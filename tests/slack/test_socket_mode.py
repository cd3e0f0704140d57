"""Mentions over Socket Mode, against a loopback endpoint that speaks Slack's protocol."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.runtime import build_runtime
from tests.conftest import settings_for
from tests.fakes import FakeJobApi, FakeSlack, app_mention_body, wait_until
from tests.socket_link import FakeSocketLink
from tests.waiting import REQUESTS


@pytest.fixture
async def link(fake_slack: FakeSlack) -> AsyncIterator[FakeSocketLink]:
    server = FakeSocketLink()
    await server.start()
    fake_slack.socket_url = server.ws_url
    yield server
    await server.stop()


@pytest.fixture
async def connected(
    fake_slack: FakeSlack, fake_jobs: FakeJobApi, link: FakeSocketLink
) -> AsyncIterator[FakeSocketLink]:
    """jobbot connected over Socket Mode as `jobbot socket` connects."""
    settings = settings_for(
        fake_slack, fake_jobs, SLACK_APP_TOKEN=fake_slack.app_token, SLACK_SIGNING_SECRET=None
    )
    runtime = build_runtime(settings, socket_mode=True)
    assert runtime.app is not None
    await runtime.start(poll=False)  # the database: handled events are recorded there
    handler = AsyncSocketModeHandler(runtime.app, fake_slack.app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    await wait_until(lambda: link.connections == 1)
    yield link
    await handler.close_async()  # type: ignore[no-untyped-call]
    await runtime.aclose()


def posts(fake_slack: FakeSlack) -> int:
    return len(fake_slack.calls_to("chat.postMessage"))


async def test_a_first_delivery_is_answered_and_a_redelivery_is_not(
    connected: FakeSocketLink, fake_slack: FakeSlack, fake_jobs: FakeJobApi
) -> None:
    body = app_mention_body("<@UBOT> 50320", event_id="Ev0SOCKET1", thread_ts="1700000100.000050")
    first = connected.send(body, retry_attempt=0)
    await wait_until(lambda: connected.acked(first))
    await wait_until(lambda: posts(fake_slack) == 1)
    (post,) = fake_slack.calls_to("chat.postMessage")
    assert post.params["thread_ts"] == "1700000100.000050"
    assert post.params["text"] == "Job 50320 my_job_001: Running"
    opened = fake_slack.calls_to("apps.connections.open")
    assert len(opened) == 1

    again = connected.send(body, retry_attempt=1)
    same = connected.send(body, retry_attempt=0)
    await wait_until(lambda: connected.acked(again) and connected.acked(same))
    await wait_until(lambda: REQUESTS.finished >= 3)  # all three events have been handled
    assert posts(fake_slack) == 1
    assert len(fake_jobs.requests) == 1


async def test_each_distinct_event_is_answered(
    connected: FakeSocketLink, fake_slack: FakeSlack
) -> None:
    for n in range(3):
        connected.send(app_mention_body("<@UBOT> 50320", event_id=f"Ev0DISTINCT{n}"))
    await wait_until(lambda: posts(fake_slack) == 3)
