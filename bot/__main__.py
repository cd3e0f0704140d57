"""The `jobbot` command line: the only place with process side effects."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any

from bot.ops.logs import setup_logging
from bot.ops.settings import JobApi, Settings
from bot.ops.settings_load import SettingsError, load_settings

if TYPE_CHECKING:
    from bot.render.blocks import Message
    from bot.runtime import Runtime

# Each command imports what it needs when it runs: `show` and `demo` never load Bolt or the
# aiohttp server, `serve` never loads rich (python -X importtime -m bot ... shows the cost).


class ConfigError(Exception):
    """The settings are missing or wrong: one line per problem, each naming its variable."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def read_settings(*required: str, **overrides: object) -> Settings:
    """Read the settings and check the ones this command needs, reporting every problem."""
    try:
        return load_settings(*required, **overrides)
    except SettingsError as error:
        raise ConfigError(*error.problems) from None


SERVE_NEEDS = ("slack_bot_token", "slack_signing_secret")
SOCKET_NEEDS = ("slack_bot_token", "slack_app_token")


def _prepare(settings: Settings) -> None:
    setup_logging(settings.log_format, settings.log_level, settings.secret_values())


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

    _prepare(settings)
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

    _prepare(settings)
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


async def run_show(settings: Settings, job_ids: Sequence[int], as_json: bool) -> int:
    """Print the card of each job, as the terminal shows it or as Block Kit JSON."""
    from bot.jobs.cache import JobCache
    from bot.jobs.service import create_jobs_client
    from bot.slack.deps import utc_now
    from bot.usecases.show_job import show_job

    _prepare(settings)
    client = create_jobs_client(settings)
    jobs = JobCache(client, ttl_s=settings.cache_ttl_s)
    show = _print_json if as_json else _terminal_printer()
    failed = False
    try:
        for job_id in job_ids:
            result = await show_job(jobs, job_id, now=utc_now())
            failed = failed or not result.ok
            show(result.message)
    finally:
        await client.aclose()
    return 1 if failed else 0


def _print_json(message: Message) -> None:
    print(json.dumps(message.as_payload(), indent=2, ensure_ascii=False))


def _terminal_printer() -> Callable[[Message], None]:
    from bot.render.terminal import print_message, terminal_console

    console = terminal_console()
    return lambda message: print_message(console, message)


def run_manifest(url: str | None, socket_mode: bool) -> int:
    """Print the Slack app manifest for this deployment as YAML."""
    from bot.ops.manifest import PLACEHOLDER_URL, build_manifest, to_yaml

    if url is None and not socket_mode:
        # Still useful as a template; the note says what to replace.
        url = PLACEHOLDER_URL
        print(
            f"jobbot: no --url given, so the manifest points at the placeholder {url}; pass "
            "--url https://your-host (jobbot's public address) or --socket for Socket Mode",
            file=sys.stderr,
        )
    # Only JOBBOT_COMMAND matters here; printing a manifest needs no job API settings.
    settings = read_settings(JOBBOT_API=JobApi.DEMO)
    try:
        manifest = build_manifest(settings.command, url=url, socket_mode=socket_mode)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    print(to_yaml(manifest), end="")
    return 0


async def run_demo(show_json: bool) -> int:
    """Print the cards of every demo job and of the demo failures."""
    # The demo's failures are on purpose (IDs 401…503): their log lines would only be noise.
    from bot.jobs.demo import DEMO_FAULTS, DEMO_JOB_IDS

    settings = read_settings(JOBBOT_API=JobApi.DEMO, JOBBOT_LOG_LEVEL="ERROR")
    await run_show(settings, [*DEMO_JOB_IDS, 999999, *DEMO_FAULTS], show_json)
    print(
        "These are jobbot's cards for the built-in demo jobs. To see one as Slack receives "
        "it: JOBBOT_API=demo jobbot show 2003 --json"
    )
    return 0


def _job_id(text: str) -> int:
    from bot.usecases.job_ids import parse_job_id

    job_id = parse_job_id(text)
    if job_id is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a job ID (a whole number)")
    return job_id


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="jobbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("serve", help="serve Slack over HTTP (POST /slack/events)")
    commands.add_parser("socket", help="serve Slack over Socket Mode (needs SLACK_APP_TOKEN)")
    show = commands.add_parser("show", help="print a job's card")
    show.add_argument("job_id", type=_job_id, nargs="+", metavar="JOB_ID")
    show.add_argument("--json", action="store_true", help="print the Block Kit payload")
    demo = commands.add_parser("demo", help="print the cards of the built-in demo jobs")
    demo.add_argument("--json", action="store_true", help="print Block Kit payloads")
    commands.add_parser("check", help="check the settings, the job API and Slack")
    manifest = commands.add_parser("manifest", help="print the Slack app manifest (YAML)")
    where = manifest.add_mutually_exclusive_group()
    where.add_argument(
        "--url", help="HTTP mode: jobbot's public https:// address (default: a placeholder)"
    )
    where.add_argument("--socket", action="store_true", help="Socket Mode: no request URLs")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the jobbot command line."""
    args = parse_args(argv)
    try:
        match args.command:
            case "demo":
                return asyncio.run(run_demo(args.json))
            case "serve":
                return run_loop(run_serve(read_settings(*SERVE_NEEDS)))
            case "socket":
                return run_loop(run_socket(read_settings(*SOCKET_NEEDS)))
            case "show":
                return asyncio.run(run_show(read_settings(), args.job_id, args.json))
            case "manifest":
                return run_manifest(args.url, args.socket)
            case "check":
                from bot.ops.check import run_check

                return asyncio.run(run_check(read_settings()))
    except ConfigError as error:
        for problem in error.problems:
            print(f"jobbot: configuration error: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
