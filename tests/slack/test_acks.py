"""Acknowledgements first: work after an ack waits while other requests await theirs."""

from __future__ import annotations

import asyncio
import time

from bot.slack.acks import AcksFirst
from tests.conftest import Jobbot
from tests.fakes import command_body, wait_until


async def test_work_waits_until_no_request_awaits_its_ack() -> None:
    acks = AcksFirst()
    order: list[str] = []

    async def follow_up() -> None:
        await acks.settled()
        order.append("card")

    with acks.acknowledging():
        task = asyncio.create_task(follow_up())
        await asyncio.sleep(0.01)
        order.append("ack")
    await task
    assert order == ["ack", "card"]
    assert acks.pending == 0


async def test_nothing_to_wait_for_returns_at_once() -> None:
    started = time.monotonic()
    await AcksFirst().settled()
    assert time.monotonic() - started < 0.05


async def test_steady_traffic_delays_work_at_most_max_defer() -> None:
    acks = AcksFirst(max_defer_s=0.05)
    with acks.acknowledging():
        started = time.monotonic()
        await acks.settled()
        waited = time.monotonic() - started
    assert 0.04 <= waited < 0.5


async def test_the_server_counts_requests_until_acknowledged(jobbot: Jobbot) -> None:
    acks = jobbot.runtime.deps.acks
    seen: list[int] = []
    original = jobbot.runtime.app.async_dispatch  # type: ignore[union-attr]

    async def dispatch(request):  # type: ignore[no-untyped-def]
        seen.append(acks.pending)
        return await original(request)

    jobbot.runtime.app.async_dispatch = dispatch  # type: ignore[union-attr, method-assign]
    await jobbot.post(command_body("50320", jobbot.fake_slack.hook_url("counted")))
    await wait_until(lambda: bool(jobbot.fake_slack.posts_to("counted")))
    assert seen == [1]
    assert acks.pending == 0
