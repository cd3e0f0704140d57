"""Build the job API client that the settings describe."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx

from bot.jobs.auth import SIGN_IN_TIMEOUT_S, IamPasswordAuth, IamTokenSource, TokenAuth
from bot.jobs.client import MAX_CONCURRENT_REQUESTS, JobsClient, LookupObserver, Sleep
from bot.jobs.demo import DEMO_ENDPOINT, DEMO_PROJECT_ID, DemoTransport
from bot.jobs.endpoints import api_endpoint, iam_endpoint
from bot.jobs.signing import AkSkAuth
from bot.ops.settings import AuthScheme, JobApi, Settings

USER_AGENT = "jobbot/0.1"


def endpoint_for(settings: Settings) -> str:
    """Return the job API's base URL: JOBBOT_ENDPOINT, or derived from the region."""
    if settings.api is JobApi.DEMO:
        return DEMO_ENDPOINT
    if settings.endpoint is not None:
        return str(settings.endpoint).rstrip("/")
    assert settings.region is not None  # Settings guarantees one of the two
    return api_endpoint("dli" if settings.api is JobApi.DLI else "cs", settings.region)


def iam_endpoint_for(settings: Settings) -> str:
    """Return IAM's base URL: JOBBOT_IAM_ENDPOINT, or the region's IAM."""
    if settings.iam_endpoint is not None:
        return str(settings.iam_endpoint).rstrip("/")
    return iam_endpoint(settings.region)


def build_auth(
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None,
    on_token_renewal: Callable[[], None] | None = None,
) -> httpx.Auth | None:
    """Return the httpx.Auth for the configured sign-in scheme."""
    scheme = settings.auth_scheme
    if scheme is AuthScheme.TOKEN and settings.auth_token is not None:
        return TokenAuth(settings.auth_token.get_secret_value())
    if scheme is AuthScheme.AKSK and settings.ak is not None and settings.sk is not None:
        token = settings.security_token
        return AkSkAuth(
            settings.ak.get_secret_value(),
            settings.sk.get_secret_value(),
            project_id=settings.project_id,
            security_token=token.get_secret_value() if token else None,
        )
    if scheme is AuthScheme.IAM_PASSWORD:
        # Settings guarantees all three for this scheme.
        assert settings.iam_user is not None
        assert settings.iam_password is not None
        assert settings.iam_domain is not None
        # IAM gets its own budget: a sign-in slower than one lookup must still finish.
        sign_in_timeout_s = max(SIGN_IN_TIMEOUT_S, settings.timeout_s)
        iam_http = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(sign_in_timeout_s),
            headers={"User-Agent": USER_AGENT},
        )
        source = IamTokenSource(
            iam_http,
            endpoint=iam_endpoint_for(settings),
            user=settings.iam_user,
            password=settings.iam_password.get_secret_value(),
            domain=settings.iam_domain,
            project_id=str(settings.project_id),
            on_renewal=on_token_renewal,
            sign_in_timeout_s=sign_in_timeout_s,
        )
        return IamPasswordAuth(source)
    return None


def create_jobs_client(
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    observer: LookupObserver | None = None,
    on_token_renewal: Callable[[], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Sleep = asyncio.sleep,
) -> JobsClient:
    """Build the client for JOBBOT_API, with its sign-in, endpoint and time budget.

    `clock` and `sleep` are what its deadline is measured on and its retries wait with.
    """
    demo = settings.api is JobApi.DEMO
    if demo and transport is None:
        transport = DemoTransport()
    http = httpx.AsyncClient(
        base_url=endpoint_for(settings),
        auth=None if demo else build_auth(settings, transport, on_token_renewal),
        transport=transport,
        timeout=httpx.Timeout(settings.timeout_s),
        headers={"User-Agent": USER_AGENT, "Content-Type": "application/json"},
        # Few idle connections kept: httpcore checks every idle connection against the
        # whole pool each time a request starts or ends (quadratic in idle connections).
        limits=httpx.Limits(max_connections=MAX_CONCURRENT_REQUESTS, max_keepalive_connections=20),
    )
    return JobsClient(
        http,
        service="dli" if settings.api is JobApi.DLI else "cs",
        project_id=DEMO_PROJECT_ID if demo else str(settings.project_id),
        timeout_s=settings.timeout_s,
        observer=observer,
        clock=clock,
        sleep=sleep,
    )
