"""The Home tab, pure: 0, 1 and 60 watches fit Slack's limits for views."""

from __future__ import annotations

import json

from bot.render.home import HomeData, HomeWatch, RecentLookup, home_view
from tests.blockkit import assert_no_unescaped_control, assert_valid_view

SINCE = 1_764_000_000.0


def watch(n: int, *, channel: str = "C0INCIDENT", name: str | None = None) -> HomeWatch:
    return HomeWatch(
        project="default",
        job_id=50000 + n,
        job_name=name if name is not None else f"job_{n}",
        channel_id=channel,
        status="job_running" if n % 2 else "job_running_exception",
        status_since=SINCE,
    )


def lookups(count: int) -> list[RecentLookup]:
    return [RecentLookup("default", 60000 + n, f"looked_{n}", SINCE - n) for n in range(count)]


def check(view: dict[str, object]) -> str:
    assert_valid_view(view)
    assert_no_unescaped_control(view)
    return json.dumps(view)


def test_no_watches_shows_how_to_watch() -> None:
    text = check(home_view(HomeData([], []), command="/job"))
    assert "You are not watching any job" in text
    assert "`/job watch 50320`" in text
    assert "Jobs you look up with jobbot show here." in text
    assert "job_lookup_open" in text
    assert "/job 50320" in text  # the help


def test_one_watch_with_its_status_and_channel() -> None:
    text = check(home_view(HomeData([watch(1)], lookups(3)), command="/job"))
    assert ":large_green_circle: *job_1* `50001` in <#C0INCIDENT>" in text
    assert "*Running* since <!date^1764000000^" in text
    assert "`60000` looked_0" in text
    assert "more watches" not in text


def test_sixty_watches_fit_in_a_hundred_blocks_with_the_rest_summarised() -> None:
    watches = [watch(n, channel=f"C0CHAN{n % 8}") for n in range(60)]
    view = home_view(HomeData(watches, lookups(10)), command="/job")
    text = check(view)
    assert len(view["blocks"]) <= 100
    assert "job_39" in text
    assert "job_40" not in text
    assert "and 20 more watches, in <#C0CHAN0>" in text
    assert "and 3 other channels" in text
    assert text.count("looked_") == 10


def test_hostile_names_ping_no_one() -> None:
    hostile = watch(1, name="<!channel> <@U0BOSS> " + "x" * 5000)
    recent = [RecentLookup("p<!here>", 1, "<!everyone>", SINCE)]
    text = check(home_view(HomeData([hostile], recent), command="/job"))
    assert "&lt;!channel&gt;" in text
