"""Lists of jobs: a page of `/job list`, and the jobs a name lookup found. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.jobs.models import Job, from_millis
from bot.render.blocks import Block, Message, actions_block, button, section_block
from bot.render.card import job_title
from bot.render.ids import ActionId, BlockId
from bot.render.labels import HEALTH_EMOJI, status_label
from bot.render.refs import JobRef, ListRef
from bot.render.text import code, date_token, escape, fit

NAME_LIMIT = 80
SECTION_LIMIT = 3000
# Slack takes 50 blocks; a list keeps room for its header, footer and buttons.
MAX_LINE_BLOCKS = 44


def job_line(job: Job) -> str:
    """Return one line for a job: health, name, ID, status in words and since when."""
    job_id = job.job_id or 0
    name = fit(job_title(job, job_id), NAME_LIMIT)
    line = f"{HEALTH_EMOJI[job.health]} *{name}* {code(str(job_id))} · {escape(status_label(job))}"
    since = from_millis(job.start_time if job.is_running else None) or from_millis(
        job.update_time or job.create_time
    )
    if since is not None:
        line += f" since {date_token(since)}"
    return line


def _sections(lines: Sequence[str], limit: int = MAX_LINE_BLOCKS) -> list[Block]:
    """Pack lines into as few sections as fit, each within Slack's 3000 characters."""
    blocks: list[Block] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and size + len(line) + 1 > SECTION_LIMIT:
            blocks.append(section_block("\n".join(current)))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        blocks.append(section_block("\n".join(current)))
    return blocks[:limit]


@dataclass(frozen=True)
class PageView:
    """What a page of `/job list` shows, and where its neighbours are."""

    jobs: tuple[Job, ...]
    first: int  # 1-based position of the page's first job in the list
    total: int | None
    next_ref: ListRef | None
    previous_ref: ListRef | None


def list_message(view: PageView, *, title: str) -> Message:
    """Render a page of the job list with its total and Next/Previous buttons."""
    total = f" of {view.total}" if view.total is not None else ""
    if view.jobs:
        last = view.first + len(view.jobs) - 1
        if view.first == 1 and view.total == len(view.jobs):
            summary = f"{len(view.jobs)} {_counted(title, len(view.jobs))}"
        else:
            shown = f"{view.first}-{last}" if view.first > 1 else str(len(view.jobs))
            summary = f"{shown}{total} {title}"
    else:
        summary = f"No {title}"
    blocks: list[Block] = [section_block(f"*{fit(summary, 300)}*")]
    blocks += _sections([job_line(job) for job in view.jobs])
    # Both buttons are `job_list_page`, and Slack wants an action_id unique within its block:
    # each gets a block of its own.
    if view.previous_ref is not None:
        previous = button("Previous", ActionId.JOB_LIST_PAGE, view.previous_ref.to_value())
        blocks.append(actions_block(BlockId.LIST_PREVIOUS, [previous]))
    if view.next_ref is not None:
        following = button("Next", ActionId.JOB_LIST_PAGE, view.next_ref.to_value())
        blocks.append(actions_block(BlockId.LIST_NEXT, [following]))
    return Message(text=fit(summary, 300).replace("*", ""), blocks=blocks)


def _counted(title: str, count: int) -> str:
    """Say `1 running job` but `2 running jobs`."""
    return title.replace(" jobs", " job", 1) if count == 1 else title


def choices_message(heading: str, jobs: Sequence[Job], project: str) -> Message:
    """Render a short list of jobs, each with a Show button, under a heading."""
    blocks: list[Block] = [section_block(heading)]
    for job in jobs[:10]:
        ref = JobRef(job_id=job.job_id or 0, project=project)
        block = section_block(job_line(job))
        block["accessory"] = button("Show", ActionId.JOB_SHOW, ref.to_value())
        blocks.append(block)
    # The heading is ready mrkdwn, escaped once already: cut it, never escape it again.
    text = fit(heading.replace("*", ""), 300, render=lambda s: s)
    return Message(text=text, blocks=blocks)
