"""`jobbot serve` as real child processes wired to the fakes, for crash and replica tests."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import BOT_TOKEN, PROJECT_ID, SIGNING_SECRET
from tests.fakes import FakeJobApi, FakeSlack, command_body, slack_headers
from tests.postgres import free_port


@dataclass
class Served:
    """One `python -m bot serve` process."""

    process: asyncio.subprocess.Process
    url: str
    log: Path

    async def command(self, text: str, hook_url: str, channel: str = "C0INCIDENT") -> int:
        """Send `/job TEXT` signed as Slack signs it; return the HTTP status."""
        body = command_body(text, hook_url, channel_id=channel)
        async with httpx.AsyncClient(base_url=self.url, timeout=10) as client:
            response = await client.post(
                "/slack/events", content=body, headers=slack_headers(SIGNING_SECRET, body)
            )
        return response.status_code

    async def get(self, path: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.url, timeout=10) as client:
            return await client.get(path)

    async def polls(self) -> float:
        """Return how many watched jobs this process has polled (its /metrics counter)."""
        text = (await self.get("/metrics")).text
        match = re.search(r"^jobbot_watch_polls_total ([0-9.e+]+)$", text, re.MULTILINE)
        return float(match.group(1)) if match else 0.0

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a machine or container dies."""
        self.process.send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), timeout=15)
            except TimeoutError:
                self.kill()
                await self.process.wait()


async def start_serve(
    fake_slack: FakeSlack, fake_jobs: FakeJobApi, workdir: Path, name: str, **settings: str
) -> Served:
    """Start `jobbot serve` and wait until /healthz answers."""
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "JOBBOT_API": "cs",
        "JOBBOT_ENDPOINT": fake_jobs.url,
        "HUAWEICLOUD_SDK_PROJECT_ID": PROJECT_ID,
        "JOBBOT_AUTH_TOKEN": "iam-token-for-tests",
        "JOBBOT_HOST": "127.0.0.1",
        "JOBBOT_PORT": str(port),
        **settings,
    }
    log = workdir / f"{name}.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "serve",
            cwd=workdir, env=env, stdout=output, stderr=output,
        )  # fmt: skip
    served = Served(process, f"http://127.0.0.1:{port}", log)
    for _ in range(300):
        if process.returncode is not None:
            raise AssertionError(f"jobbot serve exited: {log.read_text()[-2000:]}")
        try:
            if (await served.get("/healthz")).status_code == 200:
                return served
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError(f"jobbot serve did not answer /healthz: {log.read_text()[-2000:]}")
