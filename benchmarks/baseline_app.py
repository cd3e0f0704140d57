"""The BASELINE: a bare Bolt AsyncApp doing the same job as jobbot, with nothing else.

`/job ID` acks, fetches GET {endpoint}/v1.0/{project}/job/{ID} with one shared httpx client
(X-Auth-Token; httpx's default pool and a 5 s timeout) and sends one line of text to the
command's response_url with Bolt's own `respond()`. Served by Bolt's own aiohttp app
(`AsyncApp.web_app()`) plus `GET /healthz`, without an access log and with the listen backlog
the benchmark gives it (BENCH_BACKLOG: jobbot's, so that the kernel's accept queue is not what
is compared).

With BENCH_LIBRARIES=1 it is the FLOOR instead: the same app, plus the libraries jobbot is
required to use, each imported and set up once before it listens (a pydantic-settings class
read from the environment, a prometheus-client counter, a SQLAlchemy async engine on an
aiosqlite file at BENCH_DB that runs one query, the uvloop event loop). No jobbot code: what
jobbot's start-up and memory would be if its own code cost nothing.

Configured from the environment: BENCH_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL,
BENCH_ENDPOINT, BENCH_PROJECT_ID, BENCH_AUTH_TOKEN, BENCH_PORT, BENCH_BACKLOG.
Run: `python -m benchmarks.baseline_app` (the benchmark starts it; SIGTERM stops it).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from typing import Any

import httpx
from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient


def build() -> web.Application:
    app = AsyncApp(
        client=AsyncWebClient(
            token=os.environ["BENCH_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
        ),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    )
    endpoint = os.environ["BENCH_ENDPOINT"].rstrip("/")
    project = os.environ["BENCH_PROJECT_ID"]
    http = httpx.AsyncClient(timeout=5.0, headers={"X-Auth-Token": os.environ["BENCH_AUTH_TOKEN"]})

    @app.command("/job")
    async def job(ack: AsyncAck, respond: AsyncRespond, command: dict[str, Any]) -> None:
        await ack()
        job_id = command["text"].strip()
        response = await http.get(f"{endpoint}/v1.0/{project}/job/{job_id}")
        job = response.json()["payload"]
        text = f"{job['name']} ({job['job_id']}): {job['status']}"
        await respond(text)

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    web_app = app.web_app(path="/slack/events")
    web_app.router.add_get("/healthz", healthz)
    return web_app


async def load_libraries() -> None:
    """Set up what jobbot's required libraries need before serving, and nothing else."""
    from prometheus_client import Counter
    from pydantic_settings import BaseSettings, SettingsConfigDict
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    class FloorSettings(BaseSettings):
        model_config = SettingsConfigDict(env_prefix="BENCH_")
        port: int
        project_id: str

    FloorSettings()  # type: ignore[call-arg]
    Counter("floor_requests", "Requests served").inc(0)
    engine = create_async_engine(f"sqlite+aiosqlite:///{os.environ['BENCH_DB']}")
    async with engine.begin() as conn:
        await conn.execute(text("SELECT 1"))
    await engine.dispose()


async def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    if os.environ.get("BENCH_LIBRARIES") == "1":
        await load_libraries()
    runner = web.AppRunner(build(), access_log=None)
    await runner.setup()
    backlog = int(os.environ.get("BENCH_BACKLOG", "128"))  # 128: aiohttp's default
    site = web.TCPSite(runner, "127.0.0.1", int(os.environ["BENCH_PORT"]), backlog=backlog)
    await site.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    if os.environ.get("BENCH_LIBRARIES") == "1":
        import uvloop

        uvloop.run(main())
    else:
        asyncio.run(main())
