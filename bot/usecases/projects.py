"""The projects jobbot answers for, and which one a request means."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.jobs.cache import JobCache


@dataclass(frozen=True)
class Project:
    """One project: its name (empty in the single-project setup) and its job cache."""

    name: str
    jobs: JobCache


class UnknownProject(Exception):
    """A request named a project jobbot does not have."""

    def __init__(self, typed: str, known: Sequence[str]) -> None:
        super().__init__(typed)
        self.typed = typed
        self.known = tuple(known)


class Projects:
    """The configured projects; the first is the default."""

    def __init__(self, projects: Sequence[Project]) -> None:
        if not projects:
            raise ValueError("at least one project is needed")
        self._all = tuple(projects)
        self._by_name = {p.name.lower(): p for p in self._all}

    @property
    def default(self) -> Project:
        """Return the first project."""
        return self._all[0]

    @property
    def names(self) -> tuple[str, ...]:
        """Return the names people may type (none in the single-project setup)."""
        return tuple(p.name for p in self._all if p.name)

    @property
    def all(self) -> tuple[Project, ...]:
        """Return every project, the default first."""
        return self._all

    @property
    def named(self) -> bool:
        """Say whether projects have names (JOBBOT_PROJECTS is set)."""
        return bool(self.names)

    def get(self, name: str) -> Project:
        """Return the project called `name` (any case); raise UnknownProject."""
        project = self._by_name.get(name.strip().lower()) if name.strip() else None
        if project is None:
            raise UnknownProject(name, self.names)
        return project

    def keyed(self, name: str) -> Project:
        """Return the project stored under `name`: "" (the single-project setup) is the first."""
        return self.default if not name else self.get(name)

    def pick(self, name: str | None, channel_default: str | None = None) -> Project:
        """Return the named project, else the channel's default, else the first."""
        if name:
            return self.get(name)
        if channel_default and channel_default.lower() in self._by_name:
            return self._by_name[channel_default.lower()]
        return self.default


class ChannelDefaults(Protocol):
    """Where a channel's default project is kept (the database)."""

    async def get(self, channel_id: str) -> str | None:
        """Return the channel's default project name, or None."""
        ...

    async def set(self, channel_id: str, project: str, *, set_by: str) -> None:
        """Make `project` the channel's default."""
        ...


class MemoryChannelDefaults:
    """Channel defaults in memory (the demo and `jobbot show`, which have no channels)."""

    def __init__(self) -> None:
        self._defaults: dict[str, tuple[str, str, float]] = {}

    async def get(self, channel_id: str) -> str | None:
        """Return the channel's default project name, or None."""
        found = self._defaults.get(channel_id)
        return found[0] if found else None

    async def set(self, channel_id: str, project: str, *, set_by: str) -> None:
        """Make `project` the channel's default."""
        self._defaults[channel_id] = (project, set_by, time.time())
