"""The Slack app manifest for one deployment, built from what the app registers."""

from __future__ import annotations

import sys
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.cli.settings import ConfigError, read_settings
from bot.config.access import JobApi
from bot.render.ids import CallbackId
from bot.slack.server import SLACK_PATH

# Exactly what the code calls: commands (the slash command and the shortcuts), chat:write
# (chat.postMessage in threads and for Share, chat.postEphemeral for refused mentions,
# chat.update of a watch's parent card), usergroups:read (usergroups.users.list for
# JOBBOT_ALLOWED_USERGROUPS), channels:history and groups:history (conversations.replies: after a
# crash, look in a watch's thread, public or private, for a reply before posting it again),
# app_mentions:read (the app_mention event), channels:read and groups:read (users.conversations:
# the public and private channels a person is in, for the watches on their Home tab).
# chat.getPermalink and views.* need none. tests/ops/test_manifest.py checks this against the code.
BOT_SCOPES = (
    "commands",
    "chat:write",
    "usergroups:read",
    "channels:history",
    "groups:history",
    "app_mentions:read",
    "channels:read",
    "groups:read",
)
# The Events API events the app listens to (app_home_opened needs no scope of its own).
BOT_EVENTS = ("app_mention", "app_home_opened")
# Where the manifest points when no address is given (manifest.yml's too): to be replaced.
PLACEHOLDER_URL = "https://jobbot.example.com"

DESCRIPTION = "Flink job cards from Huawei Cloud CS and DLI, in the channel where you need them."
LONG_DESCRIPTION = (
    "jobbot answers questions about Flink jobs running on Huawei Cloud's Cloud Stream Service"
    " (CS) and Data Lake Insight (DLI). Type {command} 50320 to see a job's status, timing and"
    ' configuration, only to you; or run the "Job details" shortcut on an alert message to get'
    " the cards of the jobs it mentions in that message's thread. Every card has a Refresh"
    " button. jobbot never mentions anyone, masks credentials found in job arguments and SQL,"
    " and keeps its replies private unless you ask otherwise."
)
# callback_id -> (name, type, description); a shortcut's name is at most 24 characters.
SHORTCUTS = {
    CallbackId.JOB_DETAILS: (
        "Job details",
        "message",
        "Post the cards of the jobs this message mentions in its thread",
    ),
    CallbackId.JOB_LOOKUP: (
        "Look up a job",
        "global",
        "Look a Flink job up by ID or name and see its card, to share or watch",
    ),
}

HEADER = """\
# Slack app manifest for jobbot, printed by `jobbot manifest`.
# Create the app at https://api.slack.com/apps -> Create New App -> From a manifest.
"""


def events_url(base_url: str) -> str:
    """Return where Slack sends requests: `https://host` -> `https://host/slack/events`."""
    parts = urlsplit(base_url)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise ValueError("--url must be an https:// address, like https://jobbot.example.com")
    path = parts.path.rstrip("/")
    if not path.endswith(SLACK_PATH):
        path += SLACK_PATH
    return f"https://{parts.netloc}{path}"


def build_manifest(command: str, *, url: str | None, socket_mode: bool = False) -> dict[str, Any]:
    """Build the manifest for HTTP mode at `url`, or for Socket Mode (no URLs)."""
    if socket_mode == (url is not None):
        raise ValueError("give either a URL (HTTP mode) or Socket Mode, not both or neither")
    request_url = None if url is None else events_url(url)
    slash_command: dict[str, Any] = {"command": command}
    if request_url is not None:
        slash_command["url"] = request_url
    slash_command.update(
        description="Show a Flink job's status, timing and configuration",
        usage_hint=(
            "JOB_ID | NAME | list [STATUS…] [NAME] | plan JOB_ID | watch JOB_ID | "
            "unwatch JOB_ID | watching | use PROJECT | help"
        ),
        should_escape=False,
    )
    interactivity: dict[str, Any] = {"is_enabled": True}
    events: dict[str, Any] = {}
    if request_url is not None:
        interactivity["request_url"] = request_url
        events["request_url"] = request_url
    events["bot_events"] = list(BOT_EVENTS)
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": "jobbot",
            "description": DESCRIPTION,
            "background_color": "#1f2937",
            "long_description": LONG_DESCRIPTION.format(command=command),
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": False,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": "jobbot", "always_online": True},
            "slash_commands": [slash_command],
            "shortcuts": [
                {
                    "name": name,
                    "type": kind,
                    "callback_id": callback_id.value,
                    "description": description,
                }
                for callback_id, (name, kind, description) in SHORTCUTS.items()
            ],
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def to_yaml(manifest: dict[str, Any]) -> str:
    """Render the manifest as YAML, in the manifest's own key order."""
    body = yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def run_manifest(url: str | None, socket_mode: bool) -> int:
    """Print the Slack app manifest for this deployment as YAML."""
    if url is None and not socket_mode:
        # Still useful as a template; the note says what to replace.
        url = PLACEHOLDER_URL
        print(
            f"jobbot: no --url given, so the manifest points at the placeholder {url}; pass "
            "--url https://your-host (jobbot's public address) or --socket for Socket Mode",
            file=sys.stderr,
        )
    # Only JOBBOT_COMMAND matters here; printing a manifest needs no job API settings.
    settings = read_settings(JOBBOT_API=JobApi.DEMO)
    try:
        manifest = build_manifest(settings.command, url=url, socket_mode=socket_mode)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    print(to_yaml(manifest), end="")
    return 0
