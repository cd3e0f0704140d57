"""Typed values carried in buttons, so a click brings back what the card was about."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field


class JobRef(BaseModel):
    """The job a card shows, stored in its buttons (and its project, when there are several)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    job_id: int = Field(gt=0, lt=10**19)
    # The project's name with JOBBOT_PROJECTS; empty in the single-project setup.
    project: str = Field("", max_length=32)

    def to_value(self) -> str:
        """Serialise for a button's `value` (without an empty project, as before projects)."""
        return self.model_dump_json(exclude_defaults=True)

    @classmethod
    def from_value(cls, value: str) -> Self:
        """Read back a button's `value`; raises ValueError when it is not ours."""
        return cls.model_validate_json(value)


_PAGE = r"^o\d{1,9}(?:c\d{1,19}[fb]|s\d{1,9}(?:-\d{1,9}){0,13}[fb])?$"


class ListRef(BaseModel):
    """A page of a job list, stored in its Next/Previous buttons."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    project: str = Field("", max_length=32)
    statuses: tuple[str, ...] = Field((), max_length=9)
    name: str | None = Field(None, max_length=300)
    # bot.jobs.paging.PageRef.encode(): `o40` or `o40c50321f`; with several statuses
    # bot.jobs.merged.MergedRef.encode() also `o40s12-0-28f` (one offset per status, on DLI).
    page: str = Field("o0", pattern=_PAGE)

    def to_value(self) -> str:
        """Serialise for a button's `value`."""
        return self.model_dump_json(exclude_defaults=True)

    @classmethod
    def from_value(cls, value: str) -> ListRef:
        """Read back a button's `value`; raises ValueError when it is not ours."""
        return cls.model_validate_json(value)


class WatchRef(BaseModel):
    """The watched job a Watch or Unwatch button is about: its project and ID."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    project: str = Field(default="", max_length=64)
    job_id: int = Field(gt=0, lt=10**19)

    def to_value(self) -> str:
        """Serialise for a button's `value`."""
        return self.model_dump_json()

    @classmethod
    def from_value(cls, value: str) -> WatchRef:
        """Read back a button's `value`; raises ValueError when it is not ours."""
        return cls.model_validate_json(value)


class DetailsPageRef(JobRef):
    """A page of a job's Details modal: in its Next/Previous buttons and private_metadata."""

    page: int = Field(0, ge=0, lt=1000)
