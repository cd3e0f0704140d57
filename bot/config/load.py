"""Read the settings and report every problem at once, one line each naming its variable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from bot.config.access import JobApi
from bot.config.settings import ENV_NAMES, Settings


class SettingsError(ValueError):
    """The settings are missing or wrong: one line per problem, each naming its variable."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def describe_errors(error: ValidationError) -> list[str]:
    """Turn a settings validation error into one line per problem, naming the variable.

    Pydantic's messages never include the value given, so no secret is echoed.
    """
    lines = []
    for item in error.errors():
        loc = item.get("loc", ())
        field = str(loc[0]) if loc else ""
        name = ENV_NAMES.get(field, field)
        message = item.get("msg", "invalid value").removeprefix("Value error, ")
        lines += [f"{name}: {line}" if name else line for line in message.splitlines()]
    return lines


def describe_error(error: ValidationError) -> str:
    """Turn a settings validation error into its first problem, in one line."""
    return describe_errors(error)[0]


def require(settings: Settings, *names: str) -> None:
    """Raise SettingsError naming every required Slack secret that is not set."""
    missing = _missing(settings, names)
    if missing:
        raise SettingsError(missing)


def _missing(settings: Settings, names: Sequence[str]) -> list[str]:
    return [
        f"{ENV_NAMES[name]} is required for this command"
        for name in names
        if getattr(settings, name) is None
    ]


def load_settings(*required: str, **overrides: Any) -> Settings:
    """Read the settings; on any problem raise SettingsError listing every one of them."""
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        raise SettingsError(_all_problems(error, required, overrides)) from None
    require(settings, *required)
    return settings


def _all_problems(
    error: ValidationError, required: Sequence[str], overrides: dict[str, Any]
) -> list[str]:
    """Find the problems a first error hides: checks that never ran, secrets never asked."""
    problems = describe_errors(error)
    # A malformed value stops pydantic before the cross-field checks; read again with the
    # malformed values at their defaults to run those checks too.
    bad = {str(item["loc"][0]) for item in error.errors() if item.get("loc")}
    defaults = {alias: _FIELD_BY_ENV[alias].default for alias in bad if alias in _FIELD_BY_ENV}
    # Which API (or which projects) decides what the cross-field checks ask for: with it
    # malformed, they would only report settings that do not apply.
    if bad and not bad & {"JOBBOT_API", "JOBBOT_PROJECTS"}:
        try:
            Settings(**{**overrides, **defaults})
        except ValidationError as rest:
            # Not again about the malformed variables: they are named already.
            problems += [
                line
                for line in describe_errors(rest)
                if line not in problems and not any(alias in line for alias in bad)
            ]
    try:
        # The demo has no cross-field checks: this reads the fields alone.
        fields = Settings(**{**overrides, **defaults, "JOBBOT_API": JobApi.DEMO})
    except ValidationError:
        return problems
    return _missing(fields, required) + problems


_FIELD_BY_ENV = {
    ENV_NAMES[name]: field for name, field in Settings.model_fields.items() if name in ENV_NAMES
}
