"""The composition root: settings in, a wired app and its collaborators out."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from typing import Any

import httpx
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.jobs.cache import JobCache
from bot.jobs.client import JobsClient
from bot.jobs.service import create_jobs_client, endpoint_for
from bot.ops.metrics import Metrics
from bot.ops.settings import Settings
from bot.slack.access import AccessPolicy, AccessRules
from bot.slack.app import create_app
from bot.slack.delivery import Responder
from bot.slack.deps import Deps
from bot.slack.retries import Sleep, slack_retry_handlers
from bot.usecases.projects import ChannelDefaults, MemoryChannelDefaults, Project, Projects


@dataclass
class Runtime:
    """Everything a running jobbot holds, to be closed together."""

    settings: Settings
    jobs: JobsClient
    deps: Deps
    # One client per project; `jobs` is the first (the default project's).
    clients: tuple[JobsClient, ...]
    slack: AsyncWebClient
    app: AsyncApp | None

    @property
    def metrics(self) -> Metrics:
        """Return the metrics every part of this runtime reports to."""
        return self.deps.metrics

    async def aclose(self) -> None:
        """Close every connection pool."""
        for client in self.clients:
            await client.aclose()
        await self.deps.responder.aclose()

    def health(self) -> dict[str, Any]:
        """Describe the job API configuration for /healthz (no secrets)."""
        return health(self.settings)


def _job_api(settings: Settings) -> dict[str, Any]:
    return {
        "api": settings.api.value,
        "endpoint": endpoint_for(settings),
        "sign_in": settings.auth_scheme.value,
        "configured": True,
    }


def health(settings: Settings) -> dict[str, Any]:
    """Describe the job API configuration for /healthz (no secrets)."""
    described: dict[str, Any] = {
        "status": "ok",
        # Which process answered (behind a load balancer that runs several).
        "pid": os.getpid(),
    }
    if settings.projects:
        described["projects"] = {
            spec.name: _job_api(settings.for_project(spec)) for spec in settings.projects
        }
    else:
        described["job_api"] = _job_api(settings)
    return described


def build_runtime(
    settings: Settings,
    *,
    job_transport: httpx.AsyncBaseTransport | None = None,
    socket_mode: bool = False,
    with_app: bool = True,
    sleep: Sleep = asyncio.sleep,
    channel_defaults: ChannelDefaults | None = None,
) -> Runtime:
    """Wire jobbot from its settings.

    `job_transport` replaces the job API's network; `sleep` is how Slack retries wait.
    """
    metrics = Metrics()
    named = [(spec.name, settings.for_project(spec)) for spec in settings.projects]
    clients = [
        (
            name,
            create_jobs_client(
                project_settings,
                transport=job_transport,
                observer=metrics,
                on_token_renewal=metrics.token_renewed,
            ),
        )
        for name, project_settings in (named or [("", settings)])
    ]
    projects = Projects(
        [
            Project(name, JobCache(client, ttl_s=settings.cache_ttl_s, observer=metrics))
            for name, client in clients
        ]
    )
    token = settings.slack_bot_token
    slack = AsyncWebClient(
        token=token.get_secret_value() if token else None,
        base_url=str(settings.slack_api_url),
        retry_handlers=slack_retry_handlers(sleep),
    )
    deps = Deps(
        settings=settings,
        jobs=projects.default.jobs,
        projects=projects,
        channel_defaults=channel_defaults or MemoryChannelDefaults(),
        responder=Responder(on_refused=metrics.slack_api_error, sleep=sleep),
        metrics=metrics,
    )
    rules = AccessRules(
        users=frozenset(settings.allowed_users),
        channels=frozenset(settings.allowed_channels),
        usergroups=frozenset(settings.allowed_usergroups),
    )
    policy = AccessPolicy(rules, slack, on_slack_error=deps.slack_api_error)
    app = (
        create_app(deps, client=slack, policy=policy, socket_mode=socket_mode) if with_app else None
    )
    return Runtime(
        settings=settings,
        jobs=clients[0][1],
        deps=deps,
        slack=slack,
        app=app,
        clients=tuple(client for _, client in clients),
    )
