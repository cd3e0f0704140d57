"""Typed values carried in buttons, so a click brings back what the card was about."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field

# A project name as JOBBOT_PROJECTS spells it: short, no spaces or markup.
PROJECT_PATTERN = r"^[A-Za-z0-9_.\-]{1,40}$"


class JobRef(BaseModel):
    """The job a card shows, stored in its buttons (and its project, when there are several)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    job_id: int = Field(gt=0, lt=10**19)
    project: str | None = Field(None, pattern=PROJECT_PATTERN)

    def to_value(self) -> str:
        """Serialise for a button's `value`."""
        return self.model_dump_json(exclude_none=True)

    @classmethod
    def from_value(cls, value: str) -> Self:
        """Read back a button's `value`; raises ValueError when it is not ours."""
        return cls.model_validate_json(value)


class PageRef(JobRef):
    """A page of a job's Details modal: in its Next/Previous buttons and private_metadata."""

    page: int = Field(0, ge=0, lt=1000)
