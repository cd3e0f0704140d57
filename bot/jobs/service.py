"""Build the job API client for one project's cloud access."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx

from bot.config.access import AkSk, CloudAccess, IamPassword, IamToken, JobApi
from bot.huawei.endpoints import api_endpoint, iam_endpoint
from bot.huawei.sign_in import SIGN_IN_TIMEOUT_S, IamPasswordAuth, IamTokenSource, TokenAuth
from bot.huawei.signing import AkSkAuth
from bot.jobs.client import MAX_CONCURRENT_REQUESTS, JobsClient, LookupObserver, Sleep
from bot.jobs.demo import DEMO_ENDPOINT, DEMO_PROJECT_ID, DemoTransport

USER_AGENT = "jobbot/0.1"


def endpoint_for(access: CloudAccess) -> str:
    """Return the job API's base URL: JOBBOT_ENDPOINT, or derived from the region."""
    if access.api is JobApi.DEMO:
        return DEMO_ENDPOINT
    if access.endpoint is not None:
        return access.endpoint
    assert access.region is not None  # Settings guarantees one of the two
    return api_endpoint("dli" if access.api is JobApi.DLI else "cs", access.region)


def build_auth(
    access: CloudAccess,
    transport: httpx.AsyncBaseTransport | None,
    on_token_renewal: Callable[[], None] | None = None,
) -> httpx.Auth | None:
    """Return the httpx.Auth for the project's sign-in."""
    sign_in = access.sign_in
    if isinstance(sign_in, IamToken):
        return TokenAuth(sign_in.token.get_secret_value())
    if isinstance(sign_in, AkSk):
        token = sign_in.security_token
        return AkSkAuth(
            sign_in.ak.get_secret_value(),
            sign_in.sk.get_secret_value(),
            project_id=access.project_id,
            security_token=token.get_secret_value() if token else None,
        )
    if isinstance(sign_in, IamPassword):
        # IAM gets its own budget: a sign-in slower than one lookup must still finish.
        sign_in_timeout_s = max(SIGN_IN_TIMEOUT_S, access.timeout_s)
        iam_http = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(sign_in_timeout_s),
            headers={"User-Agent": USER_AGENT},
        )
        source = IamTokenSource(
            iam_http,
            endpoint=sign_in.endpoint or iam_endpoint(access.region),
            user=sign_in.user,
            password=sign_in.password.get_secret_value(),
            domain=sign_in.domain,
            project_id=str(access.project_id),
            on_renewal=on_token_renewal,
            sign_in_timeout_s=sign_in_timeout_s,
        )
        return IamPasswordAuth(source)
    return None


def create_jobs_client(
    access: CloudAccess,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    observer: LookupObserver | None = None,
    on_token_renewal: Callable[[], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Sleep = asyncio.sleep,
) -> JobsClient:
    """Build the client for the project's job API, with its sign-in, endpoint and time budget.

    `clock` and `sleep` are what its deadline is measured on and its retries wait with.
    """
    demo = access.api is JobApi.DEMO
    if demo and transport is None:
        transport = DemoTransport()
    http = httpx.AsyncClient(
        base_url=endpoint_for(access),
        auth=None if demo else build_auth(access, transport, on_token_renewal),
        transport=transport,
        timeout=httpx.Timeout(access.timeout_s),
        headers={"User-Agent": USER_AGENT, "Content-Type": "application/json"},
        # Few idle connections kept: httpcore checks every idle connection against the
        # whole pool each time a request starts or ends (quadratic in idle connections).
        limits=httpx.Limits(max_connections=MAX_CONCURRENT_REQUESTS, max_keepalive_connections=20),
    )
    return JobsClient(
        http,
        service="dli" if access.api is JobApi.DLI else "cs",
        project_id=DEMO_PROJECT_ID if demo else str(access.project_id),
        timeout_s=access.timeout_s,
        observer=observer,
        clock=clock,
        sleep=sleep,
    )
