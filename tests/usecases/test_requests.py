"""One reading of what a person asks, for `/job …` and `@jobbot …` alike."""

from __future__ import annotations

import pytest

from bot.usecases.requests import (
    STATUS_WORDS,
    FindJob,
    Help,
    JobTarget,
    ListJobs,
    ListWatches,
    ShowJob,
    ShowPlan,
    UnwatchJob,
    Usage,
    UseProject,
    WatchJob,
    parse_mention,
    parse_request,
)

PROJECTS = ("prod", "staging")


@pytest.mark.parametrize(
    ("text", "request_"),
    [
        ("", Help()),
        ("  help ", Help()),
        ("50320", ShowJob(JobTarget(None, 50320))),
        ("#50320", ShowJob(JobTarget(None, 50320))),
        ("show 50320", ShowJob(JobTarget(None, 50320))),
        ("prod:50320", ShowJob(JobTarget("prod", 50320))),
        ("Show STAGING:7", ShowJob(JobTarget("staging", 7))),
        ("orders_enrich", FindJob(None, "orders_enrich")),
        ("show orders_enrich", FindJob(None, "orders_enrich")),
        ("prod:orders_enrich", FindJob("prod", "orders_enrich")),
        ("<!channel>", FindJob(None, "<!channel>")),
        ("my job", FindJob(None, "my job")),
        ("list", ListJobs(None, (), None)),
        ("list running", ListJobs(None, ("running",), None)),
        (
            "list staging FAILED stopped orders",
            ListJobs("staging", ("failed", "stopped"), "orders"),
        ),
        ("list orders", ListJobs(None, (), "orders")),
        ("list running running", ListJobs(None, ("running",), None)),
        ("plan 50320", ShowPlan(JobTarget(None, 50320))),
        ("plan prod:50320", ShowPlan(JobTarget("prod", 50320))),
        ("use Staging", UseProject("staging")),
        ("watch prod:50320", WatchJob(JobTarget("prod", 50320))),
        ("unwatch 50320", UnwatchJob(JobTarget(None, 50320))),
        ("watching", ListWatches()),
    ],
)
def test_requests_are_read(text: str, request_: object) -> None:
    assert parse_request(text, PROJECTS) == request_


@pytest.mark.parametrize(
    ("text", "problem", "argument"),
    [
        ("help me", "unknown", ""),
        ("show", "unknown", ""),
        ("watching all", "unknown", ""),
        ("plan", "missing_id", "plan"),
        ("watch 1 2", "missing_id", "watch"),
        ("plan orders", "job_id", "orders"),
        ("watch 0", "job_id", "0"),
        ("0", "job_id", "0"),
        ("12345678901234567890", "job_id", "12345678901234567890"),
        ("qa:50320", "project", "qa"),
        ("use qa", "project", "qa"),
        ("use", "missing_project", ""),
        ("use prod staging", "unknown", ""),
        ("list runing failed", "status", "runing"),
        ("list prod bogus name", "status", "bogus"),
        ("n" * 58, "name", "n" * 58),
        ("show prod:" + "n" * 58, "name", "n" * 58),
    ],
)
def test_usage_errors_keep_what_was_typed(text: str, problem: str, argument: str) -> None:
    parsed = parse_request(text, PROJECTS)
    assert parsed == Usage(text, problem, argument)


def test_every_status_word_maps_to_the_contracts_statuses() -> None:
    assert set(STATUS_WORDS) == {
        "running", "failed", "stopped", "finished", "draft", "starting", "stopping",
        "savepoint", "idle",
    }  # fmt: skip
    failed = parse_request("list failed running", ())
    assert isinstance(failed, ListJobs)
    assert failed.api_statuses == (
        "job_submit_fail",
        "job_running_exception",
        "job_cancel_fail",
        "job_running",
    )
    every = {status for statuses in STATUS_WORDS.values() for status in statuses}
    assert len(every) == 14


def test_without_projects_a_prefix_is_an_unknown_project() -> None:
    assert parse_request("prod:50320") == Usage("prod:50320", "project", "prod")
    assert parse_request("list prod") == ListJobs(None, (), "prod")


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("job 50320?", ShowJob(JobTarget(None, 50320))),
        ("show job #50320 please", ShowJob(JobTarget(None, 50320))),
        ("prod:job 50320?", ShowJob(JobTarget("prod", 50320))),
        ("is " + "x" * 60 + " job_id=7 ok", ShowJob(JobTarget(None, 7))),
        ("job 2 of 5", FindJob(None, "job 2 of 5")),
        ("orders_enrich", FindJob(None, "orders_enrich")),
        ("watch 50320", WatchJob(JobTarget(None, 50320))),
        ("plan job 50320", Usage("plan job 50320", "missing_id", "plan")),
    ],
)
def test_a_mention_reads_a_job_id_in_plain_words_before_a_name(text: str, read: object) -> None:
    assert parse_mention(text, PROJECTS) == read
