"""Read `JOBBOT_DB` as operators write it and turn it into a SQLAlchemy async URL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

SQLITE_PREFIXES = ("sqlite:///", "sqlite+aiosqlite:///")
POSTGRES_PREFIXES = ("postgresql://", "postgres://", "postgresql+asyncpg://")


def database_url(value: str) -> URL:
    """Map a file path, `sqlite:///…` or `postgresql://…` to the async driver's URL."""
    text = value.strip()
    if not text:
        raise ValueError("is empty; give a file path, sqlite:///PATH or postgresql://…")
    if text.startswith(POSTGRES_PREFIXES):
        try:
            url = make_url(text)
        except ArgumentError:
            raise ValueError("is not a valid postgresql:// URL") from None
        if not url.database:
            raise ValueError("names no database; write postgresql://user:password@host:port/db")
        return url.set(drivername="postgresql+asyncpg")
    if text.startswith(SQLITE_PREFIXES):
        path = text.split(":///", 1)[1]
        if not path:
            raise ValueError("names no file; write sqlite:///path/to/jobbot.db")
        return URL.create("sqlite+aiosqlite", database=path)
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise ValueError(f"uses {scheme}://, which jobbot does not support (sqlite or postgresql)")
    return URL.create("sqlite+aiosqlite", database=str(Path(text)))


def shown(url: URL) -> str:
    """Render a URL for logs, health and check lines: the password masked."""
    return url.render_as_string(hide_password=True)
