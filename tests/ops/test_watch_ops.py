"""Operating watches: JOBBOT_DB and the watch settings, /healthz, `jobbot check`, metrics."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from bot.cli.check import run_check
from bot.config.load import describe_error
from bot.store.migrations import LATEST
from tests.conftest import Jobbot, make_settings, settings_for
from tests.fakes import FakeJobApi, FakeSlack, wait_until

PG = "postgresql://jobbot:Sup3r-s3cret@db.internal:5432/jobbot"


def test_watch_settings_have_the_documented_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOBBOT_DB")
    settings = make_settings(JOBBOT_API="demo")
    assert settings.db == "jobbot.db"
    assert settings.watch_interval_s == 30
    assert settings.watch_max_days == 7
    assert settings.watch_max_per_channel == 50
    assert settings.watch_lease_s == 30
    fast = make_settings(JOBBOT_API="demo", JOBBOT_WATCH_INTERVAL_S="0.05")
    assert fast.watch_interval_s == 0.05


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("JOBBOT_DB", "mysql://u:Sup3r-s3cret@h/db", "JOBBOT_DB: uses mysql://"),
        ("JOBBOT_DB", "postgresql://u:Sup3r-s3cret@h:5432", "JOBBOT_DB: names no database"),
        ("JOBBOT_WATCH_INTERVAL_S", "0", "JOBBOT_WATCH_INTERVAL_S:"),
        ("JOBBOT_WATCH_MAX_PER_CHANNEL", "many", "JOBBOT_WATCH_MAX_PER_CHANNEL:"),
        ("JOBBOT_WATCH_MAX_DAYS", "-1", "JOBBOT_WATCH_MAX_DAYS:"),
    ],
)
def test_a_wrong_watch_setting_is_named_and_no_password_is_shown(
    name: str, value: str, says: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        make_settings(JOBBOT_API="demo", **{name: value})
    line = describe_error(caught.value)
    assert line.startswith(says)
    assert "Sup3r-s3cret" not in line


def test_the_database_password_is_redacted_like_any_secret() -> None:
    settings = make_settings(JOBBOT_API="demo", JOBBOT_DB=PG)
    assert "Sup3r-s3cret" in settings.secret_values()


async def test_healthz_reports_the_database_and_the_poller(jobbot: Jobbot) -> None:
    await wait_until(lambda: jobbot.runtime.poller.status.last_tick_at is not None)
    health = (await jobbot.http.get("/healthz")).json()
    assert health["status"] == "ok"
    assert health["database"]["reachable"] is True
    assert health["database"]["schema_version"] == LATEST
    assert health["database"]["url"].startswith("sqlite+aiosqlite:///")
    poller = health["poller"]
    assert poller["running"] is True
    assert poller["interval_s"] == 30
    assert poller["watches"] == 0
    assert poller["last_tick_at"] is not None


async def test_healthz_shows_the_postgresql_url_without_its_password(
    fake_slack: FakeSlack, fake_jobs: FakeJobApi, pg_url: str
) -> None:
    from tests.conftest import start_jobbot, stop_jobbot

    bot = await start_jobbot(
        settings_for(fake_slack, fake_jobs, JOBBOT_DB=pg_url), fake_slack, fake_jobs
    )
    try:
        health = (await bot.http.get("/healthz")).json()
    finally:
        await stop_jobbot(bot)
    assert health["database"]["reachable"] is True
    assert health["database"]["schema_version"] == LATEST
    assert "pw-for-tests" not in str(health)
    assert re.match(
        r"postgresql\+asyncpg://jobbot:\*\*\*@127\.0\.0\.1:\d+/", health["database"]["url"]
    )


async def test_check_reports_the_database(
    fake_slack: FakeSlack, fake_jobs: FakeJobApi, capsys: pytest.CaptureFixture[str]
) -> None:
    status = await run_check(settings_for(fake_slack, fake_jobs))
    out = capsys.readouterr().out
    assert status == 0
    assert re.search(
        r"^ok   database \(sqlite\+aiosqlite:///.*\): ok, schema 0, upgraded", out, re.M
    )


async def test_check_fails_on_an_unreachable_database_without_showing_its_password(
    fake_slack: FakeSlack, fake_jobs: FakeJobApi, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.postgres import free_port

    url = f"postgresql://jobbot:Sup3r-s3cret@127.0.0.1:{free_port()}/jobbot"
    status = await run_check(settings_for(fake_slack, fake_jobs, JOBBOT_DB=url))
    out = capsys.readouterr().out
    assert status == 1
    assert "FAIL database (postgresql+asyncpg://jobbot:***@127.0.0.1:" in out
    assert "cannot connect" in out
    assert "Sup3r-s3cret" not in out


async def test_watch_metrics_are_served(jobbot: Jobbot) -> None:
    await wait_until(lambda: jobbot.runtime.poller.status.last_tick_at is not None)
    text = jobbot.runtime.metrics.render().decode()
    for name in (
        "jobbot_watches_active",
        "jobbot_watch_polls_total",
        "jobbot_watch_poll_lag_seconds",
    ):
        assert re.search(rf"^{name} ", text, re.M), name
