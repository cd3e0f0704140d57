"""Two projects on two job APIs: prefixes, cards that name their project, `/job use`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.conftest import (
    BOT_TOKEN,
    SIGNING_SECRET,
    Jobbot,
    make_settings,
    sample,
    start_jobbot,
    stop_jobbot,
)
from tests.fakes import FakeJobApi, FakeSlack, command_body, wait_until
from tests.slack.listeners.support import all_text, buttons

PROD_ID = "0a1b2c3d4e5f"
STAGING_ID = "9f8e7d6c5b4a"


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
    settings = make_settings(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        JOBBOT_PROJECTS=(
            f"prod={PROD_ID}@{fake_jobs.url}/cs,staging={STAGING_ID}@{staging_api.url}/dli"
        ),
        JOBBOT_AUTH_TOKEN="iam-token-for-tests",
        JOBBOT_TIMEOUT_S=2,
    )
    started = await start_jobbot(settings, fake_slack, fake_jobs)
    yield started
    await stop_jobbot(started)


async def ask(bot: Jobbot, text: str, hook: str, *, channel: str = "C0INCIDENT") -> dict[str, Any]:
    """Run `/job <text>` and return its answer (the ack's body, or the response_url post)."""
    response = await bot.post(command_body(text, bot.fake_slack.hook_url(hook), channel_id=channel))
    assert response.status_code == 200
    if response.content:
        return dict(response.json())
    await wait_until(lambda: bool(bot.fake_slack.posts_to(hook)))
    return bot.fake_slack.posts_to(hook)[0]


def fields_text(card: dict[str, Any]) -> str:
    return all_text(card)


async def test_the_first_project_is_the_default_and_cards_name_it(
    bot: Jobbot, staging_api: FakeJobApi
) -> None:
    card = await ask(bot, "50320", "bare")
    assert card["text"] == "prod: Job 50320 my_job_001: Running"
    assert "*Project*\\n`prod`" in fields_text(card)
    assert bot.fake_jobs.requests[0].path == f"/v1.0/{PROD_ID}/job/50320"
    assert staging_api.requests == []


async def test_a_prefix_picks_the_project(bot: Jobbot, staging_api: FakeJobApi) -> None:
    card = await ask(bot, "staging:104", "staged")
    assert card["text"] == "staging: Job 104 jptest: Draft"
    assert staging_api.requests[0].path == f"/v1.0/{STAGING_ID}/streaming/jobs/104"
    assert bot.fake_jobs.requests == []
    upper = await ask(bot, "show STAGING:104", "upper")
    assert upper["text"] == card["text"]


async def test_refresh_asks_the_project_of_the_card(bot: Jobbot, staging_api: FakeJobApi) -> None:
    card = await ask(bot, "staging:104", "first")
    (refresh,) = [b for b in buttons(card) if b["action_id"] == "job_refresh"]
    assert '"project":"staging"' in refresh["value"]


async def test_a_job_missing_in_one_project_names_the_project(bot: Jobbot) -> None:
    answer = await ask(bot, "staging:99", "missing")
    assert "`staging:99` was not found" in all_text(answer)


async def test_an_unknown_project_is_a_usage_error_listing_the_names(bot: Jobbot) -> None:
    for text in ("qa:50320", "list qa running now", "use qa", "plan qa:5"):
        answer = await ask(bot, text, f"unknown-{text}")
        shown = answer["blocks"][0]["text"]["text"]
        if text.startswith("list"):
            assert "`qa` is not a status" in shown, shown
            continue
        assert "there is no project `qa`" in shown, shown
        assert "The projects are `prod`, `staging`." in shown
    assert bot.fake_jobs.requests == []


async def test_use_sets_the_channel_default(bot: Jobbot, staging_api: FakeJobApi) -> None:
    confirmed = await ask(bot, "use staging", "use", channel="C0STAGING")
    assert "default project is now `staging`" in all_text(confirmed)
    card = await ask(bot, "104", "after-use", channel="C0STAGING")
    assert card["text"] == "staging: Job 104 jptest: Draft"
    # Other channels keep the first project; a prefix still wins over the default.
    elsewhere = await ask(bot, "50320", "elsewhere", channel="C0OTHER")
    assert elsewhere["text"].startswith("prod: ")
    prefixed = await ask(bot, "prod:50320", "prefixed", channel="C0STAGING")
    assert prefixed["text"].startswith("prod: ")


async def test_use_without_a_name_lists_the_projects(bot: Jobbot) -> None:
    answer = await ask(bot, "use", "use-nothing")
    assert "The projects are `prod`, `staging`." in all_text(answer)


async def test_help_names_the_projects(bot: Jobbot) -> None:
    answer = await ask(bot, "help", "help")
    assert "Projects: `prod`, `staging`" in all_text(answer)


async def test_single_project_cards_name_no_project(jobbot: Jobbot) -> None:
    card = await ask(jobbot, "50320", "single")
    assert card["text"] == "Job 50320 my_job_001: Running"
    assert "Project" not in fields_text(card)
    answer = await ask(jobbot, "use prod", "single-use")
    assert "one project only" in all_text(answer)
    prefixed = await ask(jobbot, "prod:50320", "single-prefix")
    assert "one project only" in all_text(prefixed)


async def test_lists_and_names_go_to_the_project_named(
    bot: Jobbot, staging_api: FakeJobApi
) -> None:
    staging_api.add_job(105, name="staging_etl", status="job_running")
    staging_api.add_job(106, name="staging_etl_b", status="job_finish")
    listed = await ask(bot, "list staging running", "staging-list")
    assert "*1 running job in staging*" in all_text(listed)
    assert "staging_etl" in all_text(listed)
    (request,) = staging_api.requests_to("list")
    assert request.query["status"] == "job_running"
    found = await ask(bot, "staging:staging_etl", "staging-find")
    assert found["text"] == "staging: Job 105 staging_etl: Running"
    assert bot.fake_jobs.requests == []
    plan = await ask(bot, "plan staging:104", "staging-plan")
    assert plan["text"] == "Execution plan of job staging:104"


async def test_healthz_describes_each_project(bot: Jobbot, staging_api: FakeJobApi) -> None:
    response = await bot.http.get("/healthz")
    assert response.status_code == 200
    projects = response.json()["projects"]
    assert list(projects) == ["prod", "staging"]
    assert projects["staging"] == {
        "api": "dli",
        "endpoint": staging_api.url,
        "sign_in": "IAM token",
        "configured": True,
    }
