"""Settings for a command: read once, every problem reported as one line naming its variable."""

from __future__ import annotations

from bot.config.load import SettingsError, load_settings
from bot.config.settings import Settings
from bot.ops.logs import setup_logging


class ConfigError(Exception):
    """The settings are missing or wrong: one line per problem, each naming its variable."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def read_settings(*required: str, **overrides: object) -> Settings:
    """Read the settings and check the ones this command needs, reporting every problem."""
    try:
        return load_settings(*required, **overrides)
    except SettingsError as error:
        raise ConfigError(*error.problems) from None


def prepare(settings: Settings) -> None:
    """Set up logging with the secrets to redact."""
    setup_logging(settings.log_format, settings.log_level, settings.secret_values())
