"""The Bolt app is built without walking the call stack (a start-up cost)."""

from __future__ import annotations

import inspect

import pytest

from bot.runtime import build_runtime
from tests.conftest import settings_for
from tests.fakes import FakeJobApi, FakeSlack


async def test_the_app_is_named_jobbot_without_inspecting_the_stack(
    fake_slack: FakeSlack, fake_jobs: FakeJobApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_stack(*args: object, **kwargs: object) -> None:
        raise AssertionError("inspect.stack() reads every frame's source at start-up")

    monkeypatch.setattr(inspect, "stack", no_stack)
    runtime = build_runtime(settings_for(fake_slack, fake_jobs))
    try:
        assert runtime.app is not None
        assert runtime.app.name == "jobbot"
    finally:
        await runtime.aclose()
