"""`jobbot check`: validate the settings, then try the job API and Slack, one line each."""

from __future__ import annotations

import time

from slack_sdk.errors import SlackApiError

from bot.jobs import errors
from bot.logs import setup_logging
from bot.runtime import Runtime, build_runtime
from bot.settings import JobApi, Settings

# A job ID no one has: "not found" proves the API answered and accepted our credentials.
PROBE_JOB_ID = 1


async def check_job_api(runtime: Runtime) -> tuple[bool, str]:
    """Look up a job to see that the API answers and accepts the sign-in."""
    settings = runtime.settings
    scheme = settings.auth_scheme.value
    started = time.monotonic()
    try:
        await runtime.jobs.get_job(PROBE_JOB_ID)
    except errors.JobNotFound:
        pass
    except errors.JobApiError as error:
        where = f" (request ID {error.request_id})" if error.request_id else ""
        code = f" {error.code}" if error.code else ""
        problem = f"{type(error).__name__}{code}: {error.message}{where}"
        return False, f"job API ({settings.api.value}, {scheme}): {problem}"
    elapsed = (time.monotonic() - started) * 1000
    return True, f"job API ({settings.api.value}, {scheme}): ok, answered in {elapsed:.0f} ms"


async def check_slack(runtime: Runtime) -> tuple[bool, str]:
    """Call auth.test with the bot token."""
    if runtime.settings.slack_bot_token is None:
        return False, "Slack: SLACK_BOT_TOKEN is not set"
    try:
        response = await runtime.slack.auth_test()
    except SlackApiError as error:
        return False, f"Slack: auth.test failed: {error.response.get('error', 'unknown error')}"
    except OSError as error:
        return (
            False,
            f"Slack: cannot reach {runtime.settings.slack_api_url}: {type(error).__name__}",
        )
    return True, f"Slack: ok, team {response.get('team')!r} as @{response.get('user')}"


async def run_check(settings: Settings) -> int:
    """Print one line per check; exit status 0 only if every check passed."""
    setup_logging(settings.log_format, "ERROR")
    print(f"settings: ok (JOBBOT_API={settings.api.value})")
    runtime = build_runtime(settings, with_app=False)
    results = []
    try:
        results.append(await check_job_api(runtime))
        results.append(await check_slack(runtime))
    finally:
        await runtime.aclose()
    for ok, line in results:
        print(("ok   " if ok else "FAIL ") + line)
    if settings.api is JobApi.DEMO:
        print("note: JOBBOT_API=demo serves built-in sample jobs, not your cloud's")
    return 0 if all(ok for ok, _ in results) else 1
