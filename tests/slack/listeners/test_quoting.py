"""What was typed, quoted back exactly once escaped: command, mention and lookup window."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.blockkit import assert_no_unescaped_control, assert_valid_message
from tests.conftest import Jobbot
from tests.fakes import (
    app_mention_body,
    command_body,
    global_shortcut_payload,
    interactive_body,
    slack_entities,
    view_submission_payload,
    wait_until,
)
from tests.slack.listeners.support import blocks_of

# What a person types after `/job`, and how a reply quotes it in mrkdwn (Slack shows it as
# typed). None of these is a job ID, so each is looked up as a name and not found.
TYPED_NAMES = [
    ("<oops> & more", "`&lt;oops&gt; &amp; more`"),
    ("show <!here>", "`&lt;!here&gt;`"),
    ("12<3", "`12&lt;3`"),
    ("<#C0ACCEPT01|general> 5", "`&lt;#C0ACCEPT01|general&gt; 5`"),
]


def assert_quoted_once(message: dict[str, Any], shown: str) -> None:
    """Assert the blocks and the notification text both quote it once escaped, pinging no one."""
    assert_valid_message(message)
    assert_no_unescaped_control(message)
    [section] = [b for b in message["blocks"] if b["type"] == "section"]
    assert section["text"]["text"] == f":mag: There is no job named {shown}."
    assert message["text"] == f":mag: There is no job named {shown}."
    assert "&amp;lt;" not in json.dumps(message)
    assert "&amp;amp;" not in json.dumps(message)


@pytest.mark.parametrize(("typed", "shown"), TYPED_NAMES)
async def test_the_command_quotes_a_name_once_escaped(
    jobbot: Jobbot, typed: str, shown: str
) -> None:
    hook = jobbot.fake_slack.hook_url("name")
    response = await jobbot.post(command_body(typed, hook))
    assert response.status_code == 200
    await wait_until(lambda: bool(jobbot.fake_slack.posts_to("name")))
    assert_quoted_once(jobbot.fake_slack.posts_to("name")[0], shown)
    # The API was asked for the name as typed, not as Slack encoded it.
    (request,) = jobbot.fake_jobs.requests_to("list")
    assert request.query["name"] == typed.removeprefix("show ")


@pytest.mark.parametrize(("typed", "shown"), TYPED_NAMES)
async def test_a_mention_quotes_a_name_once_escaped(jobbot: Jobbot, typed: str, shown: str) -> None:
    # Slack escapes `&`, `<` and `>` in a message's text as it does in a command's.
    body = app_mention_body(f"<@UBOT> {slack_entities(typed)}")
    response = await jobbot.post(json.dumps(body), **{"Content-Type": "application/json"})
    assert response.status_code == 200
    await wait_until(lambda: bool(jobbot.fake_slack.calls_to("chat.postMessage")))
    (post,) = jobbot.fake_slack.calls_to("chat.postMessage")
    message = {"text": post.params["text"], "blocks": blocks_of(post.params)}
    assert_quoted_once(message, shown)


@pytest.mark.parametrize("typed", [typed for typed, _ in TYPED_NAMES])
async def test_the_lookup_window_refuses_what_cannot_be_a_name_as_typed(
    jobbot: Jobbot, typed: str
) -> None:
    payload = global_shortcut_payload(trigger_id=jobbot.fake_slack.trigger())
    assert (await jobbot.post(interactive_body(payload))).status_code == 200
    await wait_until(lambda: bool(jobbot.fake_slack.views))
    window = next(iter(jobbot.fake_slack.views.values()))
    # A plain-text input's value arrives as typed: Slack escapes nothing in it.
    state = {"job_lookup_input": {"job_lookup_query": {"type": "plain_text_input", "value": typed}}}
    response = await jobbot.post(interactive_body(view_submission_payload(window, state)))
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert answer["errors"] == {
        "job_lookup_input": "That is not a job ID or name. Try 50320 or my_job_001."
    }
    assert jobbot.fake_jobs.requests == []
