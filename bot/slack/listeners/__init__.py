"""Slack listeners, one module per kind: commands, shortcuts, actions, events, watching."""

from slack_bolt.async_app import AsyncApp

from bot.slack.listeners import (
    actions,
    commands,
    details,
    events,
    home,
    lookup,
    share,
    shortcuts,
    watching,
)


def register_listeners(app: AsyncApp, command: str) -> None:
    """Register every listener jobbot has."""
    commands.register(app, command)
    shortcuts.register(app)
    actions.register(app)
    events.register(app)
    watching.register(app)
    share.register(app)
    details.register(app)
    lookup.register(app)
    home.register(app)
