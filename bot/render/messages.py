"""Every message that is not a job card: help, usage errors, lookup failures. Pure."""

from __future__ import annotations

from bot.huawei import errors
from bot.jobs.masking import mask_secrets
from bot.jobs.paging import MAX_NAME_LENGTH
from bot.render.blocks import Message, actions_block, button, context_block, section_block
from bot.render.ids import ActionId, BlockId
from bot.render.refs import JobRef
from bot.render.text import code, escape, fit

RECOGNISED_FORMS = (
    "`job 50320`, `job #50320`, `job id 50320`, `job_id: 50320`, `job_id=50320`, "
    '`jobId: 50320`, `"job_id": 50320`, `Job my_job (ID: 50320)`, a field titled `Job ID`, '
    "and links containing `/job/50320`, `/jobs/50320` or `/jobs/detail/50320`"
)


def _note(text: str, *, retry_job: int | None = None, project: str = "") -> Message:
    blocks = [section_block(text)]
    if retry_job is not None:
        blocks.append(
            actions_block(
                BlockId.JOB_ACTIONS,
                [
                    button(
                        "Try again",
                        ActionId.JOB_REFRESH,
                        JobRef(job_id=retry_job, project=project).to_value(),
                    )
                ],
            )
        )
    # The notification text is mrkdwn-parsed too; strip our own emphasis, keep it escaped.
    return Message(text=text.replace("*", ""), blocks=blocks)


def usage_error(command: str, typed: str) -> Message:
    """Say that what was typed is not a command, quoting it back."""
    shown = fit(typed.strip(), 200, render=code)
    cmd = escape(command)
    return _note(
        f":thinking_face: I don't understand {shown}. "
        f"Try `{cmd} 50320` for a job card, or `{cmd} help`."
    )


def invalid_job_id(command: str, typed: str) -> Message:
    """Say that the argument is not a job ID."""
    shown = fit(typed.strip(), 200, render=code)
    return _note(
        f":thinking_face: {shown} is not a job ID. A job ID is a whole number of up to "
        f"19 digits, like `{escape(command)} 50320`."
    )


def too_long_a_name(command: str, typed: str) -> Message:
    """Say that the argument is too long to be a job's name (or ID)."""
    shown = fit(typed.strip(), 200, render=code)
    return _note(
        f":thinking_face: {shown} is not a job ID or name: job names have at most "
        f"{MAX_NAME_LENGTH} characters. Try `{escape(command)} 50320` or "
        f"`{escape(command)} my_job_001`."
    )


def no_job_ids() -> Message:
    """Say that a message shortcut found nothing that looks like a job ID."""
    return _note(
        f":mag: I found no job ID or job name in that message. I recognise {RECOGNISED_FORMS}, "
        'and names as in `job orders_enrich` or `Flink job "orders_enrich"`.'
    )


def invite_hint(channel_id: str | None, *, direct: bool = False) -> str:
    """Explain why cards came privately instead of in the thread, and what to do about it."""
    if direct:
        # Apps cannot be invited into a direct or group message between people.
        return (
            ":information_source: I can't post in this direct message, so only you see "
            "these cards. Run *Job details* on a message in a channel I'm in to have them "
            "posted in its thread."
        )
    # Only a channel's ID (C…, or G… for older private channels) is linked as `<#…>`.
    linkable = channel_id is not None and channel_id.isalnum() and channel_id[:1] in ("C", "G")
    where = f"<#{channel_id}>" if linkable else "this channel"
    return (
        f":information_source: I can't post in {where}, so only you see these cards. "
        "Invite me with `/invite @jobbot` to have them posted in the thread."
    )


def with_hint(message: Message, hint: str) -> Message:
    """Add a context line to a message."""
    return Message(text=message.text, blocks=[*message.blocks, context_block(hint)])


def broken_button(command: str) -> Message:
    """Say that a clicked button did not carry a job we can look up."""
    cmd = escape(command)
    return _note(
        ":thinking_face: That button does not say which job or list it is for. "
        f"Ask for a fresh card with `{cmd} 50320`, or see `{cmd} help`."
    )


def access_denied(reason: str) -> Message:
    """Say that this person or channel may not use jobbot, and why."""
    return _note(f":no_entry: {fit(reason, 500)} Ask your jobbot admin if you need access.")


def unexpected_error(correlation_id: str) -> Message:
    """Say that something broke on our side, with an ID to find it in the log."""
    return _note(
        ":warning: Something went wrong inside jobbot. Try again; if it keeps happening, "
        f"give your jobbot admin this error ID: {fit(correlation_id, 100, render=code)}."
    )


def lookup_error(
    error: errors.JobApiError, job_id: int, *, timeout_s: float, project: str = ""
) -> Message:
    """Tell the user, in plain words, why the job could not be shown and what to do."""
    job = code(f"{project}:{job_id}" if project else str(job_id))
    # Codes and request IDs come from the API too: cut and masked like everything else.
    request_id = fit(mask_secrets(error.request_id), 100, render=code) if error.request_id else ""
    ref = f" (request ID {request_id})" if request_id else ""
    match error:
        case errors.JobNotFound():
            return _note(
                f":mag: Job {job} was not found. Check the ID: it may belong to another "
                "project or region, or the job was deleted."
            )
        case errors.SignInFailed():
            return _note(
                ":lock: jobbot could not sign in to the job API: its IAM user name, password "
                "or domain is wrong. Ask your jobbot admin to fix its settings; the details "
                "are in jobbot's log."
            )
        case errors.CredentialsRejected():
            return _note(
                ":lock: The job API rejected jobbot's credentials. Ask your jobbot admin to "
                f"check them; the details are in jobbot's log{ref}."
            )
        case errors.Forbidden():
            return _note(
                f":lock: jobbot's credentials may not read job {job}. Ask your jobbot admin "
                f"to grant it access; the details are in jobbot's log{ref}."
            )
        case errors.ApiTimeout():
            return _note(
                f":hourglass: The job API did not answer within {timeout_s:g} s. "
                f"It may be overloaded: try again in a moment.",
                retry_job=job_id,
                project=project,
            )
        case errors.Throttled():
            return _note(
                ":hourglass: The job API is rate limiting jobbot right now. Try again in a "
                f"few seconds{ref}.",
                retry_job=job_id,
                project=project,
            )
        case errors.ApiUnavailable():
            return _note(
                ":construction: The job API is unavailable or failing right now. Try again "
                f"in a moment{ref}.",
                retry_job=job_id,
                project=project,
            )
        case errors.BadResponse():
            return _note(
                ":warning: The job API sent an answer jobbot could not read. Try again; if "
                f"it keeps happening, tell your jobbot admin{ref}.",
                retry_job=job_id,
                project=project,
            )
    detail = fit(mask_secrets(error.message), 300)
    code_part = f"{fit(mask_secrets(error.code), 60, render=code)}: " if error.code else ""
    # An unclassified 4xx: asking again would get the same answer, so no retry button.
    return _note(f":warning: The job API refused to show job {job}: {code_part}{detail}{ref}")


def list_error(error: errors.JobApiError, *, timeout_s: float) -> Message:
    """Tell the user why the job list (or a name lookup) could not be read."""
    request_id = fit(mask_secrets(error.request_id), 100, render=code) if error.request_id else ""
    ref = f" (request ID {request_id})" if request_id else ""
    match error:
        case errors.SignInFailed() | errors.CredentialsRejected() | errors.Forbidden():
            return _note(
                ":lock: The job API would not let jobbot read the job list. Ask your jobbot "
                f"admin to check its credentials; the details are in jobbot's log{ref}."
            )
        case errors.ApiTimeout():
            return _note(
                f":hourglass: The job API did not answer within {timeout_s:g} s. "
                "Try again in a moment."
            )
        case errors.Throttled() | errors.ApiUnavailable() | errors.BadResponse():
            return _note(
                ":construction: The job API could not list jobs right now. Try again in a "
                f"moment{ref}."
            )
    detail = fit(mask_secrets(error.message), 300)
    return _note(f":warning: The job API refused to list jobs: {detail}{ref}")
