"""Words and signs for the API's machine values: statuses, job types, run modes, health."""

from __future__ import annotations

from bot.jobs.models import Health, Job

# Machine status -> what a person reads. The English names follow the console's labels as
# the reference infers them from the DLI ZH names.
STATUS_LABELS: dict[str, str] = {
    "job_init": "Draft",
    "job_submitting": "Submitting",
    "job_submit_fail": "Submission failed",
    "job_running": "Running",
    "job_running_exception": "Running exception",
    "job_downloading": "Downloading",
    "job_idle": "Idle",
    "job_canceling": "Stopping",
    "job_cancel_success": "Stopped",
    "job_cancel_fail": "Stopping failed",
    "job_savepointing": "Creating savepoint",
    "job_arrearage_stopped": "Stopped due to arrears",
    "job_arrearage_recovering": "Restoring (recharged jobs)",
    "job_finish": "Finished",
}

JOB_TYPES: dict[str, str] = {
    "flink_sql_job": "Flink SQL",
    "flink_opensource_sql_job": "Flink OpenSource SQL",
    "flink_sql_edge_job": "Flink SQL (edge)",
    "flink_jar_job": "Flink JAR",
    "spark_streaming_jar_job": "Spark Streaming JAR",
}

RUN_MODES: dict[str, str] = {
    "shared_cluster": "Shared cluster",
    "exclusive_cluster": "Exclusive cluster",
    "edge_node": "Edge node",
}

CHECKPOINT_MODES: dict[str, str] = {
    "exactly_once": "exactly once",
    "at_least_once": "at least once",
}

HEALTH_EMOJI: dict[Health, str] = {
    Health.GOOD: ":large_green_circle:",
    Health.BUSY: ":large_blue_circle:",
    Health.BAD: ":red_circle:",
    Health.IDLE: ":white_circle:",
    Health.UNKNOWN: ":grey_question:",
}
# Plain-text twins of the emoji, for the header (it cannot hold mrkdwn) and for terminals.
HEALTH_SIGN: dict[Health, str] = {
    Health.GOOD: "🟢",
    Health.BUSY: "🔵",
    Health.BAD: "🔴",
    Health.IDLE: "⚪",
    Health.UNKNOWN: "❔",
}


def humanize(code: str) -> str:
    """Turn an unknown machine value like `job_new_state` into `New state`."""
    words = code.removeprefix("job_").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else "Unknown"


def status_word(status: str | None) -> str:
    """Return a status as a person reads it, with a fallback for unknown values."""
    if status is None:
        return "Unknown status"
    return STATUS_LABELS.get(status) or humanize(status)


def status_label(job: Job) -> str:
    """Return the job's status as a person reads it."""
    return status_word(job.status)


def job_type_label(job: Job) -> str | None:
    """Return the job type in words."""
    if job.job_type is None:
        return None
    return JOB_TYPES.get(job.job_type, humanize(job.job_type))


def run_mode_label(job: Job) -> str | None:
    """Return the run mode in words."""
    if job.run_mode is None:
        return None
    return RUN_MODES.get(job.run_mode, humanize(job.run_mode))
