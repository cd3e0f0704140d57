"""What Huawei's API gateway and IAM do with credentials, for the loopback fakes."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from aiohttp import web

from bot.huawei.signing import verify_request
from tests.fakes import LoopbackServer

AuthCheck = Callable[[web.Request, bytes], Awaitable[web.Response | None]]


def gateway_error(status: int, code: str, message: str, request_id: str) -> web.Response:
    """Answer as the gateway does: `error_code`, `error_msg`, `request_id`, and the header."""
    return web.json_response(
        {"error_code": code, "error_msg": message, "request_id": request_id},
        status=status,
        headers={"X-Request-Id": request_id},
    )


def as_httpx_request(request: web.Request, body: bytes) -> httpx.Request:
    """Rebuild the request as received (raw path and query, headers, body)."""
    url = f"http://{request.host}{request.raw_path}"
    return httpx.Request(request.method, url, headers=list(request.headers.items()), content=body)


def aksk_check(keys: dict[str, str], security_token: str | None = None) -> AuthCheck:
    """Verify SDK-HMAC-SHA256 signatures like the gateway, rejecting with APIG.0301."""
    counter = itertools.count(1)

    async def check(request: web.Request, body: bytes) -> web.Response | None:
        reason = verify_request(as_httpx_request(request, body), keys.get, datetime.now(UTC))
        wrong_token = request.headers.get("X-Security-Token") != security_token
        if reason is None and security_token is not None and wrong_token:
            reason = "security token missing or wrong"
        if reason is None:
            return None
        return gateway_error(
            401,
            "APIG.0301",
            f"Incorrect IAM authentication information: {reason}",
            f"req-aksk-{next(counter)}",
        )

    return check


@dataclass
class TokenCheck:
    """Accept only the tokens in `valid`; others get 401 APIG.0307 (expired) or APIG.0301."""

    valid: set[str] = field(default_factory=set)
    expired: set[str] = field(default_factory=set)
    rejected: int = 0

    async def __call__(self, request: web.Request, body: bytes) -> web.Response | None:
        token = request.headers.get("X-Auth-Token")
        if token in self.valid:
            return None
        self.rejected += 1
        if token in self.expired:
            return gateway_error(401, "APIG.0307", "The token must be updated.", "req-expired")
        return gateway_error(
            401,
            "APIG.0301",
            "Incorrect IAM authentication information: decrypt token fail",
            "req-bad-token",
        )


class FakeIam(LoopbackServer):
    """IAM's `POST /v3/auth/tokens` for password sign-in, issuing numbered tokens."""

    def __init__(self, user: str, password: str, domain: str, project_id: str) -> None:
        super().__init__()
        self.user, self.password, self.domain, self.project_id = user, password, domain, project_id
        self.issued: list[str] = []
        self.attempts = 0
        # Seconds IAM takes to answer each sign-in (a slow IAM is a real incident).
        self.latency_s = 0.0
        self.lifetime = timedelta(hours=24)
        self.on_issue: Callable[[str], None] | None = None
        self.app.router.add_post("/v3/auth/tokens", self._tokens)

    async def _tokens(self, request: web.Request) -> web.Response:
        self.attempts += 1
        body = json.loads(await request.read())
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        identity = body["auth"]["identity"]
        user = identity["password"]["user"]
        scope = body["auth"]["scope"]["project"]
        if (
            identity["methods"] != ["password"]
            or user["name"] != self.user
            or user["password"] != self.password
            or user["domain"]["name"] != self.domain
        ):
            return web.json_response(
                {
                    "error": {
                        "code": 401,
                        "message": "The username or password is wrong.",
                        "title": "Unauthorized",
                    }
                },
                status=401,
            )
        if scope.get("id") != self.project_id:
            return web.json_response(
                {"error": {"code": 400, "message": "project not found", "title": "Bad Request"}},
                status=400,
            )
        token = f"MIIT-token-{len(self.issued) + 1}"
        self.issued.append(token)
        if self.on_issue is not None:
            self.on_issue(token)
        expires = datetime.now(UTC) + self.lifetime
        return web.json_response(
            {
                "token": {
                    "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    "issued_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    "methods": ["password"],
                    "project": {"id": self.project_id, "name": "cn-north-4"},
                }
            },
            status=201,
            headers={"X-Subject-Token": token},
        )
