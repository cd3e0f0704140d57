"""Acknowledgements first: work after an ack waits while other requests await theirs."""

from __future__ import annotations

import asyncio
import contextvars
import time

from bot.slack.acks import QUIET_S, AcksFirst
from tests.conftest import Jobbot
from tests.fakes import command_body, wait_until


async def test_work_waits_until_no_other_request_awaits_its_ack() -> None:
    acks = AcksFirst()
    order: list[str] = []
    b_arrived, b_acked = asyncio.Event(), asyncio.Event()

    async def request_b() -> None:
        with acks.acknowledging():
            b_arrived.set()
            await b_acked.wait()
            order.append("ack B")

    async def follow_up_a() -> None:
        await acks.settled()
        order.append("card A")

    b = asyncio.create_task(request_b())
    await b_arrived.wait()
    with acks.acknowledging():
        # Bolt starts request A's listener inside A's dispatch.
        a = asyncio.create_task(follow_up_a())
    await asyncio.sleep(0)
    b_acked.set()
    await asyncio.gather(a, b)
    assert order == ["ack B", "card A"]
    assert acks.pending == 0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_request_alone_does_not_wait_for_its_own_ack() -> None:
    clock = Clock()
    acks = AcksFirst(clock=clock)
    with acks.acknowledging():
        # The listener acked; Bolt has not sent the response yet (it polls every 10 ms).
        await asyncio.wait_for(asyncio.create_task(acks.settled()), timeout=0.1)
        assert acks.pending == 0
    assert acks.pending == 0


async def test_in_a_burst_even_the_first_card_waits_for_the_acks() -> None:
    clock = Clock()
    acks = AcksFirst(clock=clock)
    order: list[str] = []

    async def follow_up(name: str) -> None:
        await acks.settled()
        order.append(f"card {name}")

    with acks.acknowledging():  # a request a moment ago, acknowledged since
        pass
    clock.now += QUIET_S / 2
    with acks.acknowledging():
        first = asyncio.create_task(follow_up("A"))
        await asyncio.sleep(0.01)
        order.append("ack A")
    await first
    assert order == ["ack A", "card A"]
    # Once it is quiet again, a request is alone again.
    clock.now += 2 * QUIET_S
    with acks.acknowledging():
        await asyncio.wait_for(asyncio.create_task(follow_up("B")), timeout=0.1)
        order.append("ack B")
    assert order[-2:] == ["card B", "ack B"]


async def test_nothing_to_wait_for_returns_at_once() -> None:
    started = time.monotonic()
    await AcksFirst().settled()
    assert time.monotonic() - started < 0.05


async def test_steady_traffic_delays_work_at_most_max_defer() -> None:
    acks = AcksFirst(max_defer_s=0.05)
    # The follow-up of a request acknowledged earlier, waiting on one never acknowledged.
    earlier = contextvars.copy_context()
    with acks.acknowledging():
        started = time.monotonic()
        await asyncio.create_task(acks.settled(), context=earlier)
        waited = time.monotonic() - started
    assert 0.04 <= waited < 0.5
    assert acks.pending == 0


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
