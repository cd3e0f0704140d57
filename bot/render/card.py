"""The job card: a Job as Block Kit, with a plain-text fallback. Pure functions, no I/O."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.jobs.models import Health, Job, from_millis
from bot.render.blocks import (
    Message,
    actions_block,
    button,
    context_block,
    field,
    header_block,
    section_block,
)
from bot.render.ids import ActionId, BlockId
from bot.render.labels import (
    CHECKPOINT_MODES,
    HEALTH_EMOJI,
    HEALTH_SIGN,
    job_type_label,
    run_mode_label,
    status_label,
)
from bot.render.refs import JobRef, WatchRef
from bot.render.resources import (
    checkpoint_path_text,
    resources_text,
    restarts_text,
    savepoint_text,
)
from bot.render.text import code, code_block, date_token, duration, escape, fit

SQL_PREVIEW_LINES = 15
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
HEADER_LIMIT = 150


def job_title(job: Job, job_id: int) -> str:
    """Return the job's name, or a stand-in when the API gave none."""
    return job.name.strip() if job.name and job.name.strip() else f"Job {job_id}"


def notification_text(job: Job, job_id: int) -> str:
    """Return the one-line fallback shown in notifications: `Job 50320 my_job_001: Running`."""
    name = job.name.strip() if job.name and job.name.strip() else "(no name)"
    return fit(f"Job {job_id} {name}: {status_label(job)}", 300)


def build_job_card(
    job: Job, job_id: int, *, now: datetime, project: str = "", shareable: bool = False
) -> Message:
    """Build the card for a job; `now` stands in when the API sent no `current_time`.

    `shareable` adds Share, for cards only the person who asked can see.

    The Job model has already masked credential-looking values in every string it holds.
    """
    blocks: list[dict[str, Any]] = [
        header_block(f"{HEALTH_SIGN[job.health]} {job_title(job, job_id)}"),
        section_block(_status_line(job, now)),
        section_block(None, fields=_summary_fields(job, job_id, project)),
    ]
    config = _config_fields(job)
    if config:
        blocks.append(section_block(None, fields=config))
    program = _program(job)
    if program:
        blocks.append(section_block(program))
    if job.desc and job.desc.strip():
        blocks.append(context_block(fit(job.desc.strip(), FIELD_LIMIT)))
    ref = JobRef(job_id=job_id, project=project).to_value()
    actions = [
        button("Refresh", ActionId.JOB_REFRESH, ref),
        button("Watch", ActionId.JOB_WATCH, WatchRef(job_id=job_id, project=project).to_value()),
        button("Plan", ActionId.JOB_PLAN, ref),
        button("Details", ActionId.JOB_MORE, ref),
    ]
    if shareable:
        actions.append(button("Share", ActionId.JOB_SHARE, ref))
    blocks.append(actions_block(BlockId.JOB_ACTIONS, actions))
    text = notification_text(job, job_id)
    return Message(text=f"{fit(project, 40)}: {text}" if project else text, blocks=blocks)


def _status_line(job: Job, now: datetime) -> str:
    line = f"{HEALTH_EMOJI[job.health]} *{escape(status_label(job))}*"
    # A status we do not know is shown in words and as the API spelled it, to look it up.
    if job.status and job.status.strip() and job.health is Health.UNKNOWN:
        line += f" ({code(job.status)})"
    started = from_millis(job.start_time)
    if job.is_running and started:
        until = from_millis(job.current_time) or now
        line += f" for {duration((until - started).total_seconds())}"
    if job.status_desc and job.status_desc.strip():
        line += "\n" + fit(job.status_desc.strip(), 2000)
    return fit(line, SECTION_LIMIT, render=lambda s: s)


def _summary_fields(job: Job, job_id: int, project: str) -> list[str]:
    place = "Queue" if job.service == "dli" else "Cluster"
    fields = [field("Job ID", code(str(job_id)))]
    if project:
        fields.append(field("Project", code(project)))
    if type_label := job_type_label(job):
        if job.flink_version and job.flink_version.strip():
            type_label += f", Flink {job.flink_version.strip()[:40]}"
        fields.append(field("Type", escape(type_label)))
    if mode_label := run_mode_label(job):
        fields.append(field("Run mode", escape(mode_label)))
    if job.cluster:
        fields.append(field(place, code(job.cluster)))
    for label, millis in (
        ("Created", job.create_time),
        ("Started", job.start_time),
        ("Last updated", job.update_time),
    ):
        moment = from_millis(millis)
        if moment:
            fields.append(field(label, date_token(moment)))
    resources = resources_text(job)
    if resources:
        fields.append(field("Resources", resources))
    return fields[:10]


def _config_fields(job: Job) -> list[str]:
    fields = []
    if job.checkpoint_enabled is not None:
        if job.checkpoint_enabled:
            parts = ["On"]
            if job.checkpoint_mode:
                parts.append(CHECKPOINT_MODES.get(job.checkpoint_mode, job.checkpoint_mode))
            if job.checkpoint_interval:
                parts.append(f"every {duration(job.checkpoint_interval)}")
            text = escape(", ".join(parts))
            if path := checkpoint_path_text(job):
                text += f", to {path}"
            fields.append(field("Checkpointing", text))
        else:
            fields.append(field("Checkpointing", "Off"))
    if job.log_enabled is not None:
        logging = "On" if job.log_enabled else "Off"
        if job.log_enabled and job.obs_bucket:
            logging += f", OBS bucket {code(job.obs_bucket)}"
        fields.append(field("Logging", fit(logging, FIELD_LIMIT - 20, render=lambda s: s)))
    if job.smn_topic:
        fields.append(field("Alarm topic (SMN)", code(job.smn_topic)))
    if job.edge_group_ids:
        groups = ", ".join(job.edge_group_ids)
        fields.append(field("Edge groups", fit(groups, FIELD_LIMIT - 20, render=code)))
    if job.root_id and job.root_id > 0:
        fields.append(field("Root job", code(str(job.root_id))))
    if restarts := restarts_text(job):
        fields.append(field("Restarts", restarts))
    if savepoint := savepoint_text(job):
        fields.append(field("Savepoint", savepoint))
    return fields[:10]


def _program(job: Job) -> str | None:
    if job.is_jar:
        lines = []
        if job.jar:
            lines.append(f"*JAR* {fit(job.jar, 500, render=code)}")
        if job.main_class:
            lines.append(f"*Main class* {fit(job.main_class, 300, render=code)}")
        if job.args and job.args.strip():
            lines.append(f"*Arguments* {fit(job.args.strip(), 1500, render=code)}")
        return "\n".join(lines) or None
    if job.sql_body and job.sql_body.strip():
        sql = job.sql_body.strip()
        lines = sql.splitlines()
        preview = "\n".join(lines[:SQL_PREVIEW_LINES])
        if len(lines) > SQL_PREVIEW_LINES:
            preview += f"\n… ({len(lines) - SQL_PREVIEW_LINES} more lines)"
        return "*SQL*\n" + fit(preview, SECTION_LIMIT - 10, render=code_block)
    return None
