"""The Home tab: watches in the person's channels, recent lookups, Look up, help. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.jobs.models import STATUS_HEALTH, Health
from bot.render.asking import help_text
from bot.render.blocks import Block, actions_block, button, context_block, section_block
from bot.render.ids import ActionId, BlockId
from bot.render.labels import HEALTH_EMOJI, status_word
from bot.render.share import channel_link
from bot.render.text import code, date_token, escape, fit
from bot.render.views import View, divider, header

# One block per watch, up to this many; the rest are summarised, within the Home tab's 100.
MAX_WATCH_BLOCKS = 40
MAX_CHANNELS_NAMED = 5


@dataclass(frozen=True)
class RecentLookup:
    """One job the person looked up, and when."""

    project: str
    job_id: int
    job_name: str
    looked_up_at: float


@dataclass(frozen=True)
class HomeWatch:
    """A live watch, with its job's last status as the database holds it."""

    project: str
    job_id: int
    job_name: str
    channel_id: str
    status: str | None
    status_since: float | None


@dataclass(frozen=True)
class HomeData:
    """Everything the Home tab shows, read without asking the job API."""

    watches: list[HomeWatch]
    recent: list[RecentLookup]


def home_view(data: HomeData, *, command: str) -> View:
    """Return the Home tab for one person."""
    blocks: list[Block] = [
        header("jobbot"),
        actions_block(
            BlockId.HOME_ACTIONS,
            [button("Look up a job", ActionId.LOOKUP_OPEN, "lookup", style="primary")],
        ),
        header("Watching in your channels"),
        *_watches(data.watches, command),
        header("Your recent lookups"),
        _recent(data.recent),
        divider(),
        *help_text(command, "ephemeral", ()).blocks,
    ]
    return {"type": "home", "blocks": blocks[:100]}


def _watches(watches: list[HomeWatch], command: str) -> list[Block]:
    if not watches:
        cmd = escape(command)
        return [
            section_block(
                "You are not watching any job in your channels. To follow one, type "
                f"`{cmd} watch 50320` in a channel jobbot is in, or press *Watch* on a card: "
                "each change of its status is then posted in a thread there."
            )
        ]
    blocks = [section_block(_watch_line(watch)) for watch in watches[:MAX_WATCH_BLOCKS]]
    rest = watches[MAX_WATCH_BLOCKS:]
    if rest:
        blocks.append(context_block(_summary(rest, command)))
    return blocks


def _watch_line(watch: HomeWatch) -> str:
    health = STATUS_HEALTH.get(watch.status or "", Health.UNKNOWN)
    name = fit(watch.job_name.strip() or f"Job {watch.job_id}", 300)
    status = f"*{escape(status_word(watch.status))}*" if watch.status else "_not read yet_"
    since = _moment(watch.status_since)
    when = f" since {since}" if since and watch.status else ""
    return (
        f"{HEALTH_EMOJI[health]} *{name}* {code(_job_name(watch.project, watch.job_id))} "
        f"in {channel_link(watch.channel_id)}\n{status}{when}"
    )


def _summary(rest: list[HomeWatch], command: str) -> str:
    channels = list(dict.fromkeys(watch.channel_id for watch in rest))
    named = ", ".join(channel_link(c) for c in channels[:MAX_CHANNELS_NAMED])
    others = len(channels) - MAX_CHANNELS_NAMED
    where = named + (f" and {others} other channels" if others > 0 else "")
    return (
        f"… and {len(rest)} more watches, in {where}. "
        f"`{escape(command)} watching` in a channel lists all of its watches."
    )


def _recent(recent: list[RecentLookup]) -> Block:
    if not recent:
        return context_block("Jobs you look up with jobbot show here.")
    lines = []
    for lookup in recent[:10]:
        name = fit(lookup.job_name.strip(), 200) if lookup.job_name.strip() else ""
        when = _moment(lookup.looked_up_at)
        lines.append(
            f"• {code(_job_name(lookup.project, lookup.job_id))} {name}"
            + (f" ({when})" if when else "")
        )
    return section_block(fit("\n".join(lines), 3000, render=str))


def _job_name(project: str, job_id: int) -> str:
    # The default project's jobs go by their ID alone, as people type them.
    return f"{project}:{job_id}" if project and project != "default" else str(job_id)


def _moment(epoch_s: float | None) -> str | None:
    if not epoch_s or epoch_s <= 0:
        return None
    try:
        return date_token(datetime.fromtimestamp(epoch_s, tz=UTC))
    except (OverflowError, OSError, ValueError):
        return None
