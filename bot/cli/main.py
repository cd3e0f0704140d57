"""The `jobbot` command line: the only place with process side effects."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from bot.cli.settings import ConfigError, read_settings

DESCRIPTION = "Slack chat-ops bot for Flink jobs on Huawei Cloud CS and DLI"

# Each command imports what it needs when it runs: `show` and `demo` never load Bolt or the
# aiohttp server, `serve` never loads rich (python -X importtime -m bot ... shows the cost).


def _job_id(text: str) -> int:
    from bot.usecases.job_ids import parse_job_id

    job_id = parse_job_id(text)
    if job_id is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a job ID (a whole number)")
    return job_id


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="jobbot", description="Slack chat-ops bot for Flink jobs on Huawei Cloud CS and DLI"
    )
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
                from bot.cli.show import run_demo

                return asyncio.run(run_demo(args.json))
            case "serve":
                from bot.cli.serve import SERVE_NEEDS, run_loop, run_serve

                return run_loop(run_serve(read_settings(*SERVE_NEEDS)))
            case "socket":
                from bot.cli.serve import SOCKET_NEEDS, run_loop, run_socket

                return run_loop(run_socket(read_settings(*SOCKET_NEEDS)))
            case "show":
                from bot.cli.show import run_show

                return asyncio.run(run_show(read_settings(), args.job_id, args.json))
            case "manifest":
                from bot.cli.manifest import run_manifest

                return run_manifest(args.url, args.socket)
            case "check":
                from bot.cli.check import run_check

                return asyncio.run(run_check(read_settings()))
    except ConfigError as error:
        for problem in error.problems:
            print(f"jobbot: configuration error: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2
