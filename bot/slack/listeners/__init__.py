"""Slack listeners, one module per kind: commands, shortcuts, actions, events, watching."""

from slack_bolt.async_app import AsyncApp

from bot.slack.listeners import actions, commands, events, shortcuts, watching


def register_listeners(app: AsyncApp, command: str) -> None:
    """Register every listener jobbot has."""
    commands.register(app, command)
    shortcuts.register(app)
    actions.register(app)
    events.register(app)
    watching.register(app)
