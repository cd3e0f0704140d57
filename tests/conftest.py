"""Shared fixtures: clean environment, loopback fakes, and jobbot running for real."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.config.settings import Settings
from bot.runtime import Runtime, build_runtime
from bot.slack.server import SLACK_PATH, create_web_app
from tests.fakes import FakeJobApi, FakeSlack, LoopbackServer, slack_headers
from tests.waiting import REQUESTS, FakeTime

SAMPLES = Path(__file__).parent / "samples"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
PROJECT_ID = "5a3314075bfa49b9ae360f4ecd333695"


def sample(name: str) -> Any:
    """Load a recorded payload: `sample("cs/job_running")`."""
    return json.loads((SAMPLES / f"{name}.json").read_text())


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's own SLACK_*/JOBBOT_*/HUAWEICLOUD_* variables out of tests."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "JOBBOT_", "HUAWEICLOUD_")):
            monkeypatch.delenv(name)
    # Each test's state in a database of its own, never a jobbot.db in the working directory.
    monkeypatch.setenv("JOBBOT_DB", str(tmp_path / "jobbot.db"))


@pytest.fixture(autouse=True)
def count_requests() -> Iterator[None]:
    """Count each test's accepted requests and their audit lines afresh (Jobbot.settled)."""
    audit = logging.getLogger("bot.audit")
    level = audit.level
    REQUESTS.accepted = REQUESTS.finished = 0
    audit.addHandler(REQUESTS)
    if not audit.isEnabledFor(logging.INFO):
        audit.setLevel(logging.INFO)
    yield
    audit.removeHandler(REQUESTS)
    audit.setLevel(level)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    server = FakeSlack(bot_token=BOT_TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def fake_jobs() -> AsyncIterator[FakeJobApi]:
    server = FakeJobApi(service="cs", jobs={50320: sample("cs/job_running")["payload"]})
    await server.start()
    yield server
    await server.stop()


def make_settings(**values: Any) -> Settings:
    """Build settings from keyword arguments only (no environment, no .env)."""
    return Settings(_env_file=None, **values)


def settings_for(fake_slack: FakeSlack, fake_jobs: FakeJobApi, **values: Any) -> Settings:
    """Settings that point jobbot at the fakes, with a ready token for the job API."""
    base: dict[str, Any] = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "JOBBOT_API": fake_jobs.service,
        "JOBBOT_ENDPOINT": fake_jobs.url,
        "HUAWEICLOUD_SDK_PROJECT_ID": PROJECT_ID,
        "JOBBOT_AUTH_TOKEN": "iam-token-for-tests",
        "JOBBOT_TIMEOUT_S": 2,
    }
    base.update(values)
    return make_settings(**base)


@dataclass
class Jobbot:
    """jobbot's real HTTP server on loopback, and a client to send it Slack requests."""

    runtime: Runtime
    server: LoopbackServer
    http: httpx.AsyncClient
    fake_slack: FakeSlack
    fake_jobs: FakeJobApi
    # jobbot's clocks and waits: retries skip their waits, `time.ticks(n)` drives the poller.
    time: FakeTime = field(default_factory=FakeTime)

    async def post(self, body: str, **header_overrides: str) -> httpx.Response:
        """Send a request signed as Slack signs it."""
        headers = slack_headers(SIGNING_SECRET, body)
        headers.update(header_overrides)
        response = await self.http.post(SLACK_PATH, content=body, headers=headers)
        if response.status_code == 200:
            REQUESTS.accepted += 1
        return response

    async def settled(self) -> None:
        """Wait until every request jobbot accepted in this test has finished its work."""
        await REQUESTS.settled()


async def start_jobbot(settings: Settings, fake_slack: FakeSlack, fake_jobs: FakeJobApi) -> Jobbot:
    # Slack's Retry-After waits go through the fake's recording sleep, and the job API's and
    # the watches' waits through a FakeTime: no test waits them out.
    fake_time = FakeTime()
    runtime = build_runtime(settings, sleep=fake_slack.sleep, timing=fake_time.timing())
    assert runtime.app is not None
    await runtime.start()
    server = LoopbackServer()
    server.app = create_web_app(runtime.app, runtime.health, acks=runtime.deps.acks)
    await server.start()
    http = httpx.AsyncClient(base_url=server.url, timeout=10)
    return Jobbot(runtime, server, http, fake_slack, fake_jobs, fake_time)


async def stop_jobbot(bot: Jobbot) -> None:
    await bot.http.aclose()
    await bot.server.stop()
    await bot.runtime.aclose()


@pytest.fixture
async def jobbot(fake_slack: FakeSlack, fake_jobs: FakeJobApi) -> AsyncIterator[Jobbot]:
    bot = await start_jobbot(settings_for(fake_slack, fake_jobs), fake_slack, fake_jobs)
    yield bot
    await stop_jobbot(bot)


# Database fixtures (SQLite files, a real PostgreSQL server) for every test directory.
from tests.databases import db, db_url, pg_url, postgres_server  # noqa: E402, F401
