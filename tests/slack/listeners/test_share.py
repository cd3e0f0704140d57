"""The `job_share` button, end to end through jobbot's real HTTP server and the fake Slack."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.blockkit import assert_no_unescaped_control, assert_valid_message
from tests.conftest import Jobbot
from tests.fakes import block_action_payload, command_body, interactive_body, wait_until
from tests.slack.listeners.conftest import StartJobbot
from tests.slack.listeners.support import all_text, blocks_of, buttons

CHANNEL = "C0INCIDENT"


@pytest.fixture
async def bot(start_bot: StartJobbot) -> Jobbot:
    return await start_bot(JOBBOT_CACHE_TTL_S=0)


async def private_card(bot: Jobbot) -> dict[str, Any]:
    """Ask `/job 50320` and return the ephemeral card that came back."""
    await bot.post(command_body("50320", bot.fake_slack.hook_url("cmd")))
    await wait_until(lambda: bool(bot.fake_slack.posts_to("cmd")))
    return bot.fake_slack.posts_to("cmd")[0]


async def click_share(
    bot: Jobbot, value: str, hook: str = "share", *, ephemeral: bool = True
) -> dict[str, Any]:
    """Click Share and return the one message sent back through the click's response_url."""
    payload = block_action_payload(
        value, bot.fake_slack.hook_url(hook), action_id="job_share", ephemeral=ephemeral
    )
    response = await bot.post(interactive_body(payload))
    assert response.status_code == 200
    await wait_until(lambda: bool(bot.fake_slack.posts_to(hook)))
    await bot.settled()  # every request has finished: nothing more may follow
    [message] = bot.fake_slack.posts_to(hook)
    return message


def share_button(card: dict[str, Any]) -> dict[str, Any]:
    [share] = [b for b in buttons(card) if b["action_id"] == "job_share"]
    return share


async def test_an_ephemeral_card_has_share_and_sharing_posts_it_for_everyone(bot: Jobbot) -> None:
    card = await private_card(bot)
    assert card["response_type"] == "ephemeral"
    share = share_button(card)
    assert json.loads(share["value"]) == {"job_id": 50320}

    note = await click_share(bot, share["value"])

    [post] = [c.params for c in bot.fake_slack.calls_to("chat.postMessage")]
    assert post["channel"] == CHANNEL
    shared = {"text": post["text"], "blocks": blocks_of(post)}
    assert_valid_message(shared)
    assert shared["text"] == "Job 50320 my_job_001: Running"
    assert "Shared by <@U0USER>" in all_text(shared)
    assert_no_unescaped_control(shared, allowed=("<@U0USER>",))
    # The channel's copy has no Share button (everyone sees it already), but Refresh.
    assert [b["action_id"] for b in buttons(shared)] == [
        "job_refresh",
        "job_watch",
        "job_plan",
        "job_more",
    ]
    # The private copy is replaced by a note with a link to the shared message.
    assert note["replace_original"] is True
    assert_valid_message(note)
    [permalink] = bot.fake_slack.calls_to("chat.getPermalink")
    assert permalink.params["channel"] == CHANNEL
    ts = permalink.params["message_ts"].replace(".", "")
    link = f"https://acme.slack.com/archives/{CHANNEL}/p{ts}"
    assert f"<{link}|see the shared message>" in all_text(note)
    assert f"<#{CHANNEL}>" in note["blocks"][0]["text"]["text"]
    assert_no_unescaped_control(note, allowed=(f"<{link}|see the shared message>",))


async def test_without_a_permalink_the_link_is_built_from_the_ts(bot: Jobbot) -> None:
    bot.fake_slack.permalink_error = "message_not_found"
    note = await click_share(bot, json.dumps({"job_id": 50320}))
    [post] = bot.fake_slack.calls_to("chat.postMessage")
    assert post.params["channel"] == CHANNEL
    assert f"https://slack.com/archives/{CHANNEL}/p" in all_text(note)
    assert note["replace_original"] is True


async def test_not_in_the_channel_gives_the_invite_hint_and_keeps_the_card(bot: Jobbot) -> None:
    bot.fake_slack.refuse[CHANNEL] = "not_in_channel"
    note = await click_share(bot, json.dumps({"job_id": 50320}))
    assert "replace_original" not in note  # the private card stays
    assert note["response_type"] == "ephemeral"
    assert "couldn't share" in note["text"]
    assert "/invite @jobbot" in all_text(note)
    assert_valid_message(note)
    assert bot.fake_slack.calls_to("chat.getPermalink") == []


@pytest.mark.parametrize(
    "value",
    [
        "",
        "50320",
        "not json",
        '{"job_id": 0}',
        '{"job_id": -5}',
        '{"job_id": "50320; DROP"}',
        '{"job_id": 10000000000000000000}',
        '{"job": 50320}',
        '{"job_id": 50320, "project": "' + "p" * 33 + '"}',
    ],
)
async def test_a_forged_value_gets_a_short_answer_and_nothing_is_posted(
    bot: Jobbot, value: str
) -> None:
    note = await click_share(bot, value)
    assert "does not say which job to share" in note["text"]
    assert "replace_original" not in note
    assert bot.fake_slack.calls_to("chat.postMessage") == []
    assert bot.fake_jobs.requests == []
    assert_no_unescaped_control(note)


async def test_a_stale_value_for_a_job_that_is_gone_posts_nothing(bot: Jobbot) -> None:
    note = await click_share(bot, json.dumps({"job_id": 777}))
    assert "`777` was not found" in note["text"]
    assert "replace_original" not in note
    assert bot.fake_slack.calls_to("chat.postMessage") == []


async def test_share_on_a_card_everyone_already_sees_posts_nothing(bot: Jobbot) -> None:
    note = await click_share(bot, json.dumps({"job_id": 50320}), ephemeral=False)
    assert "already sees" in note["text"]
    assert bot.fake_slack.calls_to("chat.postMessage") == []
    assert bot.fake_jobs.requests == []


async def test_an_in_channel_card_has_no_share_button(start_bot: StartJobbot) -> None:
    bot = await start_bot(JOBBOT_VISIBILITY="in_channel")
    await bot.post(command_body("50320", bot.fake_slack.hook_url("cmd")))
    await wait_until(lambda: bool(bot.fake_slack.posts_to("cmd")))
    card = bot.fake_slack.posts_to("cmd")[0]
    assert card["response_type"] == "in_channel"
    assert [b["action_id"] for b in buttons(card)] == [
        "job_refresh",
        "job_watch",
        "job_plan",
        "job_more",
    ]
