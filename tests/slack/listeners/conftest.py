"""Fixtures for the listener tests: jobbot started with settings chosen by the test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from tests.conftest import Jobbot, settings_for, start_jobbot, stop_jobbot
from tests.fakes import FakeJobApi, FakeSlack

StartJobbot = Callable[..., Awaitable[Jobbot]]


@pytest.fixture
async def start_bot(fake_slack: FakeSlack, fake_jobs: FakeJobApi) -> AsyncIterator[StartJobbot]:
    """Start jobbot's real server with setting overrides: `await start_bot(JOBBOT_X=...)`."""
    started: list[Jobbot] = []

    async def start(**overrides: Any) -> Jobbot:
        bot = await start_jobbot(
            settings_for(fake_slack, fake_jobs, **overrides), fake_slack, fake_jobs
        )
        started.append(bot)
        return bot

    yield start
    for bot in started:
        await stop_jobbot(bot)
