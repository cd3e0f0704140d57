"""`jobbot serve --workers N`: N processes share the port, all answer, SIGTERM stops them all."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from pathlib import Path

import httpx

from bot.slack.server import SLACK_PATH
from tests.conftest import SIGNING_SECRET
from tests.fakes import FakeJobApi, FakeSlack, command_body, slack_headers, wait_until
from tests.slack.test_shutdown import free_port, serve_env


async def test_workers_share_the_port_and_all_stop_on_sigterm(
    fake_slack: FakeSlack, fake_jobs: FakeJobApi, tmp_path: Path
) -> None:
    port = free_port()
    env = serve_env(fake_slack, fake_jobs, port)
    log = tmp_path / "jobbot.log"
    with log.open("wb") as output:
        parent = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "serve", "--workers", "2",
            cwd=tmp_path, env=env, stdout=output, stderr=output,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        pids: set[int] = set()
        deadline = time.monotonic() + 20
        # Each new connection goes to one of the listening processes.
        while len(pids) < 2:
            assert time.monotonic() < deadline, f"saw workers {pids}:\n{log.read_text()}"
            try:
                async with httpx.AsyncClient(base_url=url) as http:
                    pids.add((await http.get("/healthz")).json()["pid"])
            except httpx.TransportError:
                await asyncio.sleep(0.05)
        assert parent.pid not in pids

        body = command_body("50320", fake_slack.hook_url("w"))
        async with httpx.AsyncClient(base_url=url) as http:
            ack = await http.post(
                SLACK_PATH, content=body, headers=slack_headers(SIGNING_SECRET, body)
            )
        assert ack.status_code == 200
        await wait_until(lambda: bool(fake_slack.posts_to("w")))

        parent.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(parent.wait(), timeout=12) == 0, log.read_text()
        async with httpx.AsyncClient(base_url=url) as http:
            try:
                await http.get("/healthz")
            except httpx.ConnectError:
                pass
            else:
                raise AssertionError("a worker still serves after SIGTERM")
    finally:
        if parent.returncode is None:
            parent.kill()
            await parent.wait()
