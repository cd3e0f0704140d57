"""Two `jobbot serve` replicas on one real PostgreSQL server share the watches.

Each change is posted exactly once, both replicas do part of the polling, and when one is
SIGKILLed the other takes its jobs within one lease.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.fakes import FakeJobApi, FakeSlack, wait_until
from tests.slack.listeners.support import add_job
from tests.waiting import eventually
from tests.watch.served import Served, start_serve

CHANNEL = "C0INCIDENT"
JOBS = [81000 + n for n in range(20)]
LEASE_S = 2.0


async def polled_since(before: float, a: Served, b: Served | None, n: int) -> bool:
    """Say whether the replicas have polled `n` more jobs since they had polled `before`."""
    now = await a.polls() + (await b.polls() if b is not None else 0.0)
    return now >= before + n


async def test_two_replicas_post_each_change_once_and_take_over_from_a_dead_one(
    fake_slack: FakeSlack, fake_jobs: FakeJobApi, pg_url: str, tmp_path: Path
) -> None:
    for job_id in JOBS:
        add_job(fake_jobs, job_id)
    settings = {
        "JOBBOT_DB": pg_url,
        "JOBBOT_WATCH_INTERVAL_S": "0.1",
        "JOBBOT_WATCH_LEASE_S": str(LEASE_S),
    }
    a = await start_serve(fake_slack, fake_jobs, tmp_path, "a", **settings)
    b = await start_serve(fake_slack, fake_jobs, tmp_path, "b", **settings)
    try:
        # Commands reach whichever replica Slack picks: here, alternately.
        for n, job_id in enumerate(JOBS):
            assert (
                await (a, b)[n % 2].command(f"watch {job_id}", fake_slack.hook_url(f"w{n}")) == 200
            )
        await wait_until(lambda: len(fake_slack.messages.get(CHANNEL, [])) == 20, timeout=20)
        parent_of = {
            int(re.search(r"job (\d+)", m["text"]).group(1)): m["ts"]
            for m in fake_slack.messages[CHANNEL]
        }
        assert sorted(parent_of) == JOBS

        def replies() -> int:
            return sum(len(fake_slack.thread(CHANNEL, ts)) for ts in parent_of.values())

        # 50 status changes, in rounds (a job's next change waits until its last was seen).
        expected: dict[int, list[str]] = {job_id: [] for job_id in JOBS}
        changes = 0
        round_s: list[float] = []
        while changes < 50:
            started = time.monotonic()
            batch = JOBS[: min(20, 50 - changes)]
            for job_id in batch:
                job = fake_jobs.jobs[job_id]
                job["status"] = (
                    "job_running" if job["status"] == "job_running_exception"
                    else "job_running_exception"
                )  # fmt: skip
                expected[job_id].append(job["status"])
            changes += len(batch)
            await wait_until(lambda n=changes: replies() == n, timeout=20)
            round_s.append(time.monotonic() - started)
        # Every job polled about twice more between the two replicas: nothing doubled.
        polled = await a.polls() + await b.polls()
        await eventually(lambda: polled_since(polled, a, b, 2 * len(JOBS)), timeout=20, every=0.1)
        assert replies() == 50
        for job_id, ts in parent_of.items():
            texts = [m["text"] for m in fake_slack.thread(CHANNEL, ts)]
            words = {"job_running": "Running", "job_running_exception": "Running exception"}
            assert [t.split(" → ")[1].split(" after")[0] for t in texts] == [
                words[s] for s in expected[job_id]
            ]
            keys = [m["metadata"]["event_payload"]["key"] for m in fake_slack.thread(CHANNEL, ts)]
            assert len(set(keys)) == len(keys)
        polls_a, polls_b = await a.polls(), await b.polls()
        assert polls_a > 0
        assert polls_b > 0

        # One replica dies; the survivor posts every job's next change within one lease.
        a.kill()
        await a.process.wait()
        killed_at = time.monotonic()
        for job_id in JOBS:
            fake_jobs.jobs[job_id]["status"] = "job_cancel_fail"
        await wait_until(lambda: replies() == 70, timeout=20)
        took = time.monotonic() - killed_at
        # Its jobs wait out a's lease at most, then go as fast as a round with both alive.
        assert took < LEASE_S + max(round_s) + 0.5
        polled = await b.polls()
        await eventually(lambda: polled_since(polled, b, None, len(JOBS)), every=0.1)
        assert replies() == 70
        print(
            f"\npolls by replica: a {polls_a:.0f}, b {polls_b:.0f}; after SIGKILL of a, "
            f"b posted all 20 jobs' next change in {took:.2f} s (lease {LEASE_S} s; "
            f"rounds of changes with both alive took {', '.join(f'{r:.2f}' for r in round_s)} s)"
        )
    finally:
        await a.stop()
        await b.stop()
