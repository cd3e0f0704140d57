"""Loopback fakes that speak the real wire formats: Slack's Web API and hooks, the job API."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
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
    Posted messages are kept per channel (`messages`), so threads can be read back with
    conversations.replies or conversations.history (metadata included) and edited with
    chat.update. `hold(params)`
    returning "before" or "after" never answers that chat.postMessage: before or after the
    message is recorded (a process killed while waiting crashed around its post).
    Views live in `views` (id -> view, with Slack's `id` and `hash`), Home tabs in `homes`
    (user -> view); `trigger()` issues a trigger_id that views.open takes for 3 s, as Slack
    does; `member_of[user]` lists the channels users.conversations answers for a user.
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
        # Set to Slack's error code (`missing_scope`) to refuse every usergroups.users.list.
        self.usergroups_error: str | None = None
        self.usergroups_delay_s = 0.0
        # Socket Mode: apps.connections.open answers this WebSocket URL to this app token.
        self.app_token = "xapp-1-A0001-1-test"
        self.socket_url = ""
        self.views: dict[str, dict[str, Any]] = {}
        self.homes: dict[str, dict[str, Any]] = {}
        self.member_of: dict[str, list[str]] = {}
        self.permalink_error: str | None = None
        self.conversations_error: str | None = None
        self._triggers: dict[str, float] = {}
        self._ids = itertools.count(1)
        # Message ts: seconds since the epoch (Slack's clock), one second apart here.
        self._ts = time.time()
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.hold: Callable[[dict[str, Any]], str | None] = lambda params: None
        self.held = asyncio.Event()
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
        if method == "apps.connections.open":
            self.calls.append(SlackCall(method, params, time.monotonic()))
            if request.headers.get("Authorization") != f"Bearer {self.app_token}":
                return web.json_response({"ok": False, "error": "invalid_auth"})
            return web.json_response({"ok": True, "url": self.socket_url})
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
            hold = self.hold(params)
            if hold == "before":
                self.held.set()
                await asyncio.Event().wait()
            ts = self._next_ts()
            self.messages.setdefault(channel, []).append(_stored_message(params, ts))
            if hold == "after":
                self.held.set()
                await asyncio.Event().wait()
            return web.json_response({"ok": True, "channel": channel, "ts": ts})
        if method == "chat.update":
            return web.json_response(self._update(params))
        if method == "conversations.replies":
            return web.json_response(self.replies_answer(params))
        if method == "conversations.history":
            return web.json_response(self.history_answer(params))
        if method in VIEW_METHODS:
            return web.json_response(self._view_call(method, params))
        if method == "chat.getPermalink":
            if self.permalink_error:
                return web.json_response({"ok": False, "error": self.permalink_error})
            channel, ts = str(params.get("channel")), str(params.get("message_ts"))
            link = f"https://acme.slack.com/archives/{channel}/p{ts.replace('.', '')}"
            return web.json_response({"ok": True, "channel": channel, "permalink": link})
        if method == "chat.postEphemeral":
            return web.json_response({"ok": True, "message_ts": self._next_ts()})
        if method == "users.conversations":
            return web.json_response(self._conversations(params))
        if method == "usergroups.users.list":
            await asyncio.sleep(self.usergroups_delay_s)
            return web.json_response(self.usergroup_answer(str(params.get("usergroup"))))
        return web.json_response({"ok": True})

    def _next_ts(self) -> str:
        self._ts = max(self._ts + 1, time.time())
        return f"{self._ts:.6f}"

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """Return the replies in a thread (the parent not included), oldest first."""
        return [
            m
            for m in self.messages.get(channel, [])
            if m.get("thread_ts") == thread_ts and m["ts"] != thread_ts
        ]

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        return next(m for m in self.messages.get(channel, []) if m["ts"] == ts)

    def replies_answer(self, params: dict[str, Any]) -> dict[str, Any]:
        """Answer conversations.replies as Slack does: parent first, 2 a page here."""
        channel, ts = str(params.get("channel")), str(params.get("ts"))
        if channel in self.refuse:
            return {"ok": False, "error": self.refuse[channel]}
        found = [m for m in self.messages.get(channel, []) if ts in (m["ts"], m.get("thread_ts"))]
        if not found:
            return {"ok": False, "error": "thread_not_found"}
        metadata = str(params.get("include_all_metadata")).lower() in {"1", "true"}
        start = int(params.get("cursor") or 0)
        page = found[start : start + 2]
        shown = [m if metadata else {k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = start + 2 < len(found)
        return {
            "ok": True,
            "messages": shown,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + 2) if more else ""},
        }

    def history_answer(self, params: dict[str, Any]) -> dict[str, Any]:
        """Answer conversations.history as Slack does: the channel's messages, newest first.

        Thread replies are left out unless broadcast; `oldest` is exclusive; 2 a page here.
        """
        channel = str(params.get("channel"))
        if channel in self.refuse:
            return {"ok": False, "error": self.refuse[channel]}
        oldest = float(params.get("oldest") or 0)
        found = [
            m
            for m in reversed(self.messages.get(channel, []))
            if float(m["ts"]) > oldest
            and (m.get("thread_ts") in (None, m["ts"]) or m.get("reply_broadcast"))
        ]
        metadata = str(params.get("include_all_metadata")).lower() in {"1", "true"}
        start = int(params.get("cursor") or 0)
        page = found[start : start + 2]
        shown = [m if metadata else {k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = start + 2 < len(found)
        return {
            "ok": True,
            "messages": shown,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + 2) if more else ""},
        }

    def _update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel")), str(params.get("ts"))
        for stored in self.messages.get(channel, []):
            if stored["ts"] == ts:
                stored.update(text=params.get("text"), blocks=_json_field(params.get("blocks")))
                stored["edits"] = stored.get("edits", 0) + 1
                return {"ok": True, "channel": channel, "ts": ts}
        return {"ok": False, "error": "message_not_found"}

    def trigger(self) -> str:
        """Issue a trigger_id, as Slack does with each interaction (good for 3 s)."""
        trigger_id = new_trigger_id()
        self._triggers[trigger_id] = time.monotonic()
        return trigger_id

    def acked_view(self, view_id: str, view: dict[str, Any]) -> dict[str, Any]:
        """Replace a view as Slack does on `response_action: update`; return it as held."""
        self.views[view_id] = {**view, "id": view_id, "hash": f"h{next(self._ids)}"}
        return self.views[view_id]

    def view_calls(self) -> list[tuple[str, dict[str, Any]]]:
        """Return (method, view) for each views.* call, in order."""
        return [
            (call.method, _json_param(call.params.get("view")))
            for call in self.calls
            if call.method in VIEW_METHODS
        ]

    def _view_call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        view = _json_param(params.get("view"))
        if method in {"views.open", "views.push"}:
            issued = self._triggers.get(str(params.get("trigger_id")))
            if issued is None or time.monotonic() - issued > TRIGGER_LIFE_S:
                return {"ok": False, "error": "expired_trigger_id"}
            view_id = f"V{next(self._ids):08d}"
        elif method == "views.update":
            view_id = str(params.get("view_id") or "")
            if view_id not in self.views:
                return {"ok": False, "error": "not_found"}
            if params.get("hash") and params["hash"] != self.views[view_id]["hash"]:
                return {"ok": False, "error": "hash_conflict"}
        else:  # views.publish
            view_id = f"VHOME{params.get('user_id')}"
        stored = {**view, "id": view_id, "hash": f"h{next(self._ids)}"}
        if method == "views.publish":
            self.homes[str(params.get("user_id"))] = stored
        self.views[view_id] = stored
        return {"ok": True, "view": stored}

    def _conversations(self, params: dict[str, Any]) -> dict[str, Any]:
        if self.conversations_error:
            return {"ok": False, "error": self.conversations_error}
        channels = self.member_of.get(str(params.get("user")), [])
        start = int(params.get("cursor") or 0)
        limit = int(params.get("limit") or 100)
        page = channels[start : start + limit]
        more = start + limit < len(channels)
        return {
            "ok": True,
            "channels": [{"id": channel, "is_member": True} for channel in page],
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def usergroup_answer(self, usergroup: str) -> dict[str, Any]:
        if self.usergroups_error is not None:
            return {"ok": False, "error": self.usergroups_error}
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


# Slack: a trigger_id "expires after 3 seconds"; views.open after that fails.
TRIGGER_LIFE_S = 3.0
VIEW_METHODS = {"views.open", "views.push", "views.update", "views.publish"}


def _json_param(value: Any) -> dict[str, Any]:
    # slack_sdk sends views as JSON bodies; a form-encoded call carries them as a JSON string.
    if isinstance(value, str):
        parsed = json.loads(value)
        return parsed if isinstance(parsed, dict) else {}
    return dict(value or {})


def _json_field(value: Any) -> Any:
    # slack_sdk sends blocks and metadata as JSON strings inside form posts.
    return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value


def _stored_message(params: dict[str, Any], ts: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "message",
        "user": "UBOT",
        "ts": ts,
        "text": params.get("text"),
        "blocks": _json_field(params.get("blocks")),
    }
    if params.get("thread_ts"):
        message["thread_ts"] = str(params["thread_ts"])
        message["reply_broadcast"] = str(params.get("reply_broadcast")).lower() in {"1", "true"}
    if params.get("metadata"):
        message["metadata"] = _json_field(params["metadata"])
    return message


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
    """Return a slash-command request body as Slack sends it (a URL-encoded form).

    `text` is what the user typed: Slack sends its `&`, `<` and `>` as entities, then
    form-encodes the whole body.
    """
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
            "text": slack_entities(text),
            "api_app_id": "A0001",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id or new_trigger_id(),
        }
    )


def slack_entities(typed: str) -> str:
    """Escape typed text as Slack does in a slash command's `text`: `&`, `<`, `>` only."""
    return typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def app_mention_body(
    text: str,
    *,
    event_id: str = "Ev0MENTION1",
    ts: str = "1700000500.000100",
    thread_ts: str | None = None,
    channel_id: str = "C0INCIDENT",
    user_id: str = "U0USER",
) -> dict[str, Any]:
    """Return an Events API `event_callback` body for an `app_mention`, as Slack sends it."""
    event: dict[str, Any] = {
        "client_msg_id": str(uuid.uuid4()),
        "type": "app_mention",
        "text": text,
        "user": user_id,
        "ts": ts,
        "team": "T0001",
        "channel": channel_id,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return {
        "token": "legacy-verification-token",
        "team_id": "T0001",
        "context_team_id": "T0001",
        "api_app_id": "A0001",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(float(ts)),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": "T0001",
                "user_id": "UBOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-eyJldCI6ImFwcF9tZW50aW9uIn0-{event_id}",
    }


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
    blocks: list[dict[str, Any]] | None = None,
    channel_name: str = "incident-42",
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """Return a `message_action` payload for the job_details shortcut."""
    message: dict[str, Any] = {"type": "message", "text": text, "ts": ts, "user": "UALERTBOT"}
    if thread_ts:
        message["thread_ts"] = thread_ts
    if attachments:
        message["attachments"] = attachments
    if blocks:
        message["blocks"] = blocks
    return {
        "type": "message_action",
        "token": "legacy-verification-token",
        "action_ts": "1700000200.000300",
        "team": {"id": "T0001", "domain": "acme"},
        "user": {"id": user_id, "name": "oncall", "team_id": "T0001"},
        "channel": {"id": channel_id, "name": channel_name},
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
    query: dict[str, str] = field(default_factory=dict)


_SAMPLES = Path(__file__).parent / "samples"
# Fields a list row carries without show_detail (the docs' list examples; DLI adds
# has_savepoint, CS the user as `username`).
_LIST_ROW_FIELDS = {
    "cs": (
        "job_id", "name", "desc", "username", "job_type", "status", "status_desc",
        "create_time", "start_time", "duration", "root_id", "edge_group_ids",
    ),
    "dli": (
        "job_id", "name", "desc", "user_name", "job_type", "status", "status_desc",
        "create_time", "start_time", "duration", "root_id", "graph_editor_enabled",
        "has_savepoint",
    ),
}  # fmt: skip
DLI_MAX_LIMIT = 100


def _template(service: str) -> dict[str, Any]:
    name = "cs/job_running.json" if service == "cs" else "dli/job_v2.json"
    body = json.loads((_SAMPLES / name).read_text())
    return dict(body["payload"] if service == "cs" else body["job_detail"])


@dataclass
class FakeJobApi(LoopbackServer):
    """The CS or DLI job API on loopback, serving jobs in their wire format.

    Serves job details, the job list (CS cursor/next paging, DLI offset paging, name and status
    filters, newest first by job ID) and execution plans. `jobs[job_id]` is the job payload
    (CS `payload` or DLI `job_detail`), `plans[job_id]` the plan's payload (CS `payload`, DLI
    `execute_graph`; a default one otherwise), `faults[job_id]` a handler that answers instead
    for any path of that job, `list_fault` one that answers list requests, `latency_s` a
    delay before every answer, and `check_auth` a function that returns an error response for
    requests the gateway would reject. `add_job`, `add_jobs` and `set_status` make and change
    jobs; `requests_to("list" | "job" | "plan")` and `path_counts()` count what was asked.
    """

    service: str = "cs"
    jobs: dict[int, dict[str, Any]] = field(default_factory=dict)
    plans: dict[int, dict[str, Any]] = field(default_factory=dict)
    faults: dict[int, Responder] = field(default_factory=dict)
    list_fault: Responder | None = None
    latency_s: float = 0.0
    check_auth: Callable[[web.Request, bytes], Awaitable[web.Response | None]] | None = None
    requests: list[JobApiRequest] = field(default_factory=list)
    current_time_ms: int | None = None

    def __post_init__(self) -> None:
        super().__init__()
        self.app.router.add_route("*", "/{tail:.*}", self._handle)

    # Making and changing jobs ---------------------------------------------------------------

    def add_job(self, job_id: int, **fields: Any) -> dict[str, Any]:
        """Add (or replace) a job built from the service's sample job, with `fields` on top."""
        job = _template(self.service)
        created = 1764300000000 + job_id * 1000
        job.update(
            job_id=job_id,
            name=f"job_{job_id}",
            status="job_running",
            status_desc="",
            create_time=created,
            start_time=created + 500,
            update_time=created + 500,
        )
        if self.service == "dli":
            job["restart_times"] = 0
        job.update(fields)
        self.jobs[job_id] = job
        return job

    def add_jobs(
        self,
        count: int,
        *,
        first_id: int = 1,
        template: dict[str, Any] | None = None,
        name: Callable[[int], str] = lambda job_id: f"job_{job_id}",
        status: Callable[[int], str] = lambda job_id: "job_running",
    ) -> list[int]:
        """Add `count` jobs with consecutive IDs; return their IDs."""
        ids = list(range(first_id, first_id + count))
        for job_id in ids:
            fields = {k: v for k, v in (template or {}).items() if k != "job_id"}
            fields.update(name=name(job_id), status=status(job_id))
            self.add_job(job_id, **fields)
        return ids

    def set_status(
        self,
        job_id: int,
        status: str,
        *,
        status_desc: str = "",
        restart_times: int | None = None,
        at_ms: int | None = None,
    ) -> dict[str, Any]:
        """Change a job's status as the platform would (update_time moves; restarts counted)."""
        job = self.jobs[job_id]
        job["status"] = status
        job["status_desc"] = status_desc
        job["update_time"] = at_ms if at_ms is not None else int(time.time() * 1000)
        if restart_times is not None:
            job["restart_times"] = restart_times
        return job

    # Counting requests ----------------------------------------------------------------------

    def requests_for(self, job_id: int) -> list[JobApiRequest]:
        """Return the job-details requests for one job."""
        return [r for r in self.requests if _job_id_from_path(self.service, r.path) == job_id]

    def requests_to(self, kind: str) -> list[JobApiRequest]:
        """Return the requests to one endpoint: "job" (details), "list" or "plan"."""
        return [r for r in self.requests if _route(self.service, r.path)[0] == kind]

    def path_counts(self) -> dict[str, int]:
        """Return how many requests each path got (query strings apart)."""
        counts: dict[str, int] = {}
        for r in self.requests:
            counts[r.path] = counts.get(r.path, 0) + 1
        return counts

    # Serving --------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append(
            JobApiRequest(
                request.method,
                request.path,
                dict(request.headers),
                time.monotonic(),
                dict(request.query),
            )
        )
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        if self.check_auth is not None:
            refused = await self.check_auth(request, body)
            if refused is not None:
                return refused
        kind, job_id = _route(self.service, request.path)
        if kind is None or request.method != "GET":
            return web.json_response(
                {
                    "error_code": "APIG.0101",
                    "error_msg": "The API does not exist or has not "
                    "been published in the environment.",
                    "request_id": "req-apig-0101",
                },
                status=404,
            )
        if kind == "list":
            if self.list_fault is not None:
                return await self.list_fault(request)
            return self._list(request)
        assert job_id is not None
        if job_id in self.faults:
            return await self.faults[job_id](request)
        job = self.jobs.get(job_id)
        if job is None:
            return self.not_found(job_id)
        if kind == "plan":
            return self._plan(job_id)
        if self.service == "dli":
            return web.json_response(
                {"is_success": "true", "message": "Job detail query succeeds.", "job_detail": job}
            )
        return web.json_response(self._cs_envelope("The query of job details succeeds.", job))

    def _cs_envelope(self, message: str, payload: Any) -> dict[str, Any]:
        now = self.current_time_ms or int(time.time() * 1000)
        return {
            "message_id": "CS.10001",
            "message": message,
            "current_time": now,
            "payload": payload,
        }

    def _list(self, request: web.Request) -> web.Response:
        query = request.query
        try:
            limit = int(query.get("limit", "20" if self.service == "cs" else "10"))
            offset = int(query.get("offset", "0"))
            cursor = int(query["cursor"]) if "cursor" in query else None
        except ValueError:
            return self._bad_parameter("limit, offset and cursor must be integers")
        if limit < 0 or (self.service == "dli" and limit > DLI_MAX_LIMIT) or offset < 0:
            return self._bad_parameter(f"limit must be 0-{DLI_MAX_LIMIT}, offset at least 0")
        ascending = query.get("order", "desc") == "asc"
        jobs = sorted(self.jobs.values(), key=lambda job: int(job["job_id"]), reverse=not ascending)
        name = query.get("name")
        if name:
            # Both consoles search names by "contains"; exact matches are the caller's business.
            jobs = [job for job in jobs if name.lower() in str(job.get("name", "")).lower()]
        status = query.get("status")
        if status:
            jobs = [job for job in jobs if job.get("status") == status]
        total = len(jobs)
        if self.service == "dli":
            page = jobs[offset : offset + limit]
        else:
            page = _cs_page(jobs, cursor, query.get("next", "true") != "false", limit, ascending)
        detail = query.get("show_detail") == "true"
        rows = [job if detail else self._row(job) for job in page]
        if self.service == "dli":
            return web.json_response(
                {
                    "is_success": "true",
                    "message": "Querying of the job list succeeds.",
                    "job_list": {"total_count": total, "jobs": rows},
                }
            )
        return web.json_response(
            self._cs_envelope("The query of jobs succeeds.", {"total": total, "jobs": rows})
        )

    def _row(self, job: dict[str, Any]) -> dict[str, Any]:
        row = {key: job[key] for key in _LIST_ROW_FIELDS[self.service] if key in job}
        start = job.get("start_time") or 0
        now = self.current_time_ms or int(time.time() * 1000)
        row["duration"] = max(0, now - start) if start else 0
        return row

    def _plan(self, job_id: int) -> web.Response:
        job = self.jobs[job_id]
        if self.service == "dli":
            graph = self.plans.get(job_id) or {
                "jid": f"{job_id:032x}",
                "name": job.get("name", ""),
                "isStoppable": False,
                "state": "RUNNING" if job.get("status") == "job_running" else "CANCELED",
                "start-time": job.get("start_time") or -1,
                "end-time": -1,
                "duration": 516274,
            }
            return web.json_response(
                {
                    "is_success": "true",
                    "message": "The job execution stream graph is successfully queried.",
                    "execute_graph": graph,
                }
            )
        payload = self.plans.get(job_id) or {"execute_plan_items": json.dumps(_flink_plan(job))}
        return web.json_response(
            self._cs_envelope("The query of the job execution plan succeeds.", payload)
        )

    def _bad_parameter(self, message: str) -> web.Response:
        if self.service == "dli":
            return web.json_response(
                {"is_success": "false", "error_code": "DLI.0001", "error_msg": message},
                status=400,
            )
        return web.json_response({"error_id": "CS.10004", "error_cause": message}, status=400)

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


def _cs_page(
    jobs: list[dict[str, Any]], cursor: int | None, forward: bool, limit: int, ascending: bool
) -> list[dict[str, Any]]:
    """Return CS's page: after the cursor job (next=true) or before it (next=false)."""
    if cursor is None:
        return jobs[:limit] if forward else []

    def after(job: dict[str, Any]) -> bool:
        job_id = int(job["job_id"])
        return job_id > cursor if ascending else job_id < cursor

    if forward:
        return [job for job in jobs if after(job)][:limit]
    before = [job for job in jobs if int(job["job_id"]) != cursor and not after(job)]
    return before[-limit:] if limit else []


def _flink_plan(job: dict[str, Any]) -> dict[str, Any]:
    """Return a small plan in Flink's own JSON format (StreamGraph's `getExecutionPlan`)."""
    parallelism = int(job.get("parallel_number") or 1)
    name = str(job.get("name", "job"))
    return {
        "nodes": [
            {"id": 1, "type": "Source: KafkaSource", "pact": "Data Source",
             "contents": f"Source: {name}_input", "parallelism": 1},
            {"id": 2, "type": "Map", "pact": "Operator", "contents": "Map",
             "parallelism": parallelism,
             "predecessors": [{"id": 1, "ship_strategy": "REBALANCE", "side": "second"}]},
            {"id": 3, "type": "Sink: Print", "pact": "Data Sink", "contents": f"Sink: {name}_out",
             "parallelism": parallelism,
             "predecessors": [{"id": 2, "ship_strategy": "FORWARD", "side": "second"}]},
        ]
    }  # fmt: skip


def _route(service: str, path: str) -> tuple[str | None, int | None]:
    """Name the endpoint a path is for ("job", "list", "plan") and its job ID."""
    parts = path.strip("/").split("/")
    if service == "dli":
        if len(parts) < 4 or parts[2:4] != ["streaming", "jobs"]:
            return None, None
        rest = parts[4:]
        plan = "execute-graph"
    else:
        if len(parts) == 3 and parts[2] == "jobs":
            return "list", None
        if len(parts) < 4 or parts[2] != "job":
            return None, None
        rest = parts[3:]
        plan = "execute_graph"
    if service == "dli" and not rest:
        return "list", None
    if not rest or not rest[0].isdigit():
        return None, None
    if len(rest) == 1:
        return "job", int(rest[0])
    if len(rest) == 2 and rest[1] == plan:
        return "plan", int(rest[0])
    return None, None


def _job_id_from_path(service: str, path: str) -> int | None:
    kind, job_id = _route(service, path)
    return job_id if kind == "job" else None


def view_action_payload(
    value: str,
    action_id: str,
    view: dict[str, Any],
    *,
    trigger_id: str,
    user_id: str = "U0USER",
    state: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return a `block_actions` payload for a click inside a modal (`view` as Slack holds it)."""
    return {
        "type": "block_actions",
        "team": {"id": "T0001", "domain": "acme"},
        "user": {"id": user_id, "username": "oncall", "team_id": "T0001"},
        "api_app_id": "A0001",
        "token": "legacy-verification-token",
        "container": {"type": "view", "view_id": view["id"]},
        "trigger_id": trigger_id,
        "view": {**view, "state": {"values": state or {}}},
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "job_actions",
                "text": {"type": "plain_text", "text": "Button", "emoji": True},
                "value": value,
                "action_ts": "1700000401.000600",
            }
        ],
    }


def global_shortcut_payload(
    *, trigger_id: str, callback_id: str = "job_lookup", user_id: str = "U0USER"
) -> dict[str, Any]:
    """Return a global shortcut (`shortcut`) payload: no channel, no response_url."""
    return {
        "type": "shortcut",
        "token": "legacy-verification-token",
        "action_ts": "1700000500.000700",
        "team": {"id": "T0001", "domain": "acme"},
        "user": {"id": user_id, "username": "oncall", "team_id": "T0001"},
        "is_enterprise_install": False,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
    }


def view_submission_payload(
    view: dict[str, Any], values: dict[str, Any], *, user_id: str = "U0USER"
) -> dict[str, Any]:
    """Return a `view_submission` payload for a modal (`view` as Slack holds it)."""
    return {
        "type": "view_submission",
        "team": {"id": "T0001", "domain": "acme"},
        "user": {"id": user_id, "username": "oncall", "team_id": "T0001"},
        "api_app_id": "A0001",
        "token": "legacy-verification-token",
        "trigger_id": new_trigger_id(),
        "view": {**view, "state": {"values": values}},
        "response_urls": [],
        "is_enterprise_install": False,
    }


def event_body(event: dict[str, Any], *, event_id: str | None = None) -> str:
    """Return an Events API request body (JSON) carrying one event."""
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": "T0001",
            "api_app_id": "A0001",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
        }
    )


def home_opened_event(user_id: str = "U0USER", tab: str = "home") -> dict[str, Any]:
    """Return an `app_home_opened` event, as Slack sends it when a person opens the app."""
    return {
        "type": "app_home_opened",
        "user": user_id,
        "channel": "D0APPDM",
        "tab": tab,
        "event_ts": f"{time.time():.6f}",
    }
