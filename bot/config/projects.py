"""JOBBOT_PROJECTS: several projects, each with its project ID, region or endpoint, and API.

`prod=0a1b2c@cn-north-4/dli,staging=9f8e7d@https://cs.example.com/cs`. Sign-in is global
unless a project overrides it with its own variables, named as the global ones with
`__NAME` after them (`JOBBOT_AUTH_TOKEN__STAGING`, `HUAWEICLOUD_SDK_AK__PROD`, ...; a `-` in
the name becomes `_`). An override replaces the global sign-in for that project entirely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

# Words a person types after /job; a project with one of these names could not be told apart.
RESERVED = frozenset(
    {"help", "show", "list", "plan", "use", "watch", "unwatch", "watching"}
    | {"running", "failed", "stopped", "finished", "draft", "starting", "stopping"}
    | {"savepoint", "idle"}
)
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_PROJECT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_REGION = re.compile(r"[a-z0-9-]{1,64}")
EXAMPLE = "prod=0a1b2c@cn-north-4/dli"
# The sign-in variables a project may override, as they are spelled globally.
SIGN_IN_VARIABLES = (
    "HUAWEICLOUD_SDK_AK",
    "HUAWEICLOUD_SDK_SK",
    "HUAWEICLOUD_SDK_SECURITY_TOKEN",
    "JOBBOT_AUTH_TOKEN",
    "JOBBOT_IAM_USER",
    "JOBBOT_IAM_PASSWORD",
    "JOBBOT_IAM_DOMAIN",
)
_OVERRIDE = re.compile(
    "(?P<variable>" + "|".join(v.lower() for v in SIGN_IN_VARIABLES) + r")__(?P<project>[a-z0-9_]+)"
)


@dataclass(frozen=True)
class ProjectSpec:
    """One entry of JOBBOT_PROJECTS."""

    name: str
    project_id: str
    api: str
    region: str | None = None
    endpoint: str | None = None


def parse_projects(value: str) -> tuple[ProjectSpec, ...]:
    """Read JOBBOT_PROJECTS; raise ValueError naming the first bad entry."""
    specs: list[ProjectSpec] = []
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        spec = _parse_entry(entry)
        if any(s.name == spec.name for s in specs):
            raise ValueError(f"project {spec.name!r} is named twice")
        specs.append(spec)
    if not specs:
        raise ValueError(f"names no project; write NAME=PROJECT_ID@REGION/API,... like {EXAMPLE}")
    return tuple(specs)


def _parse_entry(entry: str) -> ProjectSpec:
    shown = entry if len(entry) <= 120 else entry[:117] + "..."
    bad = f"entry {shown!r} is not NAME=PROJECT_ID@REGION/API (like {EXAMPLE})"
    name, equals, rest = entry.partition("=")
    project_id, at, place = rest.partition("@")
    where, slash, api = place.rpartition("/")
    name, api = name.strip().lower(), api.strip().lower()
    if not (equals and at and slash and where):
        raise ValueError(bad)
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"entry {shown!r}: a project name is a letter then up to 31 letters, digits, _ or -"
        )
    if name in RESERVED:
        raise ValueError(f"entry {shown!r}: {name!r} is a word /job already uses; pick another")
    if not _PROJECT_ID.fullmatch(project_id.strip()):
        raise ValueError(f"entry {shown!r}: {project_id.strip()!r} is not a project ID")
    if api not in ("cs", "dli"):
        raise ValueError(f"entry {shown!r}: the API is cs or dli, not {api!r}")
    where = where.strip()
    if "://" in where:
        parts = urlsplit(where)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise ValueError(f"entry {shown!r}: {where!r} is not an http(s) endpoint")
        return ProjectSpec(name, project_id.strip(), api, endpoint=where.rstrip("/"))
    if not _REGION.fullmatch(where):
        raise ValueError(f"entry {shown!r}: {where!r} is neither a region nor an endpoint URL")
    return ProjectSpec(name, project_id.strip(), api, region=where)


def variable_suffix(name: str) -> str:
    """Return the suffix of a project's own sign-in variables: `prod-eu` -> `__PROD_EU`."""
    return "__" + name.replace("-", "_").upper()


def sign_in_overrides(environment: dict[str, str]) -> dict[str, dict[str, str]]:
    """Collect `VARIABLE__PROJECT` sign-in overrides: project suffix -> variable -> value."""
    found: dict[str, dict[str, str]] = {}
    for key, value in environment.items():
        match = _OVERRIDE.fullmatch(key.lower())
        if match and value:
            project = match.group("project").upper()
            found.setdefault(project, {})[match.group("variable").upper()] = value
    return found


class ProjectSignInSource(PydanticBaseSettingsSource):
    """Collect the per-project sign-in variables (`JOBBOT_AUTH_TOKEN__PROD`, ...)."""

    def __init__(
        self, settings_cls: type[BaseSettings], *sources: PydanticBaseSettingsSource
    ) -> None:
        super().__init__(settings_cls)
        self._sources = sources

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        merged: dict[str, str] = {}
        # .env first, then the environment, which wins as it does for every other variable.
        for source in self._sources:
            merged.update({k: v for k, v in getattr(source, "env_vars", {}).items() if v})
        found = sign_in_overrides(merged)
        return {"project_sign_in": found} if found else {}
