"""The lookup window reads what was typed as `/job show` does; a prefix wins over the picker."""

from __future__ import annotations

from typing import Any

import pytest

from bot.jobs.cache import JobCache
from bot.render.refusals import NoSuchProject, NotAJob
from bot.usecases.lookup import Query, read_query
from bot.usecases.projects import Project, Projects


def projects(*names: str) -> Projects:
    # read_query asks no job API: a source that is never used stands in for one.
    unused: Any = object()
    return Projects([Project(name, JobCache(unused, ttl_s=0)) for name in names])


NAMED = projects("prod", "staging")
SINGLE = projects("")


def said(query: Query | NotAJob | NoSuchProject) -> Any:
    if isinstance(query, Query):
        return (query.project.name, query.job_id, query.name, query.prefixed)
    return query


@pytest.mark.parametrize(
    ("typed", "picked", "expected"),
    [
        ("50320", None, ("prod", 50320, None, False)),
        (" #50320 ", None, ("prod", 50320, None, False)),
        ("50320", "staging", ("staging", 50320, None, False)),
        ("orders_enrich", "staging", ("staging", None, "orders_enrich", False)),
        ("prod:50320", "staging", ("prod", 50320, None, True)),
        ("STAGING:orders", "prod", ("staging", None, "orders", True)),
        ("qa:50320", "staging", NoSuchProject("qa", ("prod", "staging"))),
        ("50320", "qa", NoSuchProject("qa", ("prod", "staging"), picked=True)),
        ("prod:<!here>", None, NotAJob()),
        ("my job", None, NotAJob()),
        ("0", None, NotAJob()),
        ("", None, NotAJob()),
        ("x" * 101, None, NotAJob()),
    ],
)
def test_named_projects(typed: str, picked: str | None, expected: Any) -> None:
    assert said(read_query(typed, picked, NAMED)) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("50320", ("", 50320, None, False)),
        ("作业_01", ("", None, "作业_01", False)),
        ("prod:50320", NoSuchProject("prod", ())),
    ],
)
def test_the_single_project_setup(typed: str, expected: Any) -> None:
    assert said(read_query(typed, None, SINGLE)) == expected
