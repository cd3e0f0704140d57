"""The job model: one shape for a CS or DLI Flink job, whatever the wire said."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)

from bot.jobs.masking import MASK, is_secret_name, mask_secrets


def _or_none(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    # The real API leaves out fields, sends null, and sometimes the wrong type: a field we cannot
    # read is a field we do not show, never a failed lookup.
    try:
        return handler(value)
    except ValidationError:
        return None


def _number_to_str(value: Any) -> Any:
    # `user_id` is documented as a Long but sent as a hex string; take either.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _comma_list(value: Any) -> Any:
    # CS sends "id1,id2"; DLI sends ["id1", "id2"].
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_secrets(value)
    if isinstance(value, list):
        return [mask_secrets(item) if isinstance(item, str) else item for item in value]
    if isinstance(value, dict):
        # Nested objects (v2 resources) are masked too: one rule, every string.
        return {key: _masked(item) for key, item in value.items()}
    return value


def _or_empty(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    # A list field the API sent as null (or as something else) is an empty list, never None.
    if value is None:
        return ()
    try:
        return handler(value)
    except ValidationError:
        return ()


def _deep_masked(value: Any, depth: int = 0) -> Any:
    """Mask every string in a nested value, and every value under a secret-looking key."""
    if isinstance(value, str):
        return mask_secrets(value)
    if depth > 5:
        return None
    if isinstance(value, list):
        return [_deep_masked(item, depth + 1) for item in value]
    if isinstance(value, dict):
        # DLI's runtime_config is a list of {"key": name, "value": value} pairs.
        named = value.get("key", value.get("name"))
        pair_secret = isinstance(named, str) and is_secret_name(named)
        return {
            str(key): MASK
            if is_secret_name(str(key)) or (pair_secret and key == "value")
            else _deep_masked(item, depth + 1)
            for key, item in value.items()
        }
    return value


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number here")
    return value


Str = Annotated[str | None, BeforeValidator(_number_to_str), WrapValidator(_or_none)]
Int = Annotated[int | None, BeforeValidator(_not_bool), WrapValidator(_or_none)]
Bool = Annotated[bool | None, WrapValidator(_or_none)]
Float = Annotated[float | None, BeforeValidator(_not_bool), WrapValidator(_or_none)]
Ids = Annotated[tuple[str, ...], BeforeValidator(_comma_list), WrapValidator(_or_empty)]


class ResourceSpec(BaseModel):
    """CPU and memory of a JobManager or TaskManager (DLI v2 resources)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    cpu: Float = None
    # As DLI writes it, e.g. "4G".
    memory: Str = None


def _object_or_none(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    # A nested object sent as null, a string or a list is an object we do not show.
    if not isinstance(value, dict | BaseModel):
        return None
    return _or_none(value, handler)


Spec = Annotated[ResourceSpec | None, WrapValidator(_object_or_none)]


class ResourceConfig(BaseModel):
    """DLI's v2 resources (Flink 1.13+): parallelism, slots, and each manager's CPU and memory."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    max_slot: Int = None
    parallel_number: Int = None
    jobmanager: Spec = Field(None, validation_alias="jobmanager_resource_spec")
    taskmanager: Spec = Field(None, validation_alias="taskmanager_resource_spec")


Resources = Annotated[ResourceConfig | None, WrapValidator(_object_or_none)]

# Fields the CS API documents inside `job_config` but its own example sends at the top level.
_CONFIG_FIELDS = (
    "checkpoint_enabled",
    "checkpoint_mode",
    "checkpoint_interval",
    "log_enabled",
    "obs_bucket",
    "smn_topic",
    "root_id",
    "edge_group_ids",
    "manager_spu",
    "spu_number",
    "manager_cu_number",
    "cu_number",
    "parallel_number",
    "entrypoint",
    "dependency_jars",
    "dependency_files",
    "flink_version",
    "real_cu_number",
    "restart_when_exception",
    "resume_max_num",
    "checkpoint_path",
    "resource_config_version",
    "resource_config",
)


class Health(StrEnum):
    """How worried a person should be about a job, at a glance."""

    GOOD = "good"
    BUSY = "busy"
    BAD = "bad"
    IDLE = "idle"
    UNKNOWN = "unknown"


# Machine status -> health, from the status table of the CS/DLI documentation.
STATUS_HEALTH: dict[str, Health] = {
    "job_init": Health.IDLE,
    "job_submitting": Health.BUSY,
    "job_submit_fail": Health.BAD,
    "job_running": Health.GOOD,
    "job_running_exception": Health.BAD,
    "job_downloading": Health.BUSY,
    "job_idle": Health.IDLE,
    "job_canceling": Health.BUSY,
    "job_cancel_success": Health.IDLE,
    "job_cancel_fail": Health.BAD,
    "job_savepointing": Health.BUSY,
    "job_arrearage_stopped": Health.BAD,
    "job_arrearage_recovering": Health.BUSY,
    "job_finish": Health.GOOD,
}


class Job(BaseModel):
    """A Flink job as CS or DLI describe it, every field optional."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    service: Literal["cs", "dli"] = "cs"
    job_id: Int = None
    name: Str = None
    desc: Str = None
    job_type: Str = None
    status: Str = None
    status_desc: Str = None
    create_time: Int = None
    start_time: Int = None
    update_time: Int = None
    user_id: Str = None
    project_id: Str = None
    cluster: Str = Field(None, validation_alias=AliasChoices("queue_name", "cluster_id"))
    run_mode: Str = None
    sql_body: Str = None
    jar: Str = Field(None, validation_alias=AliasChoices("jar_url", "entrypoint"))
    main_class: Str = None
    args: Str = Field(None, validation_alias=AliasChoices("args", "entrypoint_args"))
    restart_times: Int = None
    checkpoint_enabled: Bool = None
    checkpoint_mode: Str = None
    checkpoint_interval: Int = None
    log_enabled: Bool = None
    obs_bucket: Str = None
    smn_topic: Str = None
    root_id: Int = None
    edge_group_ids: Ids = ()
    manager_units: Int = Field(
        None, validation_alias=AliasChoices("manager_spu", "manager_cu_number")
    )
    units: Int = Field(None, validation_alias=AliasChoices("spu_number", "cu_number"))
    parallel_number: Int = None
    # DLI: the CUs actually in use (0 means "as asked", cu_number).
    units_in_use: Int = Field(None, validation_alias=AliasChoices("real_cu_number", "units_in_use"))
    # DLI: "v2" resources are `resource_config`; "v1" (or none) are CU numbers.
    resource_config_version: Str = None
    resource_config: Resources = None
    flink_version: Str = None
    restart_when_exception: Bool = None
    # At most this many automatic restarts; -1 means no limit.
    resume_max_num: Int = None
    has_savepoint: Bool = None
    savepoint_path: Str = None
    checkpoint_path: Str = None
    dependency_jars: Ids = ()
    dependency_files: Ids = ()
    # Every configuration field the API sent (job_config, and those CS sends at the top
    # level), masked, in the API's spelling: the Details modal shows them all.
    config: dict[str, Any] = Field(default_factory=dict)
    # The moment the answer describes: CS's current_time, else the answer's Date header, else
    # when it arrived (the client fills the last two in). "Running for" is measured to this.
    current_time: Int = None

    @model_validator(mode="before")
    @classmethod
    def _lift_job_config(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return {}
        config = data.get("job_config")
        merged = dict(data)
        every = {key: data[key] for key in _CONFIG_FIELDS if data.get(key) is not None}
        if isinstance(config, dict):
            every.update(config)
            for key in _CONFIG_FIELDS:
                if config.get(key) is not None:
                    merged[key] = config[key]
        merged["config"] = _deep_masked(every)
        # Credentials can hide in any text field (a bucket URL, a name, an edge group), so
        # every string is masked here, once, before anything can show it.
        return {key: _masked(value) for key, value in merged.items() if key != "config"} | {
            "config": merged["config"]
        }

    @property
    def health(self) -> Health:
        """Return how healthy the status looks."""
        return STATUS_HEALTH.get(self.status or "", Health.UNKNOWN)

    @property
    def uses_v2_resources(self) -> bool:
        """Say whether the job's resources are DLI's v2 kind (CPU and memory, not CUs)."""
        version = (self.resource_config_version or "").strip().lower()
        return version == "v2" or (not version and self.resource_config is not None)

    @property
    def is_running(self) -> bool:
        """Say whether the job is running (its clock is ticking)."""
        return self.status in {"job_running", "job_running_exception"}

    @property
    def is_jar(self) -> bool:
        """Say whether the program is a JAR rather than SQL."""
        return bool(self.job_type and "jar" in self.job_type) or (
            self.job_type is None and bool(self.jar or self.main_class)
        )


def from_millis(value: int | None) -> datetime | None:
    """Turn epoch milliseconds into a UTC datetime; None for 0, absent or absurd values."""
    if not value or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
