"""A job's execution plan as a readable outline, cut to Block Kit's limits. Pure."""

from __future__ import annotations

from datetime import datetime

from bot.jobs.models import from_millis
from bot.jobs.plan import ExecutionPlan, PlanStep
from bot.render.blocks import Block, Message, context_block, header_block, section_block
from bot.render.text import code, code_block, date_token, duration, escape, fit

SECTION_LIMIT = 3000
# Slack takes 50 blocks: the header, the summary, up to this many step sections, the marker.
MAX_STEP_BLOCKS = 45
STEP_LIMIT = 600


def _step_line(number: int, step: PlanStep) -> str:
    title = fit(step.name or step.kind or f"step {step.id or number}", 200)
    parts = [f"*{number}. {title}*"]
    kind = " / ".join(escape(v) for v in (step.kind, step.role) if v and v != step.name)
    if kind:
        parts.append(fit(kind, 150, render=lambda s: s))
    if step.parallelism:
        parts.append(f"parallelism {step.parallelism}")
    if step.inputs:
        parts.append("from " + fit(", ".join(step.inputs), 100, render=code))
    details = ", ".join(f"{key} {value}" for key, value in step.details[:5])
    if details:
        parts.append(fit(details, 200))
    return fit(" · ".join(parts), STEP_LIMIT, render=lambda s: s)


def _pack(lines: list[str]) -> tuple[list[Block], int]:
    """Pack lines into sections; return the blocks and how many lines fit."""
    blocks: list[Block] = []
    current: list[str] = []
    size = 0
    used = 0
    for line in lines:
        if current and size + len(line) + 1 > SECTION_LIMIT:
            if len(blocks) + 1 >= MAX_STEP_BLOCKS:
                break
            blocks.append(section_block("\n".join(current)))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
        used += 1
    if current:
        blocks.append(section_block("\n".join(current)))
    return blocks, used


def _dli_summary(plan: ExecutionPlan, now: datetime) -> str:
    lines = []
    if plan.state:
        lines.append(f"*State* {escape(plan.state)}")
    if plan.name:
        lines.append(f"*Flink job* {fit(plan.name, 200)}")
    if plan.flink_job_id:
        lines.append(f"*Flink job ID* {fit(plan.flink_job_id, 100, render=code)}")
    started = from_millis(plan.start_time)
    if started:
        lines.append(f"*Started* {date_token(started)}")
    ended = from_millis(plan.end_time)
    if ended:
        lines.append(f"*Ended* {date_token(ended)}")
    if plan.duration_ms is not None:
        lines.append(f"*Duration* {duration(plan.duration_ms / 1000)}")
    if plan.stoppable is not None:
        lines.append(f"*Stoppable* {'yes' if plan.stoppable else 'no'}")
    return "\n".join(lines)


def plan_message(plan: ExecutionPlan, job_id: int, *, now: datetime, project: str = "") -> Message:
    """Render the plan: DLI's graph summary, CS's operators in order, or the raw text."""
    shown_id = f"{project}:{job_id}" if project else str(job_id)
    blocks: list[Block] = [header_block(f"Execution plan of job {shown_id}")]
    text = f"Execution plan of job {shown_id}"
    if plan.is_empty:
        blocks.append(
            section_block(
                f"The job API has no execution plan for job {code(shown_id)}: a job that is "
                "not running (or never ran) may have none."
            )
        )
        return Message(text=text + ": none", blocks=blocks)
    summary = _dli_summary(plan, now)
    if summary:
        blocks.append(section_block(fit(summary, SECTION_LIMIT, render=lambda s: s)))
    if plan.steps:
        count = len(plan.steps)
        blocks.append(context_block(f"{count} operator{'s' if count != 1 else ''}, in plan order"))
        lines = [_step_line(n, step) for n, step in enumerate(plan.steps, start=1)]
        step_blocks, used = _pack(lines)
        blocks += step_blocks
        if used < count:
            blocks.append(
                context_block(
                    f"… {count - used} more operators cut to fit one Slack message "
                    f"(shown: 1-{used} of {count})."
                )
            )
    if plan.raw:
        blocks.append(section_block(fit(plan.raw, SECTION_LIMIT - 10, render=code_block)))
    return Message(text=text, blocks=blocks)
