"""Small SQL helpers: what differs between SQLite and PostgreSQL; prebuilt statements."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

from sqlalchemy import Table, bindparam
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.expression import BindParameter


def _dialect(name: str) -> ModuleType:
    # Imported on first use: PostgreSQL's dialect alone takes about 45 ms and 3 MB to import,
    # which a SQLite deployment (the default) would pay at every start for nothing.
    if name not in ("sqlite", "postgresql"):
        raise ValueError(f"jobbot does not support the {name!r} database dialect")
    return importlib.import_module(f"sqlalchemy.dialects.{name}")


class PerDialect:
    """A prebuilt statement, built once for each dialect the first time it is asked for."""

    def __init__(self, build: Callable[[ModuleType], Any]) -> None:
        self._build = build
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = self._build(_dialect(name))
        return self._built[name]

    def then(self, more: Callable[[Any], Any]) -> PerDialect:
        """The same statement with `more` applied to it (RETURNING, for instance)."""
        build = self._build
        return PerDialect(lambda dialect: more(build(dialect)))


def insert_ignoring_duplicates(conn: AsyncConnection, table: Table) -> Any:
    """Return an INSERT that does nothing when a unique key already holds the row."""
    return _dialect(conn.dialect.name).insert(table).on_conflict_do_nothing()


def upsert(conn: AsyncConnection, table: Table, key: list[str], values: dict[str, Any]) -> Any:
    """Return an INSERT that overwrites the row with the same `key` columns."""
    statement = _dialect(conn.dialect.name).insert(table).values(**values)
    changed = {name: statement.excluded[name] for name in values if name not in key}
    return statement.on_conflict_do_update(index_elements=key, set_=changed)


def inserts_ignoring_duplicates(table: Table, **values: Any) -> PerDialect:
    """An INSERT of `values` that skips rows a unique key holds, per dialect name."""
    return PerDialect(
        lambda dialect: dialect.insert(table).values(**values).on_conflict_do_nothing()
    )


def param(name: str, type_: Any = None, *, expanding: bool = False) -> BindParameter[Any]:
    """Return a prebuilt statement's bound parameter (`b_` keeps it apart from column names)."""
    return bindparam(f"b_{name}", type_=type_, expanding=expanding)


def bound(**values: Any) -> dict[str, Any]:
    """Name each value as `param` names the bound parameters of prebuilt statements."""
    return {f"b_{name}": value for name, value in values.items()}
