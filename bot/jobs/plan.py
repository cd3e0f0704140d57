"""The execution plan of a job: CS's plan items (Flink's plan JSON) or DLI's execution graph."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from bot.jobs.masking import mask_secrets
from bot.jobs.models import Bool, Int, Str

# A plan text we cannot read is kept this long for a person to look at; the card cuts further.
RAW_LIMIT = 3000
MAX_STEPS = 1000
MAX_DETAILS = 20
_STEP_KEYS = {"id", "type", "pact", "contents", "name", "description", "parallelism"}


class PlanStep(BaseModel):
    """One operator of the plan (a Flink plan node), every field optional."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    id: Str = None
    kind: Str = Field(None, validation_alias=AliasChoices("type", "kind"))
    role: Str = Field(None, validation_alias=AliasChoices("pact", "role"))
    name: Str = Field(None, validation_alias=AliasChoices("contents", "name", "description"))
    parallelism: Int = None
    # The IDs of the steps that feed this one.
    inputs: tuple[str, ...] = ()
    # Other plain fields of a plan item whose shape we do not know, as (key, value) text.
    details: tuple[tuple[str, str], ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _read_item(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return {}
        item = {key: mask_secrets(v) if isinstance(v, str) else v for key, v in data.items()}
        item["inputs"] = _inputs(data.get("predecessors", data.get("inputs")))
        item["details"] = tuple(
            (str(key), mask_secrets(str(value)))
            for key, value in data.items()
            if key not in _STEP_KEYS
            and key not in ("predecessors", "inputs")
            and isinstance(value, str | int | float | bool)
        )[:MAX_DETAILS]
        return item


class ExecutionPlan(BaseModel):
    """A job's execution plan as CS or DLI describe it, every field optional."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    service: Literal["cs", "dli"] = "cs"
    job_id: Int = None
    # CS: the operators of the plan, in the order the API lists them.
    steps: tuple[PlanStep, ...] = ()
    # DLI: the running Flink job's ID, name, state (Flink's JobStatus) and times.
    flink_job_id: Str = Field(None, validation_alias=AliasChoices("jid", "flink_job_id"))
    name: Str = None
    state: Str = None
    stoppable: Bool = Field(None, validation_alias=AliasChoices("isStoppable", "stoppable"))
    start_time: Int = Field(None, validation_alias=AliasChoices("start-time", "start_time"))
    end_time: Int = Field(None, validation_alias=AliasChoices("end-time", "end_time"))
    duration_ms: Int = Field(None, validation_alias=AliasChoices("duration", "duration_ms"))
    # The plan text, cut to RAW_LIMIT, when it was not JSON we could read.
    raw: Str = None

    @model_validator(mode="before")
    @classmethod
    def _mask_and_clean(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return {}
        clean = {key: mask_secrets(v) if isinstance(v, str) else v for key, v in data.items()}
        # Flink says -1 for "not yet" (a running job has no end time).
        for key in ("start-time", "end-time", "duration"):
            value = clean.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value < 0:
                clean[key] = None
        return clean

    @property
    def is_empty(self) -> bool:
        """Say whether the API gave nothing to show."""
        return not self.steps and self.raw is None and self.state is None


def cs_plan(job_id: int, items: Any) -> ExecutionPlan:
    """Read CS's `execute_plan_items` (a JSON string; tolerate it already decoded)."""
    if items is None or (isinstance(items, str) and not items.strip()):
        return ExecutionPlan(service="cs", job_id=job_id)
    parsed = items
    if isinstance(items, str):
        try:
            parsed = json.loads(items)
        except ValueError:
            return _raw_plan(job_id, items)
    if isinstance(parsed, dict):
        nodes = parsed.get("nodes")
        parsed = nodes if isinstance(nodes, list) else [parsed]
    if not isinstance(parsed, list):
        return _raw_plan(job_id, items if isinstance(items, str) else json.dumps(items))
    steps = tuple(PlanStep.model_validate(item) for item in parsed[:MAX_STEPS])
    return ExecutionPlan(service="cs", job_id=job_id, steps=steps)


def dli_plan(job_id: int, graph: dict[str, Any]) -> ExecutionPlan:
    """Read DLI's `execute_graph` object."""
    return ExecutionPlan.model_validate({**graph, "service": "dli", "job_id": job_id})


def _raw_plan(job_id: int, text: str) -> ExecutionPlan:
    # Mask before cutting, so a cut never leaves half a secret where the masker misses it.
    masked = mask_secrets(text[: 2 * RAW_LIMIT])
    cut = masked if len(masked) <= RAW_LIMIT else masked[:RAW_LIMIT] + " …"
    return ExecutionPlan(service="cs", job_id=job_id, raw=cut)


def _inputs(value: Any) -> tuple[str, ...]:
    # Flink writes predecessors as [{"id": 1, "ship_strategy": ...}]; take plain IDs too.
    if not isinstance(value, list):
        return ()
    found: list[str] = []
    for entry in value:
        ident = entry.get("id") if isinstance(entry, dict) else entry
        if isinstance(ident, str | int) and not isinstance(ident, bool):
            found.append(str(ident))
    return tuple(found)
