"""`jobbot check`: validate the settings, then try the job API and Slack, one line each."""

from __future__ import annotations

import asyncio
import time

from slack_sdk.errors import SlackApiError

from bot.config.access import JobApi
from bot.config.settings import Settings
from bot.huawei import errors
from bot.jobs.client import JobsClient
from bot.jobs.masking import mask_secrets
from bot.jobs.service import endpoint_for
from bot.ops.logs import RedactSecrets, setup_logging
from bot.runtime import Runtime, build_runtime
from bot.store.migrations import LATEST, current_version

# A job ID no one has: "not found" proves the API answered and accepted our credentials.
PROBE_JOB_ID = 1


async def check_job_api(runtime: Runtime) -> list[tuple[bool, str]]:
    """Look up a job in each project: one line on its sign-in, one on its API."""
    specs = runtime.settings.projects
    if not specs:
        return await _check_one(runtime.settings, runtime.jobs, "")
    results: list[tuple[bool, str]] = []
    for spec, client in zip(specs, runtime.clients, strict=True):
        settings = runtime.settings.for_project(spec)
        results += await _check_one(settings, client, f"project {spec.name}: ")
    return results


async def _check_one(settings: Settings, client: JobsClient, label: str) -> list[tuple[bool, str]]:
    sign_in = f"{label}sign-in ({settings.auth_scheme.value})"
    api = f"{label}job API ({settings.api.value} at {endpoint_for(settings.cloud_access())})"
    started = time.monotonic()
    try:
        await client.get_job(PROBE_JOB_ID)
    except errors.JobNotFound:
        pass
    except errors.JobApiError as error:
        where = f" (request ID {error.request_id})" if error.request_id else ""
        code = f" {error.code}" if error.code else ""
        problem = f"{type(error).__name__}{code}: {error.message}{where}"
        if isinstance(error, errors.CredentialsRejected | errors.Forbidden):
            return [(False, f"{sign_in}: {problem}"), (False, f"{api}: not reached")]
        return [
            (True, f"{sign_in}: not tested, the API did not answer"),
            (False, f"{api}: {problem}"),
        ]
    elapsed = (time.monotonic() - started) * 1000
    accepted = "no sign-in needed" if settings.api is JobApi.DEMO else "accepted by the job API"
    return [
        (True, f"{sign_in}: ok, {accepted}"),
        (True, f"{api}: ok, answered in {elapsed:.0f} ms"),
    ]


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


async def check_database(runtime: Runtime) -> tuple[bool, str]:
    """Connect to JOBBOT_DB and read its schema version."""
    db = runtime.db
    try:
        async with asyncio.timeout(10.0), db.begin() as conn:
            version = await current_version(conn)
    except Exception as error:
        return False, f"database ({db.shown_url}): cannot connect: {type(error).__name__}"
    if version > LATEST:
        return False, f"database ({db.shown_url}): schema {version} is newer than jobbot's {LATEST}"
    if version < LATEST:
        state = f"schema {version}, upgraded to {LATEST} when jobbot serve starts"
    else:
        state = f"schema {version} (latest)"
    return True, f"database ({db.shown_url}): ok, {state}"


async def run_check(settings: Settings) -> int:
    """Print one line per check; exit status 0 only if every check passed."""
    setup_logging(settings.log_format, "ERROR", settings.secret_values())
    if settings.projects:
        names = ", ".join(spec.name for spec in settings.projects)
        print(f"settings: ok (JOBBOT_PROJECTS: {names})")
    else:
        print(f"settings: ok (JOBBOT_API={settings.api.value})")
    runtime = build_runtime(settings, with_app=False)
    results = []
    try:
        results.extend(await check_job_api(runtime))
        results.append(await check_slack(runtime))
        results.append(await check_database(runtime))
    finally:
        await runtime.aclose()
    # The gateway echoes the canonical request (signed headers included, such as
    # X-Security-Token) in its errors: mask credential-looking values and redact our secrets.
    redact = RedactSecrets(settings.secret_values()).redact
    for ok, line in results:
        print(("ok   " if ok else "FAIL ") + redact(mask_secrets(line)))
    if settings.api is JobApi.DEMO:
        print("note: JOBBOT_API=demo serves built-in sample jobs, not your cloud's")
    return 0 if all(ok for ok, _ in results) else 1
