"""Answers about how to ask: help, unknown projects and status words, `/job use`. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from bot.render.blocks import Message, section_block
from bot.render.text import code, escape, fit


def _note(text: str) -> Message:
    return Message(text=text.replace("*", ""), blocks=[section_block(text)])


def _quoted(typed: str) -> str:
    return fit(typed.strip(), 200, render=code)


def _names(names: Sequence[str]) -> str:
    return ", ".join(code(name) for name in names)


def help_text(command: str, visibility: str, projects: Sequence[str]) -> Message:
    """Explain every way of asking jobbot, slash command and mention alike."""
    cmd = escape(command)
    who = "only you see it" if visibility == "ephemeral" else "posted in the channel"
    lines = [
        f"*{cmd} shows Flink jobs: status, timing, configuration and plan.*",
        f"• `{cmd} 50320` or `{cmd} show 50320`: the job card ({who})",
        f"• `{cmd} orders_enrich`: find a job by its name",
        f"• `{cmd} list [STATUS…] [NAME]`: the jobs, newest first, 20 a page "
        "(status words: `running`, `failed`, `stopped`, `finished`, `draft`, `starting`, "
        "`stopping`, `savepoint`, `idle`)",
        f"• `{cmd} plan 50320`: the job's execution plan",
        f"• `{cmd} watch 50320`, `{cmd} unwatch 50320`, `{cmd} watching`: follow a job here",
    ]
    if projects:
        first = escape(projects[0])
        lines += [
            f"• Projects: {_names(projects)}. Name one with `{first}:50320`, "
            f"`{cmd} list {first} running`; `{cmd} use {first}` makes it this channel's default.",
        ]
    lines += [
        f"• `{cmd} help`: this help. In threads, mention me instead: `@jobbot 50320`, "
        "`@jobbot list failed`.",
        "• On any message, *More actions → Job details* finds the jobs it names "
        "and posts their cards in its thread.",
    ]
    return _note("\n".join(lines))


def unknown_project(typed: str, argument: str, projects: Sequence[str]) -> Message:
    """Say that a typed project name is not one of the configured projects."""
    if not projects:
        return _note(
            f":thinking_face: {_quoted(typed)}: this jobbot has one project only, so there is "
            f"no project {fit(argument, 60, render=code)} to pick."
        )
    return _note(
        f":thinking_face: {_quoted(typed)}: there is no project "
        f"{fit(argument, 60, render=code)}. The projects are {_names(projects)}."
    )


def unknown_status(command: str, typed: str, argument: str, words: Sequence[str]) -> Message:
    """Say that a word of `/job list` is not a status word, listing them."""
    return _note(
        f":thinking_face: {_quoted(typed)}: {fit(argument, 60, render=code)} is not a status. "
        f"`{escape(command)} list` takes a project, then status words ({_names(words)}), "
        "then one job name."
    )


def missing_project(command: str, projects: Sequence[str]) -> Message:
    """Say that `/job use` needs a project name."""
    if not projects:
        return _note(
            ":information_source: This jobbot has one project only; there is none to pick."
        )
    return _note(
        f":thinking_face: Say which project: `{escape(command)} use {escape(projects[0])}`. "
        f"The projects are {_names(projects)}."
    )


def missing_job_id(command: str, verb: str) -> Message:
    """Say that `plan`, `watch` or `unwatch` needs exactly one job ID."""
    cmd, word = escape(command), escape(verb)
    what = "which job's plan to show" if verb == "plan" else f"which job to {word}"
    return _note(f":thinking_face: Say {what}, like `{cmd} {word} 50320`.")


def project_chosen(project: str, user: str | None) -> Message:
    """Confirm the channel's new default project."""
    who = f" (set by <@{user}>)" if user and user.isalnum() else ""
    return _note(
        f":white_check_mark: This channel's default project is now {code(project)}{who}. "
        "Jobs without a project prefix are looked up there."
    )


def no_projects() -> Message:
    """Say that `/job use` means nothing without JOBBOT_PROJECTS."""
    return _note(
        ":information_source: This jobbot has one project only, so there is no default to "
        "choose. Its admin can name several with `JOBBOT_PROJECTS`."
    )


def not_available(typed: str) -> Message:
    """Say that this jobbot cannot do what was asked yet."""
    return _note(f":construction: {_quoted(typed)} is not available in this jobbot yet.")
