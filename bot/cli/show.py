"""`jobbot show` and `jobbot demo`: cards printed in the terminal or as Block Kit JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bot.cli.settings import prepare, read_settings
from bot.config.access import JobApi
from bot.config.settings import Settings

if TYPE_CHECKING:
    from bot.render.blocks import Message


async def run_show(settings: Settings, job_ids: Sequence[int], as_json: bool) -> int:
    """Print the card of each job, as the terminal shows it or as Block Kit JSON."""
    from bot.jobs.cache import JobCache
    from bot.jobs.service import create_jobs_client
    from bot.timing import utc_now
    from bot.usecases.show_job import show_job

    prepare(settings)
    client = create_jobs_client(settings.cloud_access())
    jobs = JobCache(client, ttl_s=settings.cache_ttl_s)
    show = _print_json if as_json else _terminal_printer()
    failed = False
    try:
        for job_id in job_ids:
            result = await show_job(jobs, job_id, now=utc_now())
            failed = failed or not result.found
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
