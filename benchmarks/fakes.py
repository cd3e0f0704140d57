"""The benchmark's loopback fakes, each in its own process: `python -m benchmarks.fakes ROLE`.

ROLE `api`: the CS job API (tests/fakes.py FakeJobApi) with 100 ms latency per request, serving
every job ID (the job_running.json sample with the ID swapped in).
ROLE `slack`: Slack's Web API (auth.test, which Bolt calls on its first request) and the
response_url sink /hooks/<id> (tests/fakes.py FakeSlack), recording each post's arrival time.

Both print one JSON line `{"url": ...}` when they listen and serve until stdin closes. The
orchestrator reads what they recorded through `/_bench/...` routes, off the measured path.
Times are `time.monotonic()`: CLOCK_MONOTONIC, the same clock in every process on the machine.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from aiohttp import web

from benchmarks.watches import watched_job_ids
from tests.fakes import FakeJobApi, FakeSlack, LoopbackServer

SAMPLE = Path(__file__).resolve().parent.parent / "tests" / "samples" / "cs" / "job_running.json"
LATENCY_S = 0.1
BOT_TOKEN = "xoxb-bench-token"
BACKLOG = 4096


class AnyJob(dict[int, dict[str, Any]]):
    """Every job ID exists: the sample job, with that ID."""

    def __init__(self, template: dict[str, Any]) -> None:
        super().__init__()
        self.template = template

    def get(self, job_id: int, default: Any = None) -> dict[str, Any]:
        return {**self.template, "job_id": job_id}


class BenchJobApi(FakeJobApi):
    """FakeJobApi plus `GET /_bench/requests` (path and arrival time of every request)."""

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.path == "/_bench/requests":
            return web.json_response([[r.path, r.at] for r in self.requests])
        if request.path == "/_bench/reset":
            self.requests.clear()
            return web.json_response({"ok": True})
        return await super()._handle(request)


async def start_with_backlog(server: LoopbackServer) -> None:
    """LoopbackServer.start with a deep accept queue: Slack's and the API's front ends never
    refuse connections, so the fakes must not either (aiohttp's default backlog is 128)."""
    runner = web.AppRunner(server.app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=BACKLOG)
    await site.start()
    server._runner = runner
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.url = f"http://127.0.0.1:{port}"


def job_name() -> str:
    return str(json.loads(SAMPLE.read_text())["payload"]["name"])


async def start_api() -> BenchJobApi:
    template = json.loads(SAMPLE.read_text())["payload"]
    api = BenchJobApi(service="cs", latency_s=LATENCY_S)
    api.jobs = AnyJob(template)
    # The jobs the watches-1000 scenario watches: real rows, so the list API pages over them.
    for job_id in watched_job_ids():
        api.jobs[job_id] = {**template, "job_id": job_id, "name": f"watched_{job_id}"}
    await start_with_backlog(api)
    return api


async def start_slack() -> FakeSlack:
    slack = FakeSlack(bot_token=BOT_TOKEN)
    name = job_name()

    async def hooks(request: web.Request) -> web.Response:
        # [hook id, arrival time, whether the reply carries the job (a card, not an error)]
        return web.json_response([[h.hook, h.at, name in json.dumps(h.body)] for h in slack.hooks])

    async def reset(request: web.Request) -> web.Response:
        slack.hooks.clear()
        slack.calls.clear()
        return web.json_response({"ok": True})

    async def calls(request: web.Request) -> web.Response:
        return web.json_response([c.method for c in slack.calls])

    slack.app.router.add_get("/_bench/hooks", hooks)
    slack.app.router.add_get("/_bench/calls", calls)
    slack.app.router.add_post("/_bench/reset", reset)
    await start_with_backlog(slack)
    return slack


async def main(role: str) -> None:
    server = await (start_api() if role == "api" else start_slack())
    print(json.dumps({"url": server.url}), flush=True)
    loop = asyncio.get_running_loop()
    # Serve until the orchestrator closes our stdin (or dies).
    await loop.run_in_executor(None, sys.stdin.read)
    await server.stop()


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("api", "slack"):
        sys.exit("usage: python -m benchmarks.fakes api|slack")
    asyncio.run(main(sys.argv[1]))
