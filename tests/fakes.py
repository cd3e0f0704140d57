"""Loopback fakes that speak the real wire formats: Slack's Web API and hooks, the job API."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

# As the production server does (bot.server): a burst must queue, not be refused.
BACKLOG = 1024


class LoopbackServer:
    """An aiohttp app on 127.0.0.1 with a free port."""

    def __init__(self) -> None:
        self.app = web.Application(client_max_size=4 * 1024 * 1024)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> LoopbackServer:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=BACKLOG)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


async def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until predicate() is true, failing the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.005)


@dataclass
class SlackCall:
    method: str
    params: dict[str, Any]
    at: float


@dataclass
class HookPost:
    hook: str
    body: dict[str, Any]
    at: float


class FakeSlack(LoopbackServer):
    """Slack's Web API (`/api/<method>`) and response_url hooks (`/hooks/<id>`), recording calls.

    `refuse[channel] = "not_in_channel"` makes chat.postMessage fail for that channel;
    `throttle_posts = n` answers the next n chat.postMessage calls with 429 + Retry-After;
    `hook_status`/`hook_error` answer response_url posts (Slack: 404 `expired_url`, ...) and
    `throttle_hooks = n` answers the next n of them with 429 + Retry-After. `sleep` is the
    clock jobbot's Slack retries wait on in tests: it records each wait and returns at once.
    """

    def __init__(self, bot_token: str = "xoxb-test-token") -> None:
        super().__init__()
        self.bot_token = bot_token
        self.calls: list[SlackCall] = []
        self.hooks: list[HookPost] = []
        self.refuse: dict[str, str] = {}
        self.throttle_posts = 0
        self.retry_after_s = 1
        self.hook_status = 200
        self.hook_error = "expired_url"
        self.throttle_hooks = 0
        self.slept: list[float] = []
        self.usergroups: dict[str, list[str]] = {}
        self.usergroups_delay_s = 0.0
        self._ts = 1700000000.000100
        self.app.router.add_route("*", "/api/{method}", self._api)
        self.app.router.add_post("/hooks/{hook}", self._hook)

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def hook_url(self, hook: str) -> str:
        return f"{self.url}/hooks/{hook}"

    def calls_to(self, method: str) -> list[SlackCall]:
        return [c for c in self.calls if c.method == method]

    def posts_to(self, hook: str) -> list[dict[str, Any]]:
        return [h.body for h in self.hooks if h.hook == hook]

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.read()
        if request.content_type == "application/json":
            params = json.loads(raw or b"{}")
        else:
            params = {**dict(request.query), **dict(parse_qsl(raw.decode()))}
        if request.headers.get("Authorization") != f"Bearer {self.bot_token}":
            self.calls.append(SlackCall(method, params, time.monotonic()))
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method == "chat.postMessage" and self.throttle_posts > 0:
            self.throttle_posts -= 1
            self.calls.append(SlackCall("chat.postMessage#429", params, time.monotonic()))
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(self.retry_after_s)},
            )
        self.calls.append(SlackCall(method, params, time.monotonic()))
        if method == "auth.test":
            return web.json_response(
                {
                    "ok": True,
                    "url": "https://acme.slack.com/",
                    "team": "Acme",
                    "user": "jobbot",
                    "team_id": "T0001",
                    "user_id": "UBOT",
                    "bot_id": "B0001",
                }
            )
        if method == "chat.postMessage":
            channel = str(params.get("channel"))
            if channel in self.refuse:
                return web.json_response({"ok": False, "error": self.refuse[channel]})
            self._ts += 1
            return web.json_response({"ok": True, "channel": channel, "ts": f"{self._ts:.6f}"})
        if method == "usergroups.users.list":
            await asyncio.sleep(self.usergroups_delay_s)
            return web.json_response(self.usergroup_answer(str(params.get("usergroup"))))
        return web.json_response({"ok": True})

    def usergroup_answer(self, usergroup: str) -> dict[str, Any]:
        members = self.usergroups.get(usergroup)
        if members is None:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": members}

    async def sleep(self, seconds: float) -> None:
        """Stand in for asyncio.sleep in jobbot's Slack retries: record the wait, skip it."""
        self.slept.append(seconds)
        await asyncio.sleep(0)

    async def _hook(self, request: web.Request) -> web.Response:
        body = await request.json()
        hook = request.match_info["hook"]
        if self.throttle_hooks > 0:
            self.throttle_hooks -= 1
            self.hooks.append(HookPost(f"{hook}#429", body, time.monotonic()))
            return web.Response(
                text="rate_limited", status=429, headers={"Retry-After": str(self.retry_after_s)}
            )
        self.hooks.append(HookPost(hook, body, time.monotonic()))
        if self.hook_status >= 400:
            return web.Response(text=self.hook_error, status=self.hook_status)
        return web.Response(text="ok", status=self.hook_status)


def new_trigger_id() -> str:
    """Return a fresh trigger_id: Slack sends a new one with every interaction."""
    return f"{int(time.time())}.{next(_TRIGGERS)}.{uuid.uuid4().hex[:8]}"


_TRIGGERS = itertools.count(1)


def slack_headers(
    secret: str, body: str, *, timestamp: int | None = None, content_type: str | None = None
) -> dict[str, str]:
    """Sign a body exactly as Slack does: `v0:{timestamp}:{body}`, HMAC-SHA256, hex."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
        "Content-Type": content_type or "application/x-www-form-urlencoded",
    }


def command_body(
    text: str,
    response_url: str,
    *,
    command: str = "/job",
    user_id: str = "U0USER",
    channel_id: str = "C0INCIDENT",
    trigger_id: str | None = None,
) -> str:
    """Return a slash-command request body as Slack sends it (a URL-encoded form)."""
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": "T0001",
            "team_domain": "acme",
            "channel_id": channel_id,
            "channel_name": "incident-42",
            "user_id": user_id,
            "user_name": "oncall",
            "command": command,
            "text": text,
            "api_app_id": "A0001",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id or new_trigger_id(),
        }
    )


def interactive_body(payload: dict[str, Any]) -> str:
    """Return an interactivity request body: the payload as JSON in a `payload` form field."""
    return urlencode({"payload": json.dumps(payload)})


def message_shortcut_payload(
    text: str,
    response_url: str,
    *,
    ts: str = "1700000100.000200",
    thread_ts: str | None = None,
    channel_id: str = "C0INCIDENT",
    user_id: str = "U0USER",
    attachments: list[dict[str, Any]] | None = None,
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """Return a `message_action` payload for the job_details shortcut."""
    message: dict[str, Any] = {"type": "message", "text": text, "ts": ts, "user": "UALERTBOT"}
    if thread_ts:
        message["thread_ts"] = thread_ts
    if attachments:
        message["attachments"] = attachments
    return {
        "type": "message_action",
        "token": "legacy-verification-token",
        "action_ts": "1700000200.000300",
        "team": {"id": "T0001", "domain": "acme"},
        "user": {"id": user_id, "name": "oncall", "team_id": "T0001"},
        "channel": {"id": channel_id, "name": "incident-42"},
        "is_enterprise_install": False,
        "callback_id": "job_details",
        "trigger_id": trigger_id or new_trigger_id(),
        "response_url": response_url,
        "message_ts": ts,
        "message": message,
    }


def block_action_payload(
    value: str,
    response_url: str,
    *,
    action_id: str = "job_refresh",
    ephemeral: bool = True,
    channel_id: str = "C0INCIDENT",
    user_id: str = "U0USER",
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """Return a `block_actions` payload for a click on a card's button."""
    return {
        "type": "block_actions",
        "team": {"id": "T0001", "domain": "acme"},
        "user": {"id": user_id, "username": "oncall", "team_id": "T0001"},
        "api_app_id": "A0001",
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": "1700000300.000400",
            "channel_id": channel_id,
            "is_ephemeral": ephemeral,
        },
        "trigger_id": trigger_id or new_trigger_id(),
        "channel": {"id": channel_id, "name": "incident-42"},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "job_actions",
                "text": {"type": "plain_text", "text": "Refresh", "emoji": True},
                "value": value,
                "action_ts": "1700000301.000500",
            }
        ],
    }


Responder = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class JobApiRequest:
    method: str
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class FakeJobApi(LoopbackServer):
    """The CS or DLI job API on loopback, serving jobs in their wire format.

    `jobs[job_id]` is the job payload (CS `payload` or DLI `job_detail`), `faults[job_id]` a
    handler that answers instead, `latency_s` a delay before every answer, and `check_auth`
    a function that returns an error response for requests the gateway would reject.
    """

    service: str = "cs"
    jobs: dict[int, dict[str, Any]] = field(default_factory=dict)
    faults: dict[int, Responder] = field(default_factory=dict)
    latency_s: float = 0.0
    check_auth: Callable[[web.Request, bytes], Awaitable[web.Response | None]] | None = None
    requests: list[JobApiRequest] = field(default_factory=list)
    current_time_ms: int | None = None

    def __post_init__(self) -> None:
        super().__init__()
        self.app.router.add_route("*", "/{tail:.*}", self._handle)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append(
            JobApiRequest(request.method, request.path, dict(request.headers), time.monotonic())
        )
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        if self.check_auth is not None:
            refused = await self.check_auth(request, body)
            if refused is not None:
                return refused
        job_id = _job_id_from_path(self.service, request.path)
        if job_id is None:
            return web.json_response(
                {
                    "error_code": "APIG.0101",
                    "error_msg": "The API does not exist or has not "
                    "been published in the environment.",
                    "request_id": "req-apig-0101",
                },
                status=404,
            )
        if job_id in self.faults:
            return await self.faults[job_id](request)
        job = self.jobs.get(job_id)
        if job is None:
            return self.not_found(job_id)
        now = self.current_time_ms or int(time.time() * 1000)
        if self.service == "dli":
            return web.json_response(
                {"is_success": "true", "message": "Job detail query succeeds.", "job_detail": job}
            )
        return web.json_response(
            {
                "message_id": "CS.10001",
                "message": "The query of job details succeeds.",
                "current_time": now,
                "payload": job,
            }
        )

    def not_found(self, job_id: int) -> web.Response:
        if self.service == "dli":
            return web.json_response(
                {
                    "is_success": False,
                    "error_code": "DLI.16001",
                    "error_msg": f"Flink job {job_id} does not exist",
                },
                status=400,
            )
        return web.json_response(
            {"error_name": "JOB_NOT_EXIST", "error_cause": f"Job {job_id} does not exist."},
            status=404,
        )

    def requests_for(self, job_id: int) -> list[JobApiRequest]:
        return [r for r in self.requests if _job_id_from_path(self.service, r.path) == job_id]


def _job_id_from_path(service: str, path: str) -> int | None:
    parts = path.strip("/").split("/")
    if service == "dli" and len(parts) == 5 and parts[2:4] == ["streaming", "jobs"]:
        return int(parts[4]) if parts[4].isdigit() else None
    if service == "cs" and len(parts) == 4 and parts[2] == "job":
        return int(parts[3]) if parts[3].isdigit() else None
    return None
