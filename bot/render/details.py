"""The Details modal: everything the card leaves out, in pages. Pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Sequence

from bot.jobs.models import Job
from bot.jobs.plan import ExecutionPlan
from bot.render.blocks import Block, Message, actions_block, button, context_block, section_block
from bot.render.card import job_title
from bot.render.config import config_fields
from bot.render.ids import ActionId, BlockId, ViewId
from bot.render.labels import HEALTH_EMOJI, status_label
from bot.render.refs import DetailsPageRef
from bot.render.text import code, code_block, duration, escape, fit
from bot.render.views import View, header, loading_view, modal

SECTION_LIMIT = 3000
# One page holds at most this much text and this many blocks, far inside a modal's 100
# blocks; the program (SQL or arguments) flows on to further pages.
PAGE_CHARS = 12_000
PAGE_BLOCKS = 40
MAX_PAGES = 50
CHUNK_LIMIT = 2_900
PLAN_STEPS = 15


def broken_details(command: str) -> Message:
    """Say a Details button did not carry a job we can show."""
    text = (
        ":thinking_face: That Details button does not say which job to show. "
        f"Ask for a fresh card with `{escape(command)} 50320`."
    )
    return Message(text=text.replace("`", ""), blocks=[section_block(text)])


def details_title(job_id: int) -> str:
    """Return the modal's title (Slack allows 24 characters; a job ID has at most 19 digits)."""
    return f"Job {job_id}"


def details_loading(ref: DetailsPageRef) -> View:
    """Return the modal shown while the job is fetched."""
    return loading_view(
        details_title(ref.job_id),
        f"Fetching the details of job {code(str(ref.job_id))}…",
        callback_id=ViewId.JOB_MORE,
        private_metadata=ref.to_value(),
    )


def details_error(ref: DetailsPageRef, message: Message) -> View:
    """Return the modal that says why the details could not be shown (its text blocks only)."""
    # Buttons of the error message (Try again) answer through a response_url, which a
    # modal does not have: the reader closes the modal and clicks Details again.
    blocks = [b for b in message.blocks if b.get("type") in {"section", "context"}]
    return modal(
        details_title(ref.job_id),
        blocks,
        callback_id=ViewId.JOB_MORE,
        private_metadata=ref.to_value(),
    )


def details_view(job: Job, ref: DetailsPageRef, *, plan: Sequence[str] = ()) -> View:
    """Return one page of a job's Details modal, with Previous/Next when there are several."""
    pages = details_pages(job, ref.job_id, plan=plan)
    page = min(ref.page, len(pages) - 1)
    blocks = list(pages[page])
    if len(pages) > 1:
        blocks.append(context_block(f"Page {page + 1} of {len(pages)}"))
        nav = []
        if page > 0:
            back = DetailsPageRef(job_id=ref.job_id, project=ref.project, page=page - 1)
            nav.append(button("Previous", ActionId.JOB_MORE_PREVIOUS, back.to_value()))
        if page < len(pages) - 1:
            on = DetailsPageRef(job_id=ref.job_id, project=ref.project, page=page + 1)
            nav.append(button("Next", ActionId.JOB_MORE_NEXT, on.to_value(), style="primary"))
        blocks.append(actions_block(BlockId.DETAILS_PAGES, nav))
    shown = DetailsPageRef(job_id=ref.job_id, project=ref.project, page=page)
    return modal(
        details_title(ref.job_id),
        blocks,
        callback_id=ViewId.JOB_MORE,
        private_metadata=shown.to_value(),
    )


def details_pages(job: Job, job_id: int, *, plan: Sequence[str] = ()) -> list[list[Block]]:
    """Lay the details out in pages: the overview first, then the program as it flows."""
    blocks = _overview(job, job_id) + _plan(plan) + _program(job)
    pages: list[list[Block]] = [[]]
    size = 0
    for index, block in enumerate(blocks):
        length = _text_size(block)
        if pages[-1] and (size + length > PAGE_CHARS or len(pages[-1]) >= PAGE_BLOCKS):
            if len(pages) == MAX_PAGES:
                left = len(blocks) - index
                pages[-1].append(context_block(f"… {left} more parts are not shown (cut)."))
                break
            # A header never ends a page: it moves to the next one with what it heads.
            moved = [pages[-1].pop()] if pages[-1][-1].get("type") == "header" else []
            pages.append(moved)
            size = sum(_text_size(b) for b in moved)
        pages[-1].append(block)
        size += length
    return pages


def _text_size(block: Block) -> int:
    text = block.get("text")
    size = len(text["text"]) if isinstance(text, dict) else 0
    return size + sum(len(f["text"]) for f in block.get("fields", []))


def _overview(job: Job, job_id: int) -> list[Block]:
    title = f"{HEALTH_EMOJI[job.health]} *{fit(job_title(job, job_id), 500)}* {code(str(job_id))}"
    status = f"*{escape(status_label(job))}*"
    if job.status_desc and job.status_desc.strip():
        status += "\n" + fit(job.status_desc.strip(), 2000)
    blocks: list[Block] = [section_block(f"{title}\n{status}")]
    fields = config_fields(job.config)
    if fields:
        blocks.append(header("Configuration"))
        blocks += [
            section_block(None, fields=fields[i : i + 10]) for i in range(0, len(fields), 10)
        ]
    checkpoint = job.checkpoint_path or job.config.get("checkpoint_path")
    savepoint = job.savepoint_path or job.config.get("savepoint_path")
    blocks += [
        header("Checkpoints and savepoints"),
        section_block(
            f"*Checkpoint path* {_path(checkpoint)}\n*Savepoint path* {_path(savepoint)}"
        ),
    ]
    if job.edge_group_ids:
        groups = "\n".join(f"• {code(group)}" for group in job.edge_group_ids)
        blocks += [header("Edge groups"), section_block(fit(groups, SECTION_LIMIT, render=str))]
    return blocks


def _path(value: object) -> str:
    if isinstance(value, str) and value.strip():
        return fit(value.strip(), 1200, render=code)
    return "_not set_"


def _plan(lines: Sequence[str]) -> list[Block]:
    if not lines:
        return []
    return [header("Execution plan"), section_block(fit("\n".join(lines), SECTION_LIMIT, str))]


def _program(job: Job) -> list[Block]:
    if job.is_jar:
        lines = []
        if job.jar:
            lines.append(f"*JAR* {fit(job.jar, 1000, render=code)}")
        if job.main_class:
            lines.append(f"*Main class* {fit(job.main_class, 1000, render=code)}")
        blocks: list[Block] = [header("Program")]
        if lines:
            blocks.append(section_block("\n".join(lines)))
        args = (job.args or "").strip()
        if args:
            blocks += _code_parts("Arguments", args)
        return blocks if len(blocks) > 1 else []
    sql = (job.sql_body or "").strip()
    if not sql:
        return []
    return [header("SQL"), *_code_parts("SQL", sql)]


def _code_parts(name: str, text: str) -> list[Block]:
    """Return the text in code blocks of at most ~3,000 characters, numbered when several."""
    parts = chunks(text, CHUNK_LIMIT)
    if len(parts) == 1:
        return [section_block(code_block(parts[0]))]
    return [
        section_block(f"_{name}, part {n} of {len(parts)}_\n{code_block(part)}")
        for n, part in enumerate(parts, start=1)
    ]


def chunks(text: str, limit: int) -> list[str]:
    """Split text at line ends into pieces whose code block fits in `limit` characters."""
    pieces: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        if len(code_block(current + line)) <= limit:
            current += line
            continue
        if current:
            pieces.append(current)
            current = ""
        while len(code_block(line)) > limit:
            cut = _longest_prefix(line, limit)
            pieces.append(line[:cut])
            line = line[cut:]
        current = line
    if current:
        pieces.append(current)
    return [piece.rstrip("\n") or " " for piece in pieces]


def _longest_prefix(line: str, limit: int) -> int:
    # Escaping makes some characters longer; find by bisection how many fit.
    low, high = 1, len(line)
    while low < high:
        middle = (low + high + 1) // 2
        if len(code_block(line[:middle])) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def plan_summary(plan: ExecutionPlan | None) -> list[str]:
    """Summarise an execution plan in a few mrkdwn lines (empty when there is none)."""
    if plan is None or plan.is_empty:
        return []
    lines = []
    if plan.state:
        lines.append(f"*Flink state* {escape(plan.state.title())}")
    if plan.flink_job_id:
        lines.append(f"*Flink job ID* {fit(plan.flink_job_id, 100, render=code)}")
    if plan.duration_ms:
        lines.append(f"*Running for* {escape(duration(plan.duration_ms / 1000))}")
    if plan.steps:
        lines.append(f"*Operators* {len(plan.steps)}")
        for step in plan.steps[:PLAN_STEPS]:
            name = fit(step.name or step.kind or step.id or "?", 150)
            parallel = f" (parallelism {step.parallelism})" if step.parallelism else ""
            lines.append(f"• {name}{parallel}")
        if len(plan.steps) > PLAN_STEPS:
            lines.append(f"… and {len(plan.steps) - PLAN_STEPS} more")
    if plan.raw:
        lines.append(fit(plan.raw, 1500, render=code))
    return lines
