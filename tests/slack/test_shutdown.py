"""SIGTERM: `jobbot serve` stops accepting, finishes the lookups in flight, and exits 0."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.slack.server import SLACK_PATH, drain
from tests.conftest import BOT_TOKEN, PROJECT_ID, SIGNING_SECRET
from tests.fakes import FakeJobApi, FakeSlack, command_body, slack_headers, wait_until

JOB_API_LATENCY_S = 1.0


@dataclass
class Served:
    """`python -m bot serve` running in a child process, and where it listens."""

    process: asyncio.subprocess.Process
    url: str
    port: int
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def refuses_connections(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except ConnectionRefusedError:
        return True
    except ConnectionResetError:
        # Queued in the backlog just before the listening socket closed: ask again.
        return False
    writer.close()
    await writer.wait_closed()
    return False


def serve_env(fake_slack: FakeSlack, fake_jobs: FakeJobApi, port: int) -> dict[str, str]:
    """The environment of a `python -m bot serve` child process wired to the fakes."""
    return {
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
    }


@pytest.fixture
async def served(
    fake_slack: FakeSlack, fake_jobs: FakeJobApi, tmp_path: Path
) -> AsyncIterator[Served]:
    port = free_port()
    env = serve_env(fake_slack, fake_jobs, port)
    log = tmp_path / "jobbot.log"
    with log.open("wb") as output:
        # cwd: an empty directory, so no .env of the developer's is read.
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "serve",
            cwd=tmp_path,
            env=env,
            stdout=output,
            stderr=output,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=url) as http:
            deadline = time.monotonic() + 15
            while True:
                assert process.returncode is None, log.read_text()
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"jobbot did not start:\n{log.read_text()}"
                await asyncio.sleep(0.05)
        yield Served(process, url, port, log)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_sigterm_finishes_the_lookup_in_flight_and_exits_0(
    served: Served, fake_slack: FakeSlack, fake_jobs: FakeJobApi
) -> None:
    fake_jobs.latency_s = JOB_API_LATENCY_S
    body = command_body("50320", fake_slack.hook_url("inflight"))
    async with httpx.AsyncClient(base_url=served.url, timeout=5) as http:
        ack = await http.post(SLACK_PATH, content=body, headers=slack_headers(SIGNING_SECRET, body))
    assert ack.status_code == 200
    await wait_until(lambda: bool(fake_jobs.requests))  # the lookup is in flight
    sigterm_at = time.monotonic()
    served.process.send_signal(signal.SIGTERM)

    # New connections are refused while the lookup is still running.
    deadline = time.monotonic() + 0.5
    while not await refuses_connections(served.port):
        assert time.monotonic() < deadline, "still accepting connections after SIGTERM"
        await asyncio.sleep(0.01)
    refused_after = time.monotonic() - sigterm_at

    returncode = await asyncio.wait_for(served.process.wait(), timeout=12)
    exited_after = time.monotonic() - sigterm_at
    log = served.log.read_text()
    assert returncode == 0, log
    cards = [hook for hook in fake_slack.hooks if hook.hook == "inflight"]
    assert len(cards) == 1, log
    assert "Job 50320" in str(cards[0].body["text"])
    # The lookup had started before SIGTERM and its card went out after it.
    assert fake_jobs.requests[0].at < sigterm_at < cards[0].at
    assert exited_after < 10, exited_after
    assert refused_after < exited_after
    print(f"SIGTERM -> refused {refused_after:.3f} s, exit {exited_after:.3f} s, card delivered")


async def test_sigterm_when_idle_exits_at_once(served: Served) -> None:
    sigterm_at = time.monotonic()
    served.process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(served.process.wait(), timeout=5) == 0
    assert time.monotonic() - sigterm_at < 2


async def test_drain_cancels_what_outlasts_it() -> None:
    finished = asyncio.create_task(asyncio.sleep(0.01))
    hanging = asyncio.create_task(asyncio.Event().wait())
    started = time.monotonic()
    await drain(0.2)
    assert time.monotonic() - started < 1.5
    assert finished.done()
    assert not finished.cancelled()
    assert hanging.cancelled()
