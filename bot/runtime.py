"""The composition root: settings in, a wired app and its collaborators out."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.config.settings import Settings
from bot.jobs.cache import JobCache
from bot.jobs.client import JobsClient
from bot.jobs.service import create_jobs_client, endpoint_for
from bot.ops.metrics import Metrics
from bot.slack.access import AccessPolicy, AccessRules
from bot.slack.app import create_app
from bot.slack.delivery import Responder
from bot.slack.deps import Deps
from bot.slack.retries import Sleep, slack_retry_handlers
from bot.slack.threads import SlackThreads
from bot.store.db import Database, open_database
from bot.store.migrations import current_version, migrate
from bot.store.owners import OwnerLock
from bot.timing import REAL, Timing, stoppable
from bot.usecases.home import DatabaseHome
from bot.usecases.projects import Project, Projects
from bot.usecases.stored import StoredChannelDefaults, StoredSeenEvents
from bot.usecases.watching.commands import Watching
from bot.usecases.watching.outbox import Outbox
from bot.usecases.watching.parents import ParentCards
from bot.watch.poller import Poller, PollerConfig
from bot.watch.source import ClientLister, JobReader
from bot.watch.takeover import take_over_dead

log = logging.getLogger(__name__)


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
    db: Database
    poller: Poller
    metrics: Metrics = field(default_factory=Metrics)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    timing: Timing = REAL
    _poll_task: asyncio.Task[None] | None = None
    _owner_lock: OwnerLock | None = None
    _stop_task: asyncio.Task[None] | None = None

    async def start(self, *, poll: bool = True, stop: asyncio.Event | None = None) -> None:
        """Bring the database up to date, then start the poller; `stop` set ends polling."""
        await migrate(self.db, now=self.timing.wall())
        log.info("database ready: %s", self.db.shown_url)
        if poll:
            # Held while this process polls; a restart takes over what this one held at once.
            owner = self.poller.config.owner
            self._owner_lock = await OwnerLock.claim(self.db, owner)
            await take_over_dead(self.db, self._owner_lock, now=self.timing.wall())
            self._poll_task = asyncio.create_task(self.poller.run(self.stopping))
        if stop is not None:
            self._stop_task = asyncio.create_task(self._stop_polling_on(stop))

    async def _stop_polling_on(self, stop: asyncio.Event) -> None:
        # A SIGTERM stops the poller with the server, so the drain does not wait on it.
        await stop.wait()
        await self.stop_polling()

    async def stop_polling(self) -> None:
        """Stop the poller after the job it is on (its leases expire if it is cut short)."""
        self.stopping.set()
        if self._poll_task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._poll_task, timeout=5.0)
            self._poll_task = None

    async def aclose(self) -> None:
        """Stop the poller and close every connection pool."""
        await self.stop_polling()
        if self._owner_lock is not None:
            await self._owner_lock.aclose()
        for client in self.clients:
            await client.aclose()
        await self.deps.responder.aclose()
        if self.deps.home is not None:
            await self.deps.home.written()
        await self.db.aclose()

    async def health(self) -> dict[str, Any]:
        """Describe the job API, the database and the poller for /healthz (no secrets)."""
        answer = health(self.settings)
        answer["database"] = await database_health(self.db)
        status = self.poller.status
        last = status.last_tick_at
        since = None if last is None else round(self.timing.wall() - last, 3)
        answer["poller"] = {
            "running": status.running,
            "last_tick_at": last,
            "seconds_since_last_tick": since,
            "interval_s": self.poller.config.interval_s,
            "watches": status.watches,
            "jobs_polled_last_tick": status.jobs,
            "lag_s": round(status.lag_s, 3),
            "errors": status.errors,
        }
        if not answer["database"]["reachable"]:
            answer["status"] = "degraded"
        return answer


async def database_health(db: Database) -> dict[str, Any]:
    """Say whether the database answers and which schema version it has."""
    try:
        async with asyncio.timeout(3.0), db.begin() as conn:
            version = await current_version(conn)
    except Exception as error:
        return {"url": db.shown_url, "reachable": False, "error": type(error).__name__}
    return {"url": db.shown_url, "reachable": True, "schema_version": version}


def _job_api(settings: Settings) -> dict[str, Any]:
    return {
        "api": settings.api.value,
        "endpoint": endpoint_for(settings.cloud_access()),
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
    timing: Timing = REAL,
) -> Runtime:
    """Wire jobbot from its settings.

    `job_transport` replaces the job API's network; `sleep` is how Slack retries wait;
    `timing` is every other clock and wait (deadlines, retries, intervals, leases).
    """
    metrics = Metrics()
    named = [(spec.name, settings.for_project(spec)) for spec in settings.projects]
    clients = {
        name: create_jobs_client(
            project_settings.cloud_access(),
            transport=job_transport,
            observer=metrics,
            on_token_renewal=metrics.token_renewed,
            clock=timing.monotonic,
            sleep=timing.sleep,
        )
        for name, project_settings in (named or [("", settings)])
    }
    projects = Projects(
        [
            Project(name, JobCache(client, ttl_s=settings.cache_ttl_s, observer=metrics))
            for name, client in clients.items()
        ]
    )
    jobs = next(iter(clients.values()))
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
        responder=Responder(on_refused=metrics.slack_api_error, sleep=sleep),
        metrics=metrics,
    )
    rules = AccessRules(
        users=frozenset(settings.allowed_users),
        channels=frozenset(settings.allowed_channels),
        usergroups=frozenset(settings.allowed_usergroups),
    )
    policy = AccessPolicy(rules, slack, on_slack_error=deps.slack_api_error)
    db = open_database(settings.db)
    stopping = asyncio.Event()
    # Its own client: a Slack call must end well inside a lease (JOBBOT_WATCH_LEASE_S).
    retry_wait = stoppable(timing.sleep, stopping)
    watch_slack = AsyncWebClient(
        token=token.get_secret_value() if token else None,
        base_url=str(settings.slack_api_url),
        timeout=min(10, max(1, int(settings.watch_lease_s / 3))),
        retry_handlers=slack_retry_handlers(retry_wait),
    )
    threads = SlackThreads(watch_slack, on_error=metrics.slack_api_error)
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    outbox = Outbox(
        db,
        threads,
        clock=timing.wall,
        sleep=retry_wait,
        max_days=settings.watch_max_days,
        observer=metrics.watch,
    )
    reader = JobReader(
        lambda project: clients[projects.keyed(project).name],
        lambda project: ClientLister(clients[projects.keyed(project).name]),
        concurrency=8,
        clock=timing.wall,
        observer=metrics.watch,
    )
    config = PollerConfig(
        owner=owner, interval_s=settings.watch_interval_s, lease_s=settings.watch_lease_s
    )
    poller = Poller(
        db,
        reader,
        outbox,
        config,
        clock=timing.wall,
        sleep=stoppable(timing.pause, stopping),
        observer=metrics.watch,
        parents=ParentCards(
            db, threads, outbox, owner=owner, lease_s=settings.watch_lease_s, clock=timing.wall
        ),
    )
    deps = replace(
        deps,
        # Shared by every replica: a channel's default project, and the events answered.
        channel_defaults=StoredChannelDefaults(db),
        seen_events=StoredSeenEvents(db),
        home=DatabaseHome(db),
        watching=Watching(
            db=db,
            jobs=lambda project: projects.keyed(project).jobs,
            threads=threads,
            outbox=outbox,
            clock=timing.wall,
            owner=owner,
            interval_s=settings.watch_interval_s,
            lease_s=settings.watch_lease_s,
            max_days=settings.watch_max_days,
            max_per_channel=settings.watch_max_per_channel,
        ),
    )
    app = (
        create_app(deps, client=slack, policy=policy, socket_mode=socket_mode) if with_app else None
    )
    return Runtime(
        settings=settings,
        jobs=jobs,
        clients=tuple(clients.values()),
        deps=deps,
        slack=slack,
        app=app,
        db=db,
        poller=poller,
        metrics=metrics,
        stopping=stopping,
        timing=timing,
    )
