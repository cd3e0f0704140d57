"""A job's configuration in words: every field the API sent, labelled for a person. Pure."""

from __future__ import annotations

from typing import Any

from bot.render.labels import CHECKPOINT_MODES
from bot.render.text import code, duration, escape, fit

# Fields shown in their own place in the Details modal, not among the configuration.
SHOWN_ELSEWHERE = {"edge_group_ids", "checkpoint_path", "savepoint_path"}

# job_config fields of CS (CS-SDK JobConfig) and DLI (SDK-DLI FlinkJobConfig) in words.
LABELS: dict[str, str] = {
    "checkpoint_enabled": "Checkpointing",
    "checkpoint_mode": "Checkpoint mode",
    "checkpoint_interval": "Checkpoint interval",
    "log_enabled": "Logging",
    "obs_bucket": "OBS bucket",
    "smn_topic": "Alarm topic (SMN)",
    "root_id": "Root job",
    "manager_spu": "SPUs of the job manager",
    "spu_number": "SPUs",
    "manager_cu_number": "CUs of the job manager",
    "cu_number": "CUs",
    "parallel_number": "Parallelism",
    "restart_when_exception": "Restart on exception",
    "idle_state_retention": "Idle state retention",
    "udf_jar_url": "UDF JAR",
    "dirty_data_strategy": "Dirty data",
    "entrypoint": "Entry point JAR",
    "dependency_jars": "Dependency JARs",
    "dependency_files": "Dependency files",
    "executor_number": "Executors",
    "executor_cu_number": "CUs per executor",
    "execution_agency_urn": "Agency",
    "resume_checkpoint": "Resume from checkpoint",
    "runtime_config": "Runtime configuration",
    "flink_log_config": "Flink log configuration",
    "graph_editor_enabled": "Graph editor",
    "graph_editor_data": "Graph editor data",
    "resume_max_num": "Most automatic restarts",
    "config_url": "Configuration file",
    "tm_cus": "CUs per TaskManager",
    "tm_slot_num": "Slots per TaskManager",
    "image": "Custom image",
    "feature": "Feature",
    "flink_version": "Flink version",
    "operator_config": "Operator configuration",
    "static_estimator_config": "Static estimator configuration",
    "real_cu_number": "CUs in use",
    "resource_config": "Resources",
    "resource_config_version": "Resource configuration version",
    "max_slot": "Slots per TaskManager",
    "jobmanager_resource_spec": "Job manager resources",
    "taskmanager_resource_spec": "TaskManager resources",
    "cpu": "CPU",
    "memory": "Memory",
}
ON_OFF = {"checkpoint_enabled", "log_enabled", "graph_editor_enabled"}
SECONDS = {"checkpoint_interval"}
# DLI: "0" ignores dirty data, "1" stops the job, "2:obsDir" saves it to an OBS directory.
DIRTY_DATA = {"0": "Ignore it", "1": "Stop the job"}
FIELD_LIMIT = 2000
NESTED_LIMIT = 1500


def label(key: str) -> str:
    """Return a field's name in words (unknown fields: their own name, made readable)."""
    return LABELS.get(key) or (key.replace("_", " ").replace("-", " ").strip().capitalize() or "?")


def value_words(key: str, value: Any) -> str:
    """Return a field's value as ready mrkdwn."""
    if value is None or value == "" or value == [] or value == {}:
        return "_not set_"
    if isinstance(value, bool):
        return ("On" if value else "Off") if key in ON_OFF else ("Yes" if value else "No")
    if key in SECONDS and isinstance(value, int | float):
        return escape(duration(value)) if value > 0 else "_not set_"
    if key == "checkpoint_mode" and isinstance(value, str):
        return escape(CHECKPOINT_MODES.get(value, value))
    if key == "dirty_data_strategy" and isinstance(value, str):
        if value.startswith("2:"):
            return "Save it to " + fit(value[2:], 500, render=code)
        return escape(DIRTY_DATA.get(value, value))
    if key == "resume_max_num" and isinstance(value, int) and not isinstance(value, bool):
        # Restarts per hour; -1 is DLI's "no limit".
        return "No limit" if value < 0 else f"{value} an hour"
    if isinstance(value, int | float):
        return escape(str(value))
    if isinstance(value, str):
        return fit(value, NESTED_LIMIT, render=code)
    return fit(_nested(value), NESTED_LIMIT)


def _nested(value: Any) -> str:
    # A nested object (DLI's resource_config) read as `Label: value` pairs, plain text.
    if isinstance(value, dict):
        return "; ".join(f"{label(str(k))}: {_nested(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_nested(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def config_fields(config: dict[str, Any]) -> list[str]:
    """Return one `*Label*` over value field per configuration field, in the API's order."""
    fields = []
    for key, value in config.items():
        if key in SHOWN_ELSEWHERE:
            continue
        head = f"*{fit(label(key), 100)}*\n"
        fields.append(head + fit(value_words(key, value), FIELD_LIMIT - len(head), render=str))
    return fields
