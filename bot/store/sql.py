"""Small SQL helpers: what differs between SQLite and PostgreSQL; prebuilt statements."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.expression import BindParameter


def insert_ignoring_duplicates(conn: AsyncConnection, table: Table) -> Any:
    """Return an INSERT that does nothing when a unique key already holds the row."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def upsert(conn: AsyncConnection, table: Table, key: list[str], values: dict[str, Any]) -> Any:
    """Return an INSERT that overwrites the row with the same `key` columns."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values)
    changed = {name: statement.excluded[name] for name in values if name not in key}
    return statement.on_conflict_do_update(index_elements=key, set_=changed)


def inserts_ignoring_duplicates(table: Table, **values: Any) -> dict[str, Any]:
    """Build, once per dialect name, an INSERT of `values` that skips rows a unique key holds."""
    return {
        name: dialect.insert(table).values(**values).on_conflict_do_nothing()
        for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
    }


def param(name: str, type_: Any = None, *, expanding: bool = False) -> BindParameter[Any]:
    """Return a prebuilt statement's bound parameter (`b_` keeps it apart from column names)."""
    return bindparam(f"b_{name}", type_=type_, expanding=expanding)


def bound(**values: Any) -> dict[str, Any]:
    """Name each value as `param` names the bound parameters of prebuilt statements."""
    return {f"b_{name}": value for name, value in values.items()}
