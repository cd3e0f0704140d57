"""Messages other than cards: help, usage errors and lookup failures, as the user sees them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.huawei import errors
from bot.render import messages
from bot.render.asking import help_text
from bot.render.blocks import Message
from bot.render.refs import JobRef
from tests.blockkit import assert_no_unescaped_control, assert_valid_message

HOSTILE = [
    "<!here>",
    "<!channel> & <@U123> <http://evil.example|Open UI>",
    "a & b",
    "```x``` `y`",
    "<!subteam^S123>" * 1000,
    "&" * 10_000,
    "x" * 10_000,
]
COMMANDS = ["/job", "/flink-job", "/j"]


def _all_error_kinds() -> list[type[errors.JobApiError]]:
    kinds: list[type[errors.JobApiError]] = []
    pending = [errors.JobApiError]
    while pending:
        for sub in pending.pop().__subclasses__():
            kinds.append(sub)
            pending.append(sub)
    return kinds


ERROR_KINDS = _all_error_kinds()
# Only where asking again can change the answer; an unclassified 4xx (ApiRejected) cannot.
RETRYABLE = {
    errors.ApiTimeout,
    errors.ApiUnavailable,
    errors.Throttled,
    errors.BadResponse,
}


def check(message: Message) -> dict[str, Any]:
    payload = message.as_payload()
    assert_valid_message(payload)
    assert_no_unescaped_control(payload)
    return payload


def buttons(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in payload["blocks"] if b["type"] == "actions" for e in b["elements"]]


def visible_text(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False)


def test_error_kinds_cover_the_documented_tree() -> None:
    assert set(ERROR_KINDS) >= {
        errors.JobNotFound,
        errors.CredentialsRejected,
        errors.SignInFailed,
        errors.Forbidden,
        errors.Throttled,
        errors.ApiUnavailable,
        errors.ApiTimeout,
        errors.BadResponse,
        errors.ApiRejected,
    }


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_valid_and_names_the_command(command: str) -> None:
    payload = check(help_text(command, "ephemeral", ("prod", "<!here>")))
    assert f"`{command} 50320`" in payload["blocks"][0]["text"]["text"]
    assert "help" in payload["text"]
    assert "`&lt;!here&gt;`" in payload["blocks"][0]["text"]["text"]


@pytest.mark.parametrize("typed", ["/job frobnicate", *HOSTILE])
def test_usage_error_quotes_what_was_typed_safely(typed: str) -> None:
    payload = check(messages.usage_error("/job", typed))
    assert "`/job help`" in payload["blocks"][0]["text"]["text"]


def test_usage_error_quotes_a_short_input_in_full() -> None:
    payload = check(messages.usage_error("/job", "/job frobnicate"))
    assert "`/job frobnicate`" in payload["blocks"][0]["text"]["text"]


@pytest.mark.parametrize("typed", ["abc", "-5", "1" * 25, *HOSTILE])
def test_invalid_job_id_says_what_a_job_id_is(typed: str) -> None:
    payload = check(messages.invalid_job_id("/job", typed))
    text = payload["blocks"][0]["text"]["text"]
    assert "not a job ID" in text
    assert "19 digits" in text


def test_invalid_job_id_quotes_the_argument() -> None:
    payload = check(messages.invalid_job_id("/job", "abc"))
    assert "`abc` is not a job ID" in payload["blocks"][0]["text"]["text"]


def test_no_job_ids_lists_the_recognised_forms() -> None:
    payload = check(messages.no_job_ids())
    text = payload["blocks"][0]["text"]["text"]
    for form in ("job 50320", "job_id=50320", "/jobs/detail/50320"):
        assert form in text


def test_invite_hint_links_the_channel_and_is_valid() -> None:
    payload = check(messages.with_hint(messages.no_job_ids(), messages.invite_hint("C0123ABC")))
    assert "<#C0123ABC>" in payload["blocks"][-1]["elements"][0]["text"]
    assert "/invite @jobbot" in visible_text(payload)


@pytest.mark.parametrize("channel", ["<!here>", "C1|x", None, "", "D0123ABC", "U0123", "W1"])
def test_invite_hint_never_links_a_strange_channel_id(channel: str | None) -> None:
    payload = check(messages.with_hint(messages.no_job_ids(), messages.invite_hint(channel)))
    assert "this channel" in payload["blocks"][-1]["elements"][0]["text"]
    assert "<#" not in visible_text(payload)


@pytest.mark.parametrize("channel", ["D0123ABC", "G0MPIM01", "C0MPIM01", None])
def test_invite_hint_in_a_direct_message_suggests_no_invite(channel: str | None) -> None:
    hint = messages.invite_hint(channel, direct=True)
    payload = check(messages.with_hint(messages.no_job_ids(), hint))
    assert "/invite" not in visible_text(payload)
    assert "<#" not in visible_text(payload)
    assert "direct message" in hint
    assert "in a channel I'm in" in hint


@pytest.mark.parametrize("reason", ["Only #oncall may use jobbot.", *HOSTILE])
def test_access_denied_is_valid_whatever_the_reason(reason: str) -> None:
    payload = check(messages.access_denied(reason))
    assert "admin" in payload["text"]


@pytest.mark.parametrize("correlation_id", ["3f2a9c1b7d0e", *HOSTILE])
def test_unexpected_error_gives_an_error_id(correlation_id: str) -> None:
    payload = check(messages.unexpected_error(correlation_id))
    assert "error ID" in payload["text"]


def test_unexpected_error_shows_the_id_in_full() -> None:
    assert "`3f2a9c1b7d0e`" in messages.unexpected_error("3f2a9c1b7d0e").as_payload()["text"]


@pytest.mark.parametrize("kind", ERROR_KINDS, ids=lambda k: k.__name__)
def test_every_lookup_error_is_valid_block_kit(kind: type[errors.JobApiError]) -> None:
    error = kind("The job 50320 does not exist.", code="CS.10001", request_id="req-1")
    check(messages.lookup_error(error, 50320, timeout_s=5))


@pytest.mark.parametrize("kind", ERROR_KINDS, ids=lambda k: k.__name__)
@pytest.mark.parametrize("hostile", HOSTILE)
def test_every_lookup_error_is_safe_whatever_the_api_said(
    kind: type[errors.JobApiError], hostile: str
) -> None:
    error = kind(hostile, code=hostile, request_id=hostile)
    check(messages.lookup_error(error, 9_999_999_999_999_999_999, timeout_s=5))


@pytest.mark.parametrize("kind", ERROR_KINDS, ids=lambda k: k.__name__)
def test_retry_button_only_where_trying_again_can_help(kind: type[errors.JobApiError]) -> None:
    payload = check(messages.lookup_error(kind("x"), 50320, timeout_s=5))
    found = buttons(payload)
    if kind in RETRYABLE:
        assert len(found) == 1
        assert found[0]["action_id"] == "job_refresh"
        assert JobRef.from_value(found[0]["value"]).job_id == 50320
    else:
        assert found == []


def test_each_error_kind_has_its_own_message() -> None:
    texts = {
        kind: messages.lookup_error(kind("x"), 50320, timeout_s=5).as_payload()["text"]
        for kind in ERROR_KINDS
    }
    assert len(set(texts.values())) == len(ERROR_KINDS), texts


@pytest.mark.parametrize("kind", [errors.CredentialsRejected, errors.SignInFailed])
def test_rejected_credentials_send_the_user_to_an_admin_without_api_details(
    kind: type[errors.JobApiError],
) -> None:
    error = kind(
        "Incorrect IAM authentication information: token expires, user etl-bot",
        code="APIG.0301",
        http_status=401,
    )
    payload = check(messages.lookup_error(error, 50320, timeout_s=5))
    text = visible_text(payload)
    assert "admin" in payload["text"]
    assert "IAM authentication information" not in text
    assert "etl-bot" not in text
    assert "APIG.0301" not in text


def test_job_not_found_names_the_job_and_what_to_check() -> None:
    payload = check(messages.lookup_error(errors.JobNotFound("gone"), 50320, timeout_s=5))
    assert "`50320`" in payload["blocks"][0]["text"]["text"]
    assert "not found" in payload["text"]


def test_timeout_says_how_long_we_waited() -> None:
    payload = check(messages.lookup_error(errors.ApiTimeout("slow"), 50320, timeout_s=7.5))
    assert "7.5 s" in payload["text"]


def test_request_id_is_given_so_the_admin_can_trace_it() -> None:
    error = errors.ApiUnavailable("down", request_id="c2f8a6bd0a7c4b3e")
    payload = check(messages.lookup_error(error, 50320, timeout_s=5))
    assert "c2f8a6bd0a7c4b3e" in payload["text"]


def test_an_unclassified_api_error_says_what_the_api_said_with_secrets_masked() -> None:
    error = errors.ApiRejected("bad request: password=hunter2 is wrong", code="CS.11004")
    payload = check(messages.lookup_error(error, 50320, timeout_s=5))
    assert "CS.11004" in payload["text"]
    assert "bad request" in payload["text"]
    assert "hunter2" not in visible_text(payload)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_broken_button_points_to_a_fresh_card(command: str) -> None:
    payload = check(messages.broken_button(command))
    assert f"`{command} 50320`" in payload["blocks"][0]["text"]["text"]
