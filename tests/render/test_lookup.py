"""The lookup window's views and errors: within Slack's limits, nothing from the API unescaped."""

from __future__ import annotations

from typing import Any

import pytest

from bot.render.lookup import Picker, inline_error, lookup_view, refusal_notice
from bot.render.refusals import Asked, NoneNamed, NoSuchJob, SeveralNamed
from tests.blockkit import assert_no_unescaped_control, assert_valid_view


def test_a_hundred_and_twenty_projects_keep_the_menu_within_slacks_hundred_options() -> None:
    names = tuple(f"p{n:03d}" for n in range(120))
    view = lookup_view("7", picker=Picker(names, "p110"))
    assert_valid_view(view)
    [block] = [b for b in view["blocks"] if b.get("block_id") == "job_lookup_project"]
    assert len(block["element"]["options"]) == 100
    # A choice beyond the menu falls back to the first project rather than break the view.
    assert block["element"]["initial_option"]["value"] == "p000"


@pytest.mark.parametrize(
    "refusal",
    [
        NoneNamed(Asked("staging", name="x"), ("<!channel> `boom`", "a&b", "z" * 500)),
        SeveralNamed(Asked("staging", name="etl", prefixed=True), tuple(range(1, 400))),
        NoSuchJob(Asked("staging", job_id=9_999_999_999_999_999_999)),
    ],
)
def test_errors_from_api_names_are_escaped_and_fit(refusal: Any) -> None:
    inline = inline_error(refusal)
    assert len(inline) <= 500
    assert "<" not in inline
    view = lookup_view("x", picker=Picker(("prod", "staging"), "staging"))
    view["blocks"] += refusal_notice(refusal)
    assert_valid_view(view)
    assert_no_unescaped_control(view)
