"""Crash safety: `jobbot serve` SIGKILLed around posting a change, then started again.

The fake Slack holds the chat.postMessage of the change open (before recording the message,
or after), the test SIGKILLs the process while it waits, and a new process on the same
SQLite file must post that change exactly once.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.store import notifications
from bot.store.db import open_database
from tests.fakes import FakeJobApi, FakeSlack, wait_until
from tests.waiting import eventually
from tests.watch.served import Served, start_serve

CHANNEL = "C0INCIDENT"
FAST = {"JOBBOT_WATCH_INTERVAL_S": "0.1", "JOBBOT_WATCH_LEASE_S": "1"}


def is_change_reply(params: dict[str, Any]) -> bool:
    return bool(params.get("thread_ts")) and "jobbot_change" in str(params.get("metadata"))


async def owed(db_path: Path) -> list[notifications.Notification]:
    db = open_database(str(db_path))
    try:
        async with db.begin() as conn:
            watch_ids = [r[0] for r in await conn.exec_driver_sql("SELECT id FROM watches")]
            found = []
            for watch_id in watch_ids:
                found += await notifications.thread_notifications(conn, watch_id)
            return found
    finally:
        await db.aclose()


@pytest.mark.parametrize("killed", ["before", "after"])
async def test_a_change_is_in_the_thread_exactly_once_after_a_sigkill_around_its_post(
    killed: str, fake_slack: FakeSlack, fake_jobs: FakeJobApi, tmp_path: Path
) -> None:
    db_path = tmp_path / "state" / "jobbot.db"
    db_path.parent.mkdir()
    settings = {"JOBBOT_DB": str(db_path), **FAST}
    first = await start_serve(fake_slack, fake_jobs, tmp_path, "first", **settings)
    try:
        assert await first.command("watch 50320", fake_slack.hook_url("w")) == 200
        await wait_until(lambda: bool(fake_slack.posts_to("w")), timeout=10)
        [parent] = fake_slack.messages[CHANNEL]
        fake_slack.hold = lambda params: killed if is_change_reply(params) else None

        fake_jobs.jobs[50320]["status"] = "job_running_exception"
        await asyncio.wait_for(fake_slack.held.wait(), timeout=10)
        first.kill()
        await first.process.wait()
    finally:
        await first.stop()
    fake_slack.hold = lambda params: None

    # What the killed process left: the change written, its post tried, no ts recorded.
    [written] = await owed(db_path)
    assert (written.kind, written.to_status) == ("change", "job_running_exception")
    assert written.attempts == 1
    assert written.posted_ts is None
    thread = fake_slack.thread(CHANNEL, parent["ts"])
    assert len(thread) == (1 if killed == "after" else 0)

    second = await start_serve(fake_slack, fake_jobs, tmp_path, "second", **settings)
    try:
        await wait_until(lambda: len(fake_slack.thread(CHANNEL, parent["ts"])) == 1, timeout=10)
        for _ in range(200):
            if await _posted(db_path):
                break
            await asyncio.sleep(0.05)
        [recorded] = await _posted(db_path)
        [reply] = fake_slack.thread(CHANNEL, parent["ts"])
        assert recorded.posted_ts == reply["ts"]
        assert reply["text"].startswith("Running → Running exception after ")
        # The watch goes on in the new process: the next change arrives once too.
        fake_jobs.jobs[50320]["status"] = "job_running"
        await wait_until(lambda: len(fake_slack.thread(CHANNEL, parent["ts"])) == 2, timeout=10)
        polled = await second.polls()
        await eventually(lambda: more_polls(second, polled, 3))  # nothing doubled since
        texts = [m["text"] for m in fake_slack.thread(CHANNEL, parent["ts"])]
        assert len(texts) == 2
        assert texts[1].startswith("Running exception → Running after ")
        if killed == "after":
            # Recovery looked in the thread (with metadata) instead of posting again.
            replies = fake_slack.calls_to("conversations.replies")
            assert replies
            assert replies[0].params["include_all_metadata"] in ("1", "true", True)
        print(f"\nkilled {killed} recording the post: {texts}")
    finally:
        await second.stop()


async def more_polls(served: Served, before: float, n: int) -> bool:
    return await served.polls() >= before + n


async def _posted(db_path: Path) -> list[notifications.Notification]:
    return [n for n in await owed(db_path) if n.posted_ts is not None]


async def test_watches_in_sqlite_continue_after_a_restart(
    fake_slack: FakeSlack, fake_jobs: FakeJobApi, tmp_path: Path
) -> None:
    settings = {"JOBBOT_DB": str(tmp_path / "jobbot.db"), **FAST}
    first = await start_serve(fake_slack, fake_jobs, tmp_path, "first", **settings)
    try:
        await first.command("watch 50320", fake_slack.hook_url("w"))
        await wait_until(lambda: bool(fake_slack.posts_to("w")), timeout=10)
    finally:
        await first.stop()
    assert first.process.returncode == 0
    [parent] = fake_slack.messages[CHANNEL]
    fake_jobs.jobs[50320]["status"] = "job_cancel_fail"  # changed while nothing ran
    second = await start_serve(fake_slack, fake_jobs, tmp_path, "second", **settings)
    try:
        await wait_until(lambda: len(fake_slack.thread(CHANNEL, parent["ts"])) == 1, timeout=10)
        [reply] = fake_slack.thread(CHANNEL, parent["ts"])
        assert reply["text"].startswith("Running → Stopping failed after ")
        assert reply["reply_broadcast"] is True
    finally:
        await second.stop()


def is_parent_card(params: dict[str, Any]) -> bool:
    return params.get("channel") == CHANNEL and not params.get("thread_ts")


@pytest.mark.parametrize("killed", ["before", "after"])
async def test_a_watch_killed_while_its_parent_card_is_posted_is_whole_after_a_restart(
    killed: str, fake_slack: FakeSlack, fake_jobs: FakeJobApi, tmp_path: Path
) -> None:
    # The default lease (30 s): the restart must not wait for the dead process's claim.
    settings = {"JOBBOT_DB": str(tmp_path / "jobbot.db"), "JOBBOT_WATCH_INTERVAL_S": "0.1"}
    first = await start_serve(fake_slack, fake_jobs, tmp_path, "first", **settings)
    try:
        fake_slack.hold = lambda params: killed if is_parent_card(params) else None
        assert await first.command("watch 50320", fake_slack.hook_url("w")) == 200
        await asyncio.wait_for(fake_slack.held.wait(), timeout=10)
        first.kill()
        await first.process.wait()
    finally:
        await first.stop()
    fake_slack.hold = lambda params: None
    # The card landed (or not), and nobody heard back.
    assert len(fake_slack.messages.get(CHANNEL, [])) == (1 if killed == "after" else 0)

    second = await start_serve(fake_slack, fake_jobs, tmp_path, "second", **settings)
    try:
        fake_jobs.jobs[50320]["status"] = "job_running_exception"
        await wait_until(lambda: len(_cards(fake_slack)) == 1 and _replies(fake_slack) == 1, 10)
        fake_jobs.jobs[50320]["status"] = "job_running"
        await wait_until(lambda: _replies(fake_slack) == 2, timeout=10)
        await asyncio.sleep(0.5)  # five more intervals: no second card, no reply doubled
        [card] = _cards(fake_slack)
        texts = [m["text"] for m in fake_slack.thread(CHANNEL, card["ts"])]
        assert [t.split(" after ")[0] for t in texts] == [
            "Running → Running exception",
            "Running exception → Running",
        ]
        # The card shows the latest state, and `/job watching` links the same watch.
        assert "Running" in fake_slack.message(CHANNEL, card["ts"])["text"]
        if killed == "after":
            assert fake_slack.calls_to("conversations.history")
        assert await second.command("watching", fake_slack.hook_url("list")) == 200
        await wait_until(lambda: bool(fake_slack.posts_to("list")), timeout=10)
        assert "50320" in str(fake_slack.posts_to("list")[0])
    finally:
        await second.stop()


def _cards(fake_slack: FakeSlack) -> list[dict[str, Any]]:
    return [m for m in fake_slack.messages.get(CHANNEL, []) if not m.get("thread_ts")]


def _replies(fake_slack: FakeSlack) -> int:
    return sum(len(fake_slack.thread(CHANNEL, m["ts"])) for m in _cards(fake_slack))
