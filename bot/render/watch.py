"""Watch messages: the parent card, the replies in its thread, `/job watching`. Pure."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.jobs.models import STATUS_HEALTH, Health
from bot.render.blocks import (
    Block,
    Message,
    actions_block,
    button,
    context_block,
    header_block,
    section_block,
)
from bot.render.ids import ActionId, BlockId
from bot.render.labels import HEALTH_EMOJI, HEALTH_SIGN, status_word
from bot.render.refs import WatchRef
from bot.render.text import code, date_token, duration, escape, fit

# Why a watch ended, as the last reply says it.
END_REASONS = {
    "unwatched": "{who} stopped watching this job.",
    "expired": (
        "This watch ran for {days} days, the most a watch lasts. Watch the job again to go on."
    ),
    "final": "The job reached a final state, so this watch has ended.",
    "gone": "The job no longer exists, so this watch has ended.",
}


status_label = status_word


def status_health(status: str | None) -> Health:
    """Return how healthy a status looks."""
    return STATUS_HEALTH.get(status or "", Health.UNKNOWN)


def _when(epoch: float) -> str:
    return date_token(datetime.fromtimestamp(epoch, UTC))


def job_name_of(project: str, job_id: int, job_name: str) -> str:
    """Name a job for a line of text: `my_job_001 (job 50320)`, with its project if any."""
    where = f"{project}:{job_id}" if project else str(job_id)
    return f"{job_name} (job {where})" if job_name else f"job {where}"


def unwatch_button(project: str, job_id: int) -> Block:
    """Return the Unwatch button for a watched job."""
    ref = WatchRef(project=project, job_id=job_id)
    return button("Unwatch", ActionId.JOB_UNWATCH, ref.to_value())


def parent_card(
    *,
    project: str,
    job_id: int,
    job_name: str,
    status: str | None,
    status_desc: str,
    restart_times: int,
    status_since: float,
    started_by: str,
    expires_at: float,
    ended: str | None = None,
) -> Message:
    """Build the watch's parent card: the latest state, who started it, Unwatch while live."""
    health = status_health(status)
    label = status_label(status)
    title = job_name_of(project, job_id, job_name)
    line = f"{HEALTH_EMOJI[health]} *{escape(label)}* since {_when(status_since)}"
    if status_desc:
        line += "\n" + fit(status_desc, 1500)
    if restart_times:
        line += f"\nRestarts: {restart_times}"
    blocks: list[Block] = [
        header_block(f"{HEALTH_SIGN[health]} Watching {title}"),
        section_block(line),
    ]
    if ended is None:
        blocks.append(
            context_block(
                f"Watch started by <@{escape(started_by)}>; changes are posted in this thread "
                f"until the job ends, or until {_when(expires_at)}."
            )
        )
        blocks.append(actions_block(BlockId.WATCH_ACTIONS, [unwatch_button(project, job_id)]))
    else:
        blocks.append(context_block(f"Watch started by <@{escape(started_by)}>. {ended}"))
    return Message(text=fit(f"Watching {title}: {label}", 300), blocks=blocks)


def change_reply(
    *,
    kind: str,
    from_status: str | None,
    to_status: str | None,
    status_desc: str,
    restart_times: int,
    previous_since: float | None,
    observed_at: float,
    final: bool,
) -> Message:
    """Build a thread reply: `Running → Running exception after 3 h 12 min`."""
    health = status_health(to_status)
    if kind == "restart":
        head = f"{escape(status_label(to_status))}: the job restarted (restart {restart_times})"
    else:
        head = f"{escape(status_label(from_status))} → {escape(status_label(to_status))}"
        if previous_since is not None:
            head += f" after {duration(observed_at - previous_since)}"
    lines = [f"{HEALTH_EMOJI[health]} *{head}*"]
    if status_desc:
        lines.append(fit(status_desc, 1500))
    details = [f"seen {_when(observed_at)}"]
    if restart_times and kind != "restart":
        details.append(f"restarts: {restart_times}")
    blocks = [section_block("\n".join(lines)), context_block(" · ".join(details))]
    if final:
        blocks.append(context_block(END_REASONS["final"]))
    return Message(text=head.replace("*", ""), blocks=blocks)


def ended_reply(reason: str, *, who: str = "", days: int = 7) -> Message:
    """Build the last reply of a watch that ended for `reason`."""
    who_text = f"<@{escape(who)}>" if who else "Someone"
    text = END_REASONS.get(reason, "This watch has ended.").format(who=who_text, days=days)
    return Message(text=text, blocks=[section_block(f":wave: {text}")])


def unreadable_reply(minutes: int, error: str) -> Message:
    """Say once that the job could not be read for a while."""
    text = (
        f":warning: I could not read this job for {minutes} minutes ({escape(error)}). "
        "I keep trying and will say when it works again."
    )
    return Message(text=text, blocks=[section_block(text)])


def readable_reply() -> Message:
    """Say that the job can be read again."""
    text = ":white_check_mark: I can read this job again; changes will be posted here."
    return Message(text=text, blocks=[section_block(text)])


def watching_list(views: list[tuple[str, int, str, str | None, float, str]]) -> Message:
    """List a channel's watches: (project, job ID, name, status, since, started by) each."""
    if not views:
        text = "No job is watched in this channel. Start with `/job watch 50320`."
        return Message(text=text, blocks=[section_block(text)])
    blocks: list[Block] = [section_block(f"*Watched in this channel ({len(views)}):*")]
    for project, job_id, name, status, since, who in views[:45]:
        health = status_health(status)
        line = (
            f"{HEALTH_EMOJI[health]} *{escape(job_name_of(project, job_id, name))}*: "
            f"{escape(status_label(status))} since {_when(since)}, watched by <@{escape(who)}>"
        )
        block = section_block(fit(line, 2900, render=lambda s: s))
        block["accessory"] = unwatch_button(project, job_id)
        blocks.append(block)
    if len(views) > 45:
        blocks.append(context_block(f"…and {len(views) - 45} more."))
    return Message(text=f"{len(views)} jobs watched in this channel", blocks=blocks)


def _note(text: str) -> Message:
    return Message(text=text.replace("*", ""), blocks=[section_block(text)])


def watch_started(project: str, job_id: int, job_name: str) -> Message:
    """Tell the user the watch started (the parent card is in the channel)."""
    return _note(f":eyes: Watching *{escape(job_name_of(project, job_id, job_name))}* here.")


def already_watched(project: str, job_id: int, job_name: str, link: str | None) -> Message:
    """Point to the thread of the watch that already exists."""
    where = f"<{link}|in this thread>" if link else "in this channel"
    name = escape(job_name_of(project, job_id, job_name))
    return _note(f":eyes: *{name}* is already watched {where}.")


def watch_limit(limit: int) -> Message:
    """Say that the channel holds as many watches as it may."""
    return _note(
        f":no_entry: This channel already watches {limit} jobs, the most it may "
        "(`JOBBOT_WATCH_MAX_PER_CHANNEL`). Unwatch one first; `/job watching` lists them."
    )


def not_watched(project: str, job_id: int) -> Message:
    """Say that there is nothing to unwatch."""
    return _note(
        f":information_source: {code(job_name_of(project, job_id, ''))} is not watched here."
    )


def unwatched(project: str, job_id: int, job_name: str) -> Message:
    """Confirm the watch ended."""
    return _note(f":wave: Stopped watching *{escape(job_name_of(project, job_id, job_name))}*.")


def broken_watch_button() -> Message:
    """Say that a Watch/Unwatch button did not carry a job we know."""
    return _note(
        ":thinking_face: That button does not say which watched job it is about, so I changed "
        "nothing. `/job watching` lists this channel's watches with working buttons."
    )


def cannot_post_here(channel_id: str, error: str) -> Message:
    """Say that the parent card could not be posted, so nothing is watched."""
    where = f"<#{channel_id}>" if channel_id.isalnum() else "this channel"
    if error in {"not_in_channel", "channel_not_found", "is_archived"}:
        return _note(
            f":information_source: I can't post in {where}, so I can't watch jobs there. "
            "Invite me with `/invite @jobbot` and try again."
        )
    return _note(
        f":warning: Slack did not take the watch card ({code(error)}), so nothing is "
        "watched. Try again in a moment."
    )
