"""Database fixtures: a SQLite file per test, and a fresh database on the tests' PostgreSQL."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.store.db import Database, open_database
from bot.store.migrations import migrate
from tests.postgres import PostgresServer, PostgresUnavailable, start_postgres

_NAMES = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """Start one PostgreSQL server for the session; in CI, failing to start fails the tests."""
    try:
        server = start_postgres()
    except PostgresUnavailable as error:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"PostgreSQL is required in CI: {error}")
        pytest.skip(f"PostgreSQL unavailable: {error}")
    yield server
    server.stop()


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> str:
    """Create an empty database and return its postgresql:// URL."""
    name = f"t{os.getpid()}_{next(_NAMES)}"
    postgres_server.create_database(name)
    return postgres_server.url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A JOBBOT_DB value for each engine jobbot supports."""
    if request.param == "sqlite":
        return str(tmp_path / "jobbot.db")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    """A migrated database on each engine."""
    database = open_database(db_url)
    await migrate(database, now=1_700_000_000.0)
    yield database
    await database.aclose()
