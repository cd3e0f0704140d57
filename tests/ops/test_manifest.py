"""manifest.yml and `jobbot manifest`: Slack's JSON schema, and what the app really registers."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.__main__ import main
from bot.cli.manifest import build_manifest, events_url
from bot.render.ids import ActionId, CallbackId, ViewId
from bot.runtime import build_runtime
from tests.conftest import BOT_TOKEN, PROJECT_ID, SIGNING_SECRET, make_settings
from tests.fakes import (
    app_mention_body,
    block_action_payload,
    command_body,
    event_body,
    interactive_body,
    message_shortcut_payload,
    view_submission_payload,
)

REPO = Path(__file__).parents[2]
SCHEMA_DIR = Path(__file__).parent / "slack_manifest_schema"
EXAMPLE_URL = "https://jobbot.example.com"

# The bot scope each Events API event needs (https://api.slack.com/events).
# app_home_opened needs no scope of its own (Slack sends it to any app with a Home tab).
SCOPES_FOR_EVENT: dict[str, set[str]] = {
    "app_mention": {"app_mentions:read"},
    "app_home_opened": set(),
}

# The bot scope each Slack Web API method needs (https://api.slack.com/methods). A method the
# code starts calling that is missing here fails the scope check until its scope is added.
SCOPES_FOR_METHOD: dict[str, set[str]] = {
    "auth.test": set(),
    "chat.postMessage": {"chat:write"},
    "chat.postEphemeral": {"chat:write"},
    "chat.update": {"chat:write"},
    "chat.getPermalink": set(),
    "conversations.replies": {"channels:history", "groups:history"},
    "conversations.history": {"channels:history", "groups:history"},
    "views.open": set(),
    "views.push": set(),
    "views.update": set(),
    "views.publish": set(),
    "usergroups.users.list": {"usergroups:read"},
    "users.conversations": {"channels:read", "groups:read"},
}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads((SCHEMA_DIR / "manifest.schema.1.0.0.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def schema_errors(validator: jsonschema.Draft7Validator, manifest: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(manifest)]


def printed_manifest(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> dict[str, Any]:
    """Run `jobbot manifest ARGS` and parse what it prints."""
    monkeypatch.chdir(SCHEMA_DIR)  # no .env here: only the test's environment counts
    assert main(["manifest", *args]) == 0
    manifest = yaml.safe_load(capsys.readouterr().out)
    assert isinstance(manifest, dict)
    return manifest


@asynccontextmanager
async def real_app(command: str = "/job") -> AsyncIterator[AsyncApp]:
    """Build the Bolt app exactly as `jobbot serve` does."""
    settings = make_settings(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        JOBBOT_API="cs",
        JOBBOT_ENDPOINT="https://cs.example.invalid",
        HUAWEICLOUD_SDK_PROJECT_ID=PROJECT_ID,
        JOBBOT_AUTH_TOKEN="iam-token-for-tests",
        JOBBOT_COMMAND=command,
    )
    runtime = build_runtime(settings)
    assert runtime.app is not None
    try:
        yield runtime.app
    finally:
        await runtime.aclose()


def probes(manifest: dict[str, Any]) -> dict[str, str]:
    """Return one request body per thing Slack may send the app, as the manifest declares."""
    features = manifest.get("features", {})
    hook = "https://hooks.slack.com/commands/T0001/1/x"
    bodies = {
        f"command {c['command']}": command_body("help", hook, command=c["command"])
        for c in features.get("slash_commands", [])
    }
    for shortcut in features.get("shortcuts", []):
        payload = message_shortcut_payload("job 1", hook)
        if shortcut["type"] == "global":
            payload = {"type": "shortcut", "trigger_id": "1.2.3", "team": {"id": "T0001"}}
        payload["callback_id"] = shortcut["callback_id"]
        bodies[f"shortcut {shortcut['callback_id']}"] = interactive_body(payload)
    for event_type in (manifest.get("settings", {}).get("event_subscriptions") or {}).get(
        "bot_events", []
    ):
        body = app_mention_body("<@UBOT> help")
        body["event"]["type"] = event_type
        bodies[f"event {event_type}"] = json.dumps(body)
    # The manifest has no list of action_ids: the buttons are ours, spelled in bot/render/ids.py.
    for action_id in ActionId:
        payload = block_action_payload("50320", hook, action_id=action_id.value)
        bodies[f"action {action_id.value}"] = interactive_body(payload)
    for event in manifest.get("settings", {}).get("event_subscriptions", {}).get("bot_events", []):
        event_payload = {"type": event, "user": "U0USER", "tab": "home", "channel": "D0APPDM"}
        bodies[f"event {event}"] = event_body(event_payload)
    # Nor of modals: the lookup window is the one whose submission comes back to us.
    if any(s["callback_id"] == CallbackId.JOB_LOOKUP for s in features.get("shortcuts", [])):
        submission = view_submission_payload(
            {"id": "V1", "type": "modal", "callback_id": ViewId.JOB_LOOKUP.value}, {}
        )
        bodies[f"view {ViewId.JOB_LOOKUP.value}"] = interactive_body(submission)
    return bodies


async def registered_vs_declared(app: AsyncApp, manifest: dict[str, Any]) -> dict[str, list[str]]:
    """Map each listener the app registered to the manifest's probes that reach it."""
    listeners = app._async_listeners
    reached: dict[str, list[str]] = {f"listener {i}": [] for i in range(len(listeners))}
    for name, body in probes(manifest).items():
        request = AsyncBoltRequest(body=body, headers={})
        for index, listener in enumerate(listeners):
            if await listener.async_matches(req=request, resp=BoltResponse(status=404)):
                reached[f"listener {index}"].append(name)
    return reached


def cross_check_listeners(reached: dict[str, list[str]], manifest: dict[str, Any]) -> None:
    declared = sorted(probes(manifest))
    matched = sorted(name for names in reached.values() for name in names)
    # Every listener is reached by exactly one declared entry point, and every declared entry
    # point reaches exactly one listener: nothing registered but undeclared, or the reverse.
    assert all(len(names) == 1 for names in reached.values()), reached
    assert matched == declared, reached


def scopes_the_code_needs(manifest: dict[str, Any]) -> set[str]:
    """Scan bot/ for Slack Web API calls and return the scopes they need."""
    web_methods = {name for name in dir(AsyncWebClient) if not name.startswith("_")}
    called: set[str] = set()
    for path in (REPO / "bot").rglob("*.py"):
        source = path.read_text()
        called |= {m for m in re.findall(r"\.(\w+)\(", source) if m in web_methods and "_" in m}
        called |= {m.replace(".", "_") for m in re.findall(r"api_call\(\s*['\"]([\w.]+)", source)}
    needed: set[str] = set()
    for method in called:
        api_method = method.replace("_", ".")
        assert api_method in SCOPES_FOR_METHOD, f"bot/ calls {api_method}: add its scope here"
        needed |= SCOPES_FOR_METHOD[api_method]
    features = manifest.get("features", {})
    if features.get("slash_commands") or features.get("shortcuts"):
        needed.add("commands")
    events = manifest.get("settings", {}).get("event_subscriptions") or {}
    for event_type in events.get("bot_events", []):
        needed |= SCOPES_FOR_EVENT[event_type]
    return needed


def check_urls(manifest: dict[str, Any], url: str | None) -> None:
    interactivity = manifest["settings"]["interactivity"]
    commands = manifest["features"]["slash_commands"]
    events = manifest["settings"]["event_subscriptions"]
    assert interactivity["is_enabled"] is True  # the shortcut and the buttons need it
    # The Home tab needs its event, and the tab itself.
    assert "app_home_opened" in events["bot_events"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    if url is None:
        assert manifest["settings"]["socket_mode_enabled"] is True
        assert "request_url" not in interactivity
        assert "request_url" not in events
        assert all("url" not in command for command in commands)
    else:
        assert manifest["settings"]["socket_mode_enabled"] is False
        assert interactivity["request_url"] == f"{url}/slack/events"
        assert events["request_url"] == f"{url}/slack/events"
        assert [c["url"] for c in commands] == [f"{url}/slack/events"] * len(commands)


async def full_check(
    validator: jsonschema.Draft7Validator,
    manifest: dict[str, Any],
    *,
    url: str | None,
    command: str = "/job",
) -> None:
    assert schema_errors(validator, manifest) == []
    async with real_app(command) as app:
        reached = await registered_vs_declared(app, manifest)
    cross_check_listeners(reached, manifest)
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == scopes_the_code_needs(manifest)
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert len(scopes) == len(set(scopes)) == 8  # no duplicates
    check_urls(manifest, url)


def test_the_schema_copy_keeps_its_licence() -> None:
    licence = (SCHEMA_DIR / "manifest.schema.LICENSE").read_text()
    assert "MIT License" in licence
    assert "Slack Technologies" in licence


async def test_manifest_yml_passes_the_schema_and_the_cross_checks(
    validator: jsonschema.Draft7Validator,
) -> None:
    manifest = yaml.safe_load((REPO / "manifest.yml").read_text())
    await full_check(validator, manifest, url=EXAMPLE_URL)
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "chat:write",
        "usergroups:read",
        "app_mentions:read",
        "channels:history",
        "groups:history",
        "channels:read",
        "groups:read",
    }


async def test_manifest_yml_is_what_jobbot_manifest_prints(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    printed = printed_manifest(capsys, monkeypatch, "--url", EXAMPLE_URL)
    assert printed == yaml.safe_load((REPO / "manifest.yml").read_text())


async def test_jobbot_manifest_without_a_flag_prints_the_http_manifest_with_a_placeholder(
    validator: jsonschema.Draft7Validator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(SCHEMA_DIR)
    assert main(["manifest"]) == 0
    printed = capsys.readouterr()
    manifest = yaml.safe_load(printed.out)
    assert manifest == yaml.safe_load((REPO / "manifest.yml").read_text())
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert "placeholder https://jobbot.example.com" in printed.err
    assert "pass --url" in printed.err
    assert len(printed.err.strip().splitlines()) == 1
    await full_check(validator, manifest, url=EXAMPLE_URL)


@pytest.mark.parametrize("url", [EXAMPLE_URL, None], ids=["http", "socket"])
async def test_printed_manifests_pass_the_schema_and_the_cross_checks(
    url: str | None,
    validator: jsonschema.Draft7Validator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = ["--url", url] if url else ["--socket"]
    await full_check(validator, printed_manifest(capsys, monkeypatch, *args), url=url)


async def test_the_manifest_follows_jobbot_command(
    validator: jsonschema.Draft7Validator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JOBBOT_COMMAND", "/flink")
    manifest = printed_manifest(capsys, monkeypatch, "--url", "https://bots.acme.io/jobbot/")
    assert manifest["features"]["slash_commands"][0]["command"] == "/flink"
    assert "/flink 50320" in manifest["display_information"]["long_description"]
    await full_check(validator, manifest, url="https://bots.acme.io/jobbot", command="/flink")


async def test_the_cross_check_catches_a_command_the_app_does_not_register() -> None:
    manifest = build_manifest("/job", url=EXAMPLE_URL)
    async with real_app("/flink") as app:
        reached = await registered_vs_declared(app, manifest)
    with pytest.raises(AssertionError):
        cross_check_listeners(reached, manifest)


def test_the_scope_check_catches_a_scope_the_code_does_not_use() -> None:
    manifest = build_manifest("/job", url=EXAMPLE_URL)
    scopes = {*manifest["oauth_config"]["scopes"]["bot"], "users:read.email"}
    assert scopes != scopes_the_code_needs(manifest)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://jobbot.example.com", "https://jobbot.example.com/slack/events"),
        ("https://jobbot.example.com/", "https://jobbot.example.com/slack/events"),
        ("https://h.io/bots/jobbot", "https://h.io/bots/jobbot/slack/events"),
        ("https://h.io/slack/events", "https://h.io/slack/events"),
    ],
)
def test_events_url(given: str, expected: str) -> None:
    assert events_url(given) == expected


@pytest.mark.parametrize("bad", ["http://jobbot.example.com", "jobbot.example.com", "https://"])
def test_jobbot_manifest_refuses_a_url_slack_cannot_use(
    bad: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(SCHEMA_DIR)
    assert main(["manifest", "--url", bad]) == 2
    assert capsys.readouterr().err.strip() == (
        "jobbot: configuration error: --url must be an https:// address, "
        "like https://jobbot.example.com"
    )
