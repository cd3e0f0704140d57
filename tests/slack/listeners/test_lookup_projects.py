"""The lookup window with two projects on two job APIs: prefixes, the picker, Share and Watch."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.store import watches
from tests.blockkit import assert_no_unescaped_control, assert_valid_view
from tests.conftest import (
    BOT_TOKEN,
    SIGNING_SECRET,
    Jobbot,
    make_settings,
    sample,
    start_jobbot,
    stop_jobbot,
)
from tests.fakes import (
    FakeJobApi,
    FakeSlack,
    block_action_payload,
    event_body,
    global_shortcut_payload,
    home_opened_event,
    interactive_body,
    view_action_payload,
    view_submission_payload,
    wait_until,
)
from tests.slack.listeners.support import Audits, add_job, blocks_of

PROD_ID = "0a1b2c3d4e5f"
STAGING_ID = "9f8e7d6c5b4a"
CHANNEL = "C0INCIDENT"
PROJECT_ERROR = "There is no project qa. The projects are prod, staging."


@pytest.fixture
def audits(caplog: pytest.LogCaptureFixture) -> Audits:
    return Audits(caplog)


@pytest.fixture
async def staging_api() -> AsyncIterator[FakeJobApi]:
    server = FakeJobApi(service="dli", jobs={104: sample("dli/job_init")["job_detail"]})
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(
    fake_slack: FakeSlack, fake_jobs: FakeJobApi, staging_api: FakeJobApi
) -> AsyncIterator[Jobbot]:
    # Job 104 is in both projects, under different names: a mix-up would show.
    add_job(fake_jobs, 104, name="prod_namesake")
    settings = make_settings(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        JOBBOT_PROJECTS=(
            f"prod={PROD_ID}@{fake_jobs.url}/cs,staging={STAGING_ID}@{staging_api.url}/dli"
        ),
        JOBBOT_AUTH_TOKEN="iam-token-for-tests",
        JOBBOT_TIMEOUT_S=2,
        JOBBOT_CACHE_TTL_S=0,
    )
    started = await start_jobbot(settings, fake_slack, fake_jobs)
    yield started
    await stop_jobbot(started)


async def open_window(bot: Jobbot) -> dict[str, Any]:
    """Run the global shortcut; return the new window as the fake Slack holds it."""
    opened = len(bot.fake_slack.calls_to("views.open"))
    payload = global_shortcut_payload(trigger_id=bot.fake_slack.trigger())
    assert (await bot.post(interactive_body(payload))).status_code == 200
    await wait_until(lambda: len(bot.fake_slack.calls_to("views.open")) > opened)
    view = [v for method, v in bot.fake_slack.view_calls() if method == "views.open"][-1]
    assert_valid_view(view)
    return list(bot.fake_slack.views.values())[-1]


def state(text: str, project: str | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {
        "job_lookup_input": {"job_lookup_query": {"type": "plain_text_input", "value": text}}
    }
    if project:
        option = {"text": {"type": "plain_text", "text": project, "emoji": True}, "value": project}
        values["job_lookup_project"] = {
            "job_lookup_project_choice": {"type": "static_select", "selected_option": option}
        }
    return values


async def submit(
    bot: Jobbot, window: dict[str, Any], text: str, project: str | None = None
) -> dict[str, Any]:
    body = interactive_body(view_submission_payload(window, state(text, project)))
    response = await bot.post(body)
    assert response.status_code == 200
    return dict(response.json())


def picker(view: dict[str, Any]) -> dict[str, Any]:
    [block] = [b for b in view["blocks"] if b.get("block_id") == "job_lookup_project"]
    return dict(block)


def window_buttons(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        e["action_id"]: e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
    }


async def test_the_window_has_a_project_picker_with_the_default_chosen(
    bot: Jobbot, audits: Audits
) -> None:
    window = await open_window(bot)
    block = picker(window)
    assert block["type"] == "input"
    assert block["label"]["text"] == "Project"
    select = block["element"]
    assert select["type"] == "static_select"
    assert [o["value"] for o in select["options"]] == ["prod", "staging"]
    assert select["initial_option"]["value"] == "prod"
    assert block["hint"]["text"] == (
        "A project typed before the job (staging:50320) wins over this choice."
    )
    assert "`staging:50320`" in json.dumps(window)
    await audits.settled(1)


@pytest.mark.parametrize("typed", ["staging:104", "STAGING:104", "staging:jptest"])
async def test_a_prefix_looks_the_job_up_in_that_project(
    bot: Jobbot, staging_api: FakeJobApi, audits: Audits, typed: str
) -> None:
    window = await open_window(bot)
    answer = await submit(bot, window, typed)
    assert answer["response_action"] == "update"
    shown = answer["view"]
    assert_valid_view(shown)
    assert_no_unescaped_control(shown)
    text = json.dumps(shown)
    assert "jptest" in text
    assert "prod_namesake" not in text
    assert "*Project*\\n`staging`" in text
    [request] = staging_api.requests
    if typed.endswith("104"):
        assert request.path == f"/v1.0/{STAGING_ID}/streaming/jobs/104"
    else:
        assert staging_api.requests_to("list") == [request]
        assert request.query["name"] == "jptest"
    assert bot.fake_jobs.requests == []
    buttons = window_buttons(shown)
    for action_id in ("job_share", "job_lookup_watch", "job_more"):
        assert json.loads(buttons[action_id]["value"]) == {"job_id": 104, "project": "staging"}
    # The picker stays where it was; the prefix only decided this lookup.
    assert picker(shown)["element"]["initial_option"]["value"] == "prod"
    await audits.settled(2)


async def test_the_pickers_choice_is_used_without_a_prefix(
    bot: Jobbot, staging_api: FakeJobApi, audits: Audits
) -> None:
    window = await open_window(bot)
    answer = await submit(bot, window, "104", project="staging")
    shown = answer["view"]
    assert_valid_view(shown)
    assert "jptest" in json.dumps(shown)
    assert len(staging_api.requests) == 1
    assert bot.fake_jobs.requests == []
    assert picker(shown)["element"]["initial_option"]["value"] == "staging"
    await audits.settled(2)


async def test_a_prefix_wins_over_the_picker(
    bot: Jobbot, staging_api: FakeJobApi, audits: Audits
) -> None:
    window = await open_window(bot)
    answer = await submit(bot, window, "prod:104", project="staging")
    shown = answer["view"]
    assert "prod_namesake" in json.dumps(shown)
    assert [r.path for r in bot.fake_jobs.requests] == [f"/v1.0/{PROD_ID}/job/104"]
    assert staging_api.requests == []
    value = json.loads(window_buttons(shown)["job_share"]["value"])
    assert value == {"job_id": 104, "project": "prod"}
    await audits.settled(2)


@pytest.mark.parametrize(
    ("typed", "project", "block", "error"),
    [
        ("qa:50320", None, "job_lookup_input", PROJECT_ERROR),
        ("qa:orders_enrich", "staging", "job_lookup_input", PROJECT_ERROR),
        ("prod:<!here>", None, "job_lookup_input", "That is not a job ID or name."),
        # A project removed from the settings while the window was open.
        (
            "104",
            "qa",
            "job_lookup_project",
            "The project qa is no longer configured. The projects are prod, staging.",
        ),
    ],
)
async def test_an_unknown_project_is_an_inline_error_naming_the_projects(
    bot: Jobbot,
    staging_api: FakeJobApi,
    audits: Audits,
    typed: str,
    project: str | None,
    block: str,
    error: str,
) -> None:
    window = await open_window(bot)
    answer = await submit(bot, window, typed, project=project)
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [block]
    assert answer["errors"][block].startswith(error)
    assert bot.fake_jobs.requests == []
    assert staging_api.requests == []
    await audits.settled(2)


async def test_several_jobs_of_one_name_in_a_prefixed_project_are_named_with_it(
    bot: Jobbot, staging_api: FakeJobApi, audits: Audits
) -> None:
    for job_id in (201, 202):
        staging_api.add_job(job_id, name="etl")
    window = await open_window(bot)
    answer = await submit(bot, window, "staging:etl")
    assert answer["errors"] == {
        "job_lookup_input": "2 jobs are named etl in project staging: "
        "type the ID of the one you mean (staging:202, staging:201)."
    }
    missing = await submit(bot, window, "staging:77")
    assert missing["errors"] == {
        "job_lookup_input": "No such job in project staging: check the ID "
        "(it may belong to another project or region)."
    }
    assert bot.fake_jobs.requests == []
    await audits.settled(3)


async def staging_card(bot: Jobbot) -> dict[str, Any]:
    """Look up staging:104; return the window as Slack holds it."""
    window = await open_window(bot)
    answer = await submit(bot, window, "staging:104")
    return bot.fake_slack.acked_view(window["id"], answer["view"])


async def click(bot: Jobbot, window: dict[str, Any], action_id: str, value: str) -> None:
    chosen = {"type": "conversations_select", "selected_conversation": CHANNEL}
    payload = view_action_payload(
        value,
        action_id,
        window,
        trigger_id=bot.fake_slack.trigger(),
        state={"job_lookup_share": {"job_lookup_channel": chosen}},
    )
    assert (await bot.post(interactive_body(payload))).status_code == 200


async def test_share_from_a_second_project_posts_that_projects_job(
    bot: Jobbot, staging_api: FakeJobApi, audits: Audits
) -> None:
    window = await staging_card(bot)
    await click(bot, window, "job_share", window_buttons(window)["job_share"]["value"])
    await audits.settled(3)
    [post] = [c.params for c in bot.fake_slack.calls_to("chat.postMessage")]
    assert post["channel"] == CHANNEL
    shared = json.dumps(blocks_of(post))
    assert "jptest" in shared
    assert "prod_namesake" not in shared
    assert len(staging_api.requests) == 2  # the lookup, and the job read afresh to share
    assert bot.fake_jobs.requests == []
    [(_, shown)] = [c for c in bot.fake_slack.view_calls() if c[0] == "views.update"]
    assert_valid_view(shown)
    assert f"Shared in <#{CHANNEL}>" in json.dumps(shown)


async def click_card_share(bot: Jobbot, value: str) -> dict[str, Any]:
    """Click Share on a private card in the channel; return the reply to the click."""
    hook = bot.fake_slack.hook_url("card-share")
    response = await bot.post(
        interactive_body(block_action_payload(value, hook, action_id="job_share"))
    )
    assert response.status_code == 200
    await wait_until(lambda: bool(bot.fake_slack.posts_to("card-share")))
    [reply] = bot.fake_slack.posts_to("card-share")
    return reply


async def test_share_on_a_second_projects_card_posts_that_projects_job(
    bot: Jobbot, staging_api: FakeJobApi, audits: Audits
) -> None:
    note = await click_card_share(bot, json.dumps({"job_id": 104, "project": "staging"}))
    await audits.settled(1)
    [post] = [c.params for c in bot.fake_slack.calls_to("chat.postMessage")]
    shared = json.dumps(blocks_of(post))
    assert "jptest" in shared
    assert "*Project*\\n`staging`" in shared
    assert "prod_namesake" not in shared
    assert note["replace_original"] is True
    assert bot.fake_jobs.requests == []
    assert len(staging_api.requests) == 1


async def test_share_on_a_card_of_a_project_that_is_gone_posts_nothing(
    bot: Jobbot, staging_api: FakeJobApi, audits: Audits
) -> None:
    note = await click_card_share(bot, json.dumps({"job_id": 104, "project": "qa"}))
    await audits.settled(1)
    assert "does not say which job to share" in json.dumps(note)
    assert bot.fake_slack.calls_to("chat.postMessage") == []
    assert bot.fake_jobs.requests == []
    assert staging_api.requests == []


async def test_watch_from_a_second_project_stores_that_project(
    bot: Jobbot, staging_api: FakeJobApi, audits: Audits
) -> None:
    window = await staging_card(bot)
    await click(
        bot, window, "job_lookup_watch", window_buttons(window)["job_lookup_watch"]["value"]
    )
    await audits.settled(3)
    async with bot.runtime.db.begin() as conn:
        assert await watches.live_watch(conn, "staging", 104, CHANNEL) is not None
        assert await watches.live_watch(conn, "prod", 104, CHANNEL) is None
    [post] = [c.params for c in bot.fake_slack.calls_to("chat.postMessage")]
    assert "jptest" in json.dumps(blocks_of(post))
    assert bot.fake_jobs.requests == []
    [(_, shown)] = [c for c in bot.fake_slack.view_calls() if c[0] == "views.update"]
    assert_valid_view(shown)


async def test_details_from_a_second_project_shows_that_projects_job(
    bot: Jobbot, staging_api: FakeJobApi, audits: Audits
) -> None:
    window = await staging_card(bot)
    await click(bot, window, "job_more", window_buttons(window)["job_more"]["value"])
    await audits.settled(3)
    [(_, details)] = [c for c in bot.fake_slack.view_calls() if c[0] == "views.update"]
    assert_valid_view(details)
    assert "jptest" in json.dumps(details)
    assert bot.fake_jobs.requests == []


async def test_a_button_naming_a_project_that_is_gone_acts_on_nothing(
    bot: Jobbot, staging_api: FakeJobApi, audits: Audits
) -> None:
    window = await staging_card(bot)
    await click(bot, window, "job_share", json.dumps({"job_id": 104, "project": "qa"}))
    await audits.settled(3)
    [(_, shown)] = [c for c in bot.fake_slack.view_calls() if c[0] == "views.update"]
    assert_valid_view(shown)
    assert "there is no project `qa`" in json.dumps(shown)
    assert bot.fake_slack.calls_to("chat.postMessage") == []
    assert bot.fake_jobs.requests == []
    assert len(staging_api.requests) == 1


async def test_a_second_projects_lookup_shows_on_home_with_its_project(
    bot: Jobbot, audits: Audits
) -> None:
    await staging_card(bot)
    window = await open_window(bot)
    await submit(bot, window, "prod:104")
    body = event_body(home_opened_event("U0USER", "home"))
    response = await bot.post(body, **{"Content-Type": "application/json"})
    assert response.status_code == 200
    await audits.settled(5)
    home = json.dumps(bot.fake_slack.homes["U0USER"])
    assert "`staging:104` jptest" in home
    assert "`prod:104` prod_namesake" in home


async def test_one_named_project_has_no_picker_but_takes_its_prefix(
    fake_slack: FakeSlack, fake_jobs: FakeJobApi, audits: Audits
) -> None:
    settings = make_settings(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        JOBBOT_PROJECTS=f"prod={PROD_ID}@{fake_jobs.url}/cs",
        JOBBOT_AUTH_TOKEN="iam-token-for-tests",
        JOBBOT_TIMEOUT_S=2,
    )
    bot = await start_jobbot(settings, fake_slack, fake_jobs)
    try:
        window = await open_window(bot)
        assert "static_select" not in json.dumps(window)
        assert "`prod:50320`" in json.dumps(window)
        answer = await submit(bot, window, "prod:50320")
        assert "my_job_001" in json.dumps(answer["view"])
        assert [r.path for r in fake_jobs.requests] == [f"/v1.0/{PROD_ID}/job/50320"]
        await audits.settled(2)
    finally:
        await stop_jobbot(bot)
