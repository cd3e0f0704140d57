"""The Home tab (`app_home_opened`): published from the database, no job API request."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.home import HomeData, home_view
from bot.slack.audit import Audit
from bot.slack.delivery import slack_error_code
from bot.slack.deps import Deps
from bot.slack.listeners.guard import guarded
from bot.usecases.home import home_data


async def handle_home_opened(
    event: dict[str, Any], client: AsyncWebClient, deps: Deps, audit: Audit
) -> None:
    """Publish the person's Home tab each time they open it."""
    # Slack sends this event for the Messages tab too; only Home is ours to draw.
    if event.get("tab") != "home":
        audit.finish("not the home tab")
        return
    user = str(event.get("user") or "")

    def count_error(code: str) -> None:
        deps.slack_api_error("users.conversations", code)

    channels = await deps.memberships.channels_of(client, user, on_error=count_error)
    if deps.home is None:
        data = HomeData(watches=[], recent=[])
    else:
        data = await home_data(deps.home, user, channels)
    try:
        await client.views_publish(
            user_id=user, view=home_view(data, command=deps.settings.command)
        )
    except SlackApiError as error:
        deps.slack_api_error("views.publish", slack_error_code(error))
        audit.finish(f"home not published: {slack_error_code(error)}")
        return
    audit.finish(f"home published: {len(data.watches)} watches, {len(data.recent)} lookups")


def register(app: AsyncApp) -> None:
    """Register the Home tab."""
    app.event("app_home_opened")(guarded(handle_home_opened))
