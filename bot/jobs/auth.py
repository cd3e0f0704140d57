"""Sign-in to the job API as httpx.Auth: a ready token, AK/SK signing, or IAM password."""

from __future__ import annotations

from collections.abc import Generator

import httpx


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
