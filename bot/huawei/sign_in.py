"""Sign-in to the job API as httpx.Auth: a ready token, AK/SK signing, or IAM password."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Generator
from datetime import UTC, datetime, timedelta

import httpx

from bot.huawei import errors
from bot.huawei.error_body import TOKEN_RENEWAL_CODES, read_error_body
from bot.timing import utc_now

# IAM tokens live 24 h but can be revoked early; renewing well before expiry costs nothing.
RENEW_BEFORE_EXPIRY = timedelta(minutes=10)
REFUSED_SIGN_IN_PAUSE = timedelta(minutes=5)
# A sign-in runs on its own clock, not a lookup's: IAM slower than one lookup's budget must
# still produce the token the next lookups use, instead of being cancelled and started again.
SIGN_IN_TIMEOUT_S = 20.0


class TokenAuth(httpx.Auth):
    """Send a ready IAM token as `X-Auth-Token`."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the token header."""
        request.headers["X-Auth-Token"] = self._token
        yield request

    def __repr__(self) -> str:
        return "TokenAuth(token=***)"


class IamTokenSource:
    """Get a project-scoped IAM token with a password; cache it; renew it once for everyone."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        endpoint: str,
        user: str,
        password: str,
        domain: str,
        project_id: str,
        clock: Callable[[], datetime] = utc_now,
        on_renewal: Callable[[], None] | None = None,
        sign_in_timeout_s: float = SIGN_IN_TIMEOUT_S,
    ) -> None:
        self._http = http
        self._url = endpoint.rstrip("/") + "/v3/auth/tokens"
        self._user = user
        self._password = password
        self._domain = domain
        self._project_id = project_id
        self._clock = clock
        self._on_renewal = on_renewal
        self._sign_in_timeout_s = sign_in_timeout_s
        # The one sign-in in flight, owned here so no caller giving up can cancel it.
        self._signing_in: asyncio.Task[str] | None = None
        self._token: str | None = None
        self._expires_at = datetime.min.replace(tzinfo=UTC)
        self._refused_until = datetime.min.replace(tzinfo=UTC)

    def __repr__(self) -> str:
        return f"IamTokenSource(url={self._url!r}, user={self._user!r}, password=***)"

    async def aclose(self) -> None:
        """Stop a sign-in in flight and close the connection to IAM."""
        task = self._signing_in
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await self._http.aclose()

    async def token(self) -> str:
        """Return a valid token, signing in if there is none or it is about to expire."""
        current = self._token
        if current is not None and self._clock() < self._expires_at - RENEW_BEFORE_EXPIRY:
            return current
        return await self.renew(stale=current)

    async def renew(self, stale: str | None) -> str:
        """Replace a token the API rejected; all callers share one sign-in in flight."""
        fresh = self._token is not None and self._token != stale
        if fresh and self._clock() < self._expires_at - RENEW_BEFORE_EXPIRY:
            assert self._token is not None
            return self._token
        task = self._signing_in
        if task is None or task.done():
            task = asyncio.create_task(self._sign_in_within_timeout())
            task.add_done_callback(self._signed_in)
            self._signing_in = task
        # shield: a caller whose own deadline passes stops waiting, the sign-in goes on.
        return await asyncio.shield(task)

    def _signed_in(self, task: asyncio.Task[str]) -> None:
        if self._signing_in is task:
            self._signing_in = None
        # Every waiter may have given up; reading the outcome keeps asyncio from reporting an
        # exception that was never retrieved.
        if not task.cancelled():
            task.exception()

    async def _sign_in_within_timeout(self) -> str:
        try:
            async with asyncio.timeout(self._sign_in_timeout_s):
                return await self._sign_in()
        except TimeoutError:
            raise errors.ApiUnavailable(
                f"IAM did not answer within {self._sign_in_timeout_s:g} s"
            ) from None

    async def _sign_in(self) -> str:
        if self._clock() < self._refused_until:
            # Repeating a refused password only risks locking the IAM user.
            raise errors.SignInFailed("IAM refused the configured user name, password or domain")
        body = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": self._user,
                            "password": self._password,
                            "domain": {"name": self._domain},
                        }
                    },
                },
                "scope": {"project": {"id": self._project_id}},
            }
        }
        if self._on_renewal is not None:
            self._on_renewal()
        try:
            response = await self._http.post(self._url, params={"nocatalog": "true"}, json=body)
        except httpx.TransportError as exc:
            raise errors.ApiUnavailable(f"could not reach IAM ({type(exc).__name__})") from None
        request_id = response.headers.get("x-request-id")
        if response.status_code in (400, 401, 403):
            self._refused_until = self._clock() + REFUSED_SIGN_IN_PAUSE
            raise errors.SignInFailed(
                f"IAM refused the sign-in of user {self._user!r} (HTTP {response.status_code})",
                http_status=response.status_code,
                request_id=request_id,
            )
        token: str | None = response.headers.get("x-subject-token")
        if response.status_code != 201 or not token:
            kind = errors.ApiUnavailable if response.status_code >= 500 else errors.BadResponse
            raise kind(
                f"IAM answered HTTP {response.status_code} without a token",
                http_status=response.status_code,
                request_id=request_id,
            )
        self._token = token
        self._expires_at = _expiry(response, self._clock())
        return token


class IamPasswordAuth(httpx.Auth):
    """Send an IAM token got with a password; renew it when the API calls it stale."""

    def __init__(self, source: IamTokenSource) -> None:
        self._source = source

    def __repr__(self) -> str:
        return f"IamPasswordAuth({self._source!r})"

    async def aclose(self) -> None:
        """Close the connection to IAM."""
        await self._source.aclose()

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Refuse: the token source is asynchronous."""
        raise RuntimeError("IamPasswordAuth needs an httpx.AsyncClient")
        yield request  # pragma: no cover

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Add the token; on a stale-token answer, renew once and send again."""
        token = await self._source.token()
        request.headers["X-Auth-Token"] = token
        response = yield request
        if await is_stale_token(response):
            request.headers["X-Auth-Token"] = await self._source.renew(stale=token)
            yield request


async def is_stale_token(response: httpx.Response) -> bool:
    """Say whether the API rejected the token as bad or expired (so a new one may work)."""
    if response.status_code not in (400, 401):
        return False
    await response.aread()
    try:
        body = response.json()
    except ValueError:
        return response.status_code == 401
    code = read_error_body(body).code
    return code in TOKEN_RENEWAL_CODES or (response.status_code == 401 and code is None)


def _expiry(response: httpx.Response, now: datetime) -> datetime:
    try:
        expires_at = str(response.json()["token"]["expires_at"])
        moment = datetime.fromisoformat(expires_at.replace("Z", "+00:00"))
    except (ValueError, KeyError, TypeError):
        # IAM tokens live 24 hours; without a readable expiry, assume a safe fraction of that.
        return now + timedelta(hours=1)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
