"""Restarts: `jobbot serve` SIGKILLed mid-poll and started again on the same SQLite file.

With the default lease (30 s), the restarted process must not wait for the leases its dead
predecessor held: every change of every round is in its job's thread, exactly once, within a
few seconds of the restart (a change that comes and goes while leases are waited out is never
seen at all).
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from pathlib import Path
from typing import Any

from tests.fakes import FakeJobApi, FakeSlack, wait_until
from tests.slack.listeners.support import add_job
from tests.watch.served import start_serve
from tests.watch.test_crash import CHANNEL, is_change_reply

JOBS = [82000 + n for n in range(10)]
# The experiment gave the restarted process 3.5 s.
BUDGET_S = 3.5
WORDS = {"job_running": "Running", "job_running_exception": "Running exception"}


async def test_a_restarted_jobbot_resumes_its_watches_at_once_with_the_default_lease(
    fake_slack: FakeSlack, fake_jobs: FakeJobApi, tmp_path: Path
) -> None:
    for job_id in JOBS:
        add_job(fake_jobs, job_id)
    settings = {"JOBBOT_DB": str(tmp_path / "jobbot.db"), "JOBBOT_WATCH_INTERVAL_S": "0.2"}
    served = await start_serve(fake_slack, fake_jobs, tmp_path, "first", **settings)
    rng = random.Random(7)
    try:
        for n, job_id in enumerate(JOBS):
            assert await served.command(f"watch {job_id}", fake_slack.hook_url(f"w{n}")) == 200
        await wait_until(lambda: len(fake_slack.messages.get(CHANNEL, [])) == len(JOBS), 10)
        parent_of = {
            int(re.search(r"job (\d+)", m["text"]).group(1)): m["ts"]
            for m in fake_slack.messages[CHANNEL]
        }

        def replies() -> int:
            return sum(len(fake_slack.thread(CHANNEL, ts)) for ts in parent_of.values())

        expected: dict[int, list[str]] = {job_id: [] for job_id in JOBS}
        took: list[float] = []
        # Killed while a reply is held before Slack records it, after, then at a random moment.
        for round_, how in enumerate(["before", "after", "random"]):
            if how != "random":
                fake_slack.held.clear()
                fake_slack.hold = _first_reply(how)
            for job_id in JOBS:
                job = fake_jobs.jobs[job_id]
                flipped = (
                    "job_running_exception" if job["status"] == "job_running" else "job_running"
                )
                job["status"] = flipped
                expected[job_id].append(flipped)
            if how == "random":
                await asyncio.sleep(rng.uniform(0, 1.5))
            else:
                await asyncio.wait_for(fake_slack.held.wait(), timeout=10)
            served.kill()
            await served.process.wait()
            fake_slack.hold = lambda params: None
            served = await start_serve(
                fake_slack, fake_jobs, tmp_path, f"restart{round_}", **settings
            )
            restarted = time.monotonic()
            await wait_until(lambda n=round_: replies() == len(JOBS) * (n + 1), BUDGET_S)
            took.append(time.monotonic() - restarted)
        await asyncio.sleep(1.0)  # five more intervals: nothing doubled
        assert replies() == len(JOBS) * 3
        for job_id, ts in parent_of.items():
            texts = [m["text"] for m in fake_slack.thread(CHANNEL, ts)]
            assert [t.split(" → ")[1].split(" after")[0] for t in texts] == [
                WORDS[s] for s in expected[job_id]
            ]
        print(
            f"\n{len(JOBS)} jobs x 3 rounds, default lease: every change replied once; "
            f"restart to the last reply: {', '.join(f'{t:.2f}' for t in took)} s"
        )
    finally:
        await served.stop()


def _first_reply(how: str) -> Any:
    """Hold the first change reply of a round (`before` or `after` Slack records it)."""
    seen: list[bool] = []

    def hold(params: dict[str, Any]) -> str | None:
        if is_change_reply(params) and not seen:
            seen.append(True)
            return how
        return None

    return hold
