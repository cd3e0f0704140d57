"""What the lookup window says back when it cannot show a card: the view models of its errors."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Asked:
    """What was asked for, as the window quotes it: a job ID or a name, in a project."""

    project: str
    job_id: int | None = None
    name: str | None = None
    prefixed: bool = False


@dataclass(frozen=True)
class NotAJob:
    """What was typed is neither a job ID nor a name."""


@dataclass(frozen=True)
class NoSuchProject:
    """A project that is not configured: typed as a prefix, or (`picked`) from the picker."""

    typed: str
    known: tuple[str, ...]
    picked: bool = False


@dataclass(frozen=True)
class NoSuchJob:
    """No job has that ID in the project."""

    query: Asked


@dataclass(frozen=True)
class NoneNamed:
    """No job has that name in the project; `closest` are the nearest names the API gave."""

    query: Asked
    closest: tuple[str, ...]


@dataclass(frozen=True)
class SeveralNamed:
    """Several jobs have that name: their IDs, newest first."""

    query: Asked
    job_ids: tuple[int, ...]


Refusal = NotAJob | NoSuchProject | NoSuchJob | NoneNamed | SeveralNamed
