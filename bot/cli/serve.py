"""`jobbot serve` and `jobbot socket`: the long-running servers."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from bot.cli.settings import ConfigError, prepare
from bot.config.settings import Settings

if TYPE_CHECKING:
    from bot.runtime import Runtime

SERVE_NEEDS = ("slack_bot_token", "slack_signing_secret")
SOCKET_NEEDS = ("slack_bot_token", "slack_app_token")


def run_loop(main: Coroutine[Any, Any, int]) -> int:
    """Run a server's event loop: uvloop where it is installed, unless JOBBOT_EVENT_LOOP=asyncio."""
    if os.environ.get("JOBBOT_EVENT_LOOP", "uvloop").strip().lower() != "asyncio":
        try:
            import uvloop
        except ImportError:  # not built for this platform (Windows): the standard loop serves
            pass
        else:
            with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
                return runner.run(main)
    return asyncio.run(main)


async def run_serve(settings: Settings) -> int:
    """Serve Slack over HTTP until SIGTERM or SIGINT."""
    from bot.runtime import build_runtime
    from bot.slack.server import CannotListen, create_web_app, serve

    prepare(settings)
    runtime = build_runtime(settings)
    assert runtime.app is not None
    stop = _stop_on_signals()
    web_app = create_web_app(
        runtime.app, runtime.health, runtime.metrics.render, acks=runtime.deps.acks
    )
    try:
        await _start(runtime, stop)
        await serve(web_app, settings.host, settings.port, stop)
    except CannotListen as error:
        raise ConfigError(f"JOBBOT_HOST/JOBBOT_PORT: {error}") from None
    finally:
        await runtime.aclose()
    return 0


async def run_socket(settings: Settings) -> int:
    """Serve Slack over Socket Mode until interrupted."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from bot.runtime import build_runtime
    from bot.slack.server import DRAIN_TIMEOUT_S, drain

    prepare(settings)
    runtime = build_runtime(settings, socket_mode=True)
    assert settings.slack_app_token is not None
    assert runtime.app is not None
    handler = AsyncSocketModeHandler(runtime.app, settings.slack_app_token.get_secret_value())
    stop = _stop_on_signals()
    try:
        await _start(runtime, stop)
        await handler.connect_async()  # type: ignore[no-untyped-call]
        await stop.wait()
        # Stop taking requests, then let the lookups in flight finish, as `serve` does.
        await handler.close_async()  # type: ignore[no-untyped-call]
        await drain(DRAIN_TIMEOUT_S)
    finally:
        await runtime.aclose()
    return 0


async def _start(runtime: Runtime, stop: asyncio.Event) -> None:
    """Migrate the database and start the poller, or fail with one line naming JOBBOT_DB."""
    try:
        await runtime.start(stop=stop)
    except Exception as error:
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise ConfigError(
            f"JOBBOT_DB: cannot use the database {runtime.db.shown_url}: "
            f"{type(error).__name__}: {reason}"
        ) from None


def _stop_on_signals() -> asyncio.Event:
    """Return an event set by SIGTERM (docker stop, Kubernetes) or SIGINT (Ctrl-C)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    return stop
