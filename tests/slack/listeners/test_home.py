"""The Home tab (`app_home_opened`), end to end through jobbot's real server and fake Slack."""

from __future__ import annotations

import json
import time

import pytest

from bot.store import watched_jobs, watches
from bot.store.watched_jobs import JobState
from tests.blockkit import assert_valid_view
from tests.conftest import Jobbot
from tests.fakes import (
    block_action_payload,
    command_body,
    event_body,
    home_opened_event,
    interactive_body,
    wait_until,
)
from tests.slack.listeners.conftest import StartJobbot
from tests.slack.listeners.support import Audits, add_job


@pytest.fixture
def audits(caplog: pytest.LogCaptureFixture) -> Audits:
    return Audits(caplog)


@pytest.fixture
async def bot(start_bot: StartJobbot) -> Jobbot:
    return await start_bot()


async def open_home(bot: Jobbot, user: str = "U0USER", tab: str = "home") -> None:
    body = event_body(home_opened_event(user, tab))
    response = await bot.post(body, **{"Content-Type": "application/json"})
    assert response.status_code == 200


async def test_home_without_watches_shows_the_how_to_and_costs_no_job_api_request(
    bot: Jobbot, audits: Audits
) -> None:
    bot.fake_slack.member_of["U0USER"] = ["C0INCIDENT"]
    await open_home(bot)
    await audits.settled(1)
    home = bot.fake_slack.homes["U0USER"]
    assert_valid_view(home)
    text = json.dumps(home)
    assert "You are not watching any job" in text
    assert "Look up a job" in text
    assert bot.fake_jobs.requests == []


async def test_channels_are_read_once_for_several_views(bot: Jobbot, audits: Audits) -> None:
    bot.fake_slack.member_of["U0USER"] = [f"C0CHAN{n}" for n in range(450)]
    await open_home(bot)
    await open_home(bot)
    await audits.settled(2)
    calls = bot.fake_slack.calls_to("users.conversations")
    # 450 channels are three pages of 200, read once: the second view uses the cache.
    assert len(calls) == 3
    assert {c.params["user"] for c in calls} == {"U0USER"}
    assert len(bot.fake_slack.calls_to("views.publish")) == 2


async def test_the_messages_tab_is_left_alone(bot: Jobbot, audits: Audits) -> None:
    await open_home(bot, tab="messages")
    await audits.settled(1)
    assert bot.fake_slack.calls_to("views.publish") == []


async def test_look_up_a_job_opens_the_lookup_window(bot: Jobbot, audits: Audits) -> None:
    payload = block_action_payload(
        "lookup",
        bot.fake_slack.hook_url("home"),
        action_id="job_lookup_open",
        trigger_id=bot.fake_slack.trigger(),
    )
    payload["container"] = {"type": "view", "view_id": "VHOMEU0USER"}
    assert (await bot.post(interactive_body(payload))).status_code == 200
    await wait_until(lambda: bool(bot.fake_slack.calls_to("views.open")))
    await audits.settled(1)
    [(_, window)] = bot.fake_slack.view_calls()
    assert window["callback_id"] == "job_lookup_view"


async def test_home_opens_for_an_allowed_person_with_an_allow_list(
    start_bot: StartJobbot, audits: Audits
) -> None:
    bot = await start_bot(JOBBOT_ALLOWED_USERS="U0USER", JOBBOT_ALLOWED_CHANNELS="C0INCIDENT")
    await open_home(bot)
    await audits.settled(1)
    assert "U0USER" in bot.fake_slack.homes


async def test_home_is_published_when_slack_will_not_list_the_channels(
    bot: Jobbot, audits: Audits
) -> None:
    bot.fake_slack.conversations_error = "missing_scope"
    await open_home(bot)
    await audits.settled(1)
    assert "You are not watching any job" in json.dumps(bot.fake_slack.homes["U0USER"])
    metrics = bot.runtime.metrics.render().decode()
    assert 'method="users.conversations"' in metrics
    assert 'error="missing_scope"' in metrics


async def watch_jobs(bot: Jobbot, count: int, channels: list[str]) -> None:
    """Store `count` live watches (and their jobs' last state) in jobbot's own database."""
    now = time.time()
    async with bot.runtime.db.begin() as conn:
        for n in range(count):
            state = JobState(
                "", 70000 + n, f"watched_{n}", "job_running", "", 0, now - 600, None, False
            )
            await watched_jobs.add_job(conn, state, next_poll_at=now + 3600)
            await watches.add_watch(
                conn,
                project="",
                job_id=70000 + n,
                channel_id=channels[n % len(channels)],
                started_by="U0OTHER",
                now=now - count + n,
                expires_at=now + 86400,
            )


async def test_home_with_one_watch_shows_it_from_the_database(bot: Jobbot, audits: Audits) -> None:
    bot.fake_slack.member_of["U0USER"] = ["C0INCIDENT"]
    await watch_jobs(bot, 1, ["C0INCIDENT"])
    await watch_jobs_elsewhere(bot)
    await open_home(bot)
    await audits.settled(1)
    home = bot.fake_slack.homes["U0USER"]
    assert_valid_view(home)
    text = json.dumps(home)
    assert "*watched_0* `70000` in <#C0INCIDENT>" in text
    assert "*Running* since <!date^" in text
    assert "elsewhere" not in text  # a channel the person is not in
    assert bot.fake_jobs.requests == []


async def watch_jobs_elsewhere(bot: Jobbot) -> None:
    now = time.time()
    async with bot.runtime.db.begin() as conn:
        state = JobState("", 79999, "elsewhere", "job_running", "", 0, now, None, False)
        await watched_jobs.add_job(conn, state, next_poll_at=now + 3600)
        await watches.add_watch(
            conn,
            project="",
            job_id=79999,
            channel_id="C0SECRET",
            started_by="U0OTHER",
            now=now,
            expires_at=now + 86400,
        )


async def test_home_with_sixty_watches_fits_and_summarises_the_rest(
    bot: Jobbot, audits: Audits
) -> None:
    channels = [f"C0CHAN{n}" for n in range(7)]
    bot.fake_slack.member_of["U0USER"] = channels
    await watch_jobs(bot, 60, channels)
    await open_home(bot)
    await audits.settled(1)
    home = bot.fake_slack.homes["U0USER"]
    assert_valid_view(home)
    assert len(home["blocks"]) <= 100
    text = json.dumps(home)
    assert text.count("*watched_") == 40
    assert "and 20 more watches" in text
    assert bot.fake_jobs.requests == []


async def test_lookups_show_on_home_newest_first(bot: Jobbot, audits: Audits) -> None:
    for n in range(12):
        add_job(bot.fake_jobs, 80000 + n, name=f"looked_{n}")
        await bot.post(command_body(str(80000 + n), bot.fake_slack.hook_url(f"c{n}")))
        await audits.settled(n + 1)
    await open_home(bot)
    await audits.settled(13)
    requests_before = len(bot.fake_jobs.requests)
    text = json.dumps(bot.fake_slack.homes["U0USER"])
    assert "`80011` looked_11" in text
    assert "`80002` looked_2" in text
    # Only the last 10: the two oldest are gone.
    assert "`80001`" not in text
    assert "`80000`" not in text
    assert text.index("looked_11") < text.index("looked_2")
    assert len(bot.fake_jobs.requests) == requests_before


async def test_a_job_found_by_name_shows_on_home(bot: Jobbot, audits: Audits) -> None:
    add_job(bot.fake_jobs, 80100, name="orders_enrich")
    await bot.post(command_body("orders_enrich", bot.fake_slack.hook_url("by-name")))
    await audits.settled(1)
    await open_home(bot)
    await audits.settled(2)
    assert "`80100` orders_enrich" in json.dumps(bot.fake_slack.homes["U0USER"])
