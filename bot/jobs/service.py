"""Build the job API client that the settings describe."""

from __future__ import annotations

import httpx

from bot.jobs.auth import TokenAuth
from bot.jobs.client import JobsClient, LookupObserver
from bot.jobs.demo import DEMO_ENDPOINT, DEMO_PROJECT_ID, DemoTransport
from bot.jobs.endpoints import api_endpoint
from bot.settings import AuthScheme, JobApi, Settings

USER_AGENT = "jobbot/0.1"


def endpoint_for(settings: Settings) -> str:
    """Return the job API's base URL: JOBBOT_ENDPOINT, or derived from the region."""
    if settings.api is JobApi.DEMO:
        return DEMO_ENDPOINT
    if settings.endpoint is not None:
        return str(settings.endpoint).rstrip("/")
    assert settings.region is not None  # Settings guarantees one of the two
    return api_endpoint("dli" if settings.api is JobApi.DLI else "cs", settings.region)


def build_auth(settings: Settings, transport: httpx.AsyncBaseTransport | None) -> httpx.Auth | None:
    """Return the httpx.Auth for the configured sign-in scheme."""
    scheme = settings.auth_scheme
    if scheme is AuthScheme.TOKEN and settings.auth_token is not None:
        return TokenAuth(settings.auth_token.get_secret_value())
    if scheme is AuthScheme.NONE:
        return None
    raise NotImplementedError(f"sign-in scheme {scheme} is not available yet")


def create_jobs_client(
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    observer: LookupObserver | None = None,
) -> JobsClient:
    """Build the client for JOBBOT_API, with its sign-in, endpoint and time budget."""
    demo = settings.api is JobApi.DEMO
    if demo and transport is None:
        transport = DemoTransport()
    http = httpx.AsyncClient(
        base_url=endpoint_for(settings),
        auth=None if demo else build_auth(settings, transport),
        transport=transport,
        timeout=httpx.Timeout(settings.timeout_s),
        headers={"User-Agent": USER_AGENT, "Content-Type": "application/json"},
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
    )
    return JobsClient(
        http,
        service="dli" if settings.api is JobApi.DLI else "cs",
        project_id=DEMO_PROJECT_ID if demo else str(settings.project_id),
        timeout_s=settings.timeout_s,
        observer=observer,
    )
