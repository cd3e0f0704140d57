"""JOBBOT_DB as operators write it, and the URL jobbot connects with."""

from __future__ import annotations

import pytest

from bot.config.database_url import database_url, shown


@pytest.mark.parametrize(
    ("value", "driver", "database"),
    [
        ("jobbot.db", "sqlite+aiosqlite", "jobbot.db"),
        ("/data/jobbot.db", "sqlite+aiosqlite", "/data/jobbot.db"),
        ("sqlite:///relative/x.db", "sqlite+aiosqlite", "relative/x.db"),
        ("sqlite:////abs/x.db", "sqlite+aiosqlite", "/abs/x.db"),
        ("postgresql://bot:s3cret@db.internal:5432/jobbot", "postgresql+asyncpg", "jobbot"),
        ("postgres://bot:s3cret@db.internal/jobbot", "postgresql+asyncpg", "jobbot"),
    ],
)
def test_operators_spellings_map_to_the_async_drivers(value: str, driver: str, database: str):
    url = database_url(value)
    assert url.drivername == driver
    assert url.database == database


def test_the_password_never_shows():
    url = database_url("postgresql://bot:s3cret-pw@db.internal:5432/jobbot")
    assert "s3cret-pw" not in shown(url)
    assert shown(url) == "postgresql+asyncpg://bot:***@db.internal:5432/jobbot"
    assert url.password == "s3cret-pw"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("", "is empty"),
        ("mysql://u:p@h/db", "mysql://"),
        ("postgresql://u:p@h:5432", "names no database"),
        ("sqlite:///", "names no file"),
    ],
)
def test_unusable_values_say_why(value: str, says: str):
    with pytest.raises(ValueError, match=says) as caught:
        database_url(value)
    assert "p@h" not in str(caught.value)
