"""Finding job IDs in alerts and reading the one typed after the slash command."""

from __future__ import annotations

import time

import pytest

from bot.usecases.job_ids import find_job_ids, parse_job_id


@pytest.mark.parametrize(
    "text",
    [
        "[ALERT] job 50320 entered state job_running_exception",
        "Flink job #50320 restarted 3 times in 10 minutes",
        "CS alarm: job id 50320 checkpoint failed",
        "severity=major job_id: 50320 region=cn-north-4",
        "labels: project=5a33 job_id=50320 env=prod",
        "DLI notification jobId: 50320 status changed",
        'payload: {"job_id": 50320, "status": "job_running_exception"}',
        "see https://console.huaweicloud.com/cs/?region=cn-north-4#/job/50320 for details",
        "Dashboard: https://console.example.com/dli/jobs/50320",
        "https://console.example.com/dli/#/main/jobs/detail/50320?tab=log",
        "Open <https://console.example.com/dli/#/main/jobs/detail/50320|the job in the console>",
        "Flink job failed: <https://console.example.com/cs/job/50320|my_job_001>",
    ],
)
def test_each_documented_form_is_found(text: str) -> None:
    assert find_job_ids(text) == [50320]


@pytest.mark.parametrize(
    "text",
    ["JOB 50320", "Job #50320", "JOB ID 50320", "JOB_ID=50320", "JOBID: 50320", "/JOBS/50320"],
)
def test_forms_are_found_whatever_the_case(text: str) -> None:
    assert find_job_ids(text) == [50320]


def test_ids_are_found_in_order_without_duplicates() -> None:
    text = (
        "job 3 failed after job_id=1 and job #2 recovered; job 3 again, "
        "<https://console.example.com/jobs/1|job 1>"
    )
    assert find_job_ids(text) == [3, 1, 2]


def test_at_most_five_ids_are_returned() -> None:
    text = " ".join(f"job {n}" for n in range(101, 110))
    assert find_job_ids(text) == [101, 102, 103, 104, 105]


@pytest.mark.parametrize(
    "text",
    [
        "the alert fired 50320 seconds ago",
        "jobs: 50320",
        "myjob 50320",
        "blowjob_id 50320",
        "job 0",
        "job_id: -5",
        "job 12345678901234567890",  # 20 digits
        "job 50320abc",
        "/jobs/50320abc",
        "jobber 7",
        "",
    ],
)
def test_things_that_are_not_job_ids_are_ignored(text: str) -> None:
    assert find_job_ids(text) == []


def test_the_largest_nineteen_digit_id_is_found() -> None:
    assert find_job_ids("job 9999999999999999999") == [9_999_999_999_999_999_999]


def test_real_alert_with_several_mentions() -> None:
    alert = (
        ":rotating_light: *CS job alarm* `cs_job_exception`\n"
        "Job my_job_001 (job_id: 50320) is job_running_exception since 03:12.\n"
        "Related: job #50321, upstream jobId: 50319\n"
        "<https://console.huaweicloud.com/cs/?region=cn-north-4#/job/50320|Open job 50320>"
    )
    assert find_job_ids(alert) == [50320, 50321, 50319]


# Alert texts as monitoring tools and people write them (mrkdwn, Markdown, JSON, URLs).
ALERTS_NAMING_JOBS = [
    ("*Job ID:* 50320", [50320]),
    ("Job ID: `50320`", [50320]),
    ("*Job ID:*\n50320", [50320]),  # a section field: bold title over the value
    ("*Job ID*\n`50320`", [50320]),
    (":warning: Job ID: #50320 checkpoint failed", [50320]),
    ("[FIRING:1] FlinkJobFailed\n*Job:* orders_enrich (ID: 50320)\n*Region:* cn-north-4", [50320]),
    ("Flink job orders_enrich (ID: 50320) restarted 3 times in 10 min", [50320]),
    ('Job name: "orders_enrich" (ID: 50320)', [50320]),
    ("Job *orders_enrich* (ID: *50320*) is failing", [50320]),
    ("Flink job orders-enrich_v2 (ID: 61000) and job 50320", [61000, 50320]),
    ("Lag <https://console.example.com/dli/#/main/jobs/50320?region=cn-north-4|open>", [50320]),
    ("see jobs/50320?region=cn-north-4", [50320]),
    ("<https://console.example.com/cs/jobs/50320|Job 50320>", [50320]),
    ("[open the job](https://console.example.com/cs/#/jobs/detail/50320)", [50320]),
    ("job *50320* is in job_running_exception", [50320]),
    ("Job: _50320_", [50320]),
    ("job `50320` is back to running", [50320]),
    ("job ~50320~ replaced by job 50321", [50320, 50321]),
    (":red_circle: *CS job alarm*: job #50320 failed", [50320]),
    ("Alert: JOB_ID=50320 STATUS=FAILED", [50320]),
    ("ces alarm https://console.example.com/cs/?jobId=50320&region=cn-north-4", [50320]),
    ("https://console.example.com/dli/?region=cn-north-4&job_id=50320", [50320]),
    ("Job 50320: checkpoint failure", [50320]),
    ("job 50320 (orders_enrich) failed at 03:12", [50320]),
    ("Failed: job 101, job 102, job 103", [101, 102, 103]),
    ('{"alarm": "FlinkJobFailed", "job_id": "50320"}', [50320]),
    ("job id: 50320, name: orders_enrich", [50320]),
    ("job 50320 is 2 of 5 failing jobs", [50320]),
    ("Job #50320 restarted (attempt 2 of 5)", [50320]),
    ("Restarting job 50320 at 12:30 UTC", [50320]),
    ("JOB 50320 FAILED", [50320]),
    ("job_id=50320 job_id=50320 job 50320", [50320]),
]

ALERTS_NAMING_NO_JOB = [
    "job 2 of 5 failed",
    "flink_job 3 restarted",
    "batch-job 7 finished",
    "cronjob 42 ran",
    "subjob 5 failed",
    "3 jobs failed in the last hour",
    "Jobs: 12 running, 2 failed",
    "*jobs* 50320",
    "Alarm rule (ID: 50320) triggered",
    "Request ID: 50320",
    "error 50320 on node-7",
    "job 2/5 done",
    "backfill job 75% complete",
    "upgrading job 1.12 to Flink 1.15",
    "nightly job 02:00 skipped",
    "job_count=5 job_errors=2",
    "https://grafana.example.com/d/abc?orgId=1&var-job=flink",
    "<https://ci.example.com/job/deploy-flink/123/|Jenkins build 123>",
    "job: N/A",
    "Job ID: 12345678901234567890",
    "jobs/50320abc",
    "job 3 of 10 retried",
]


@pytest.mark.parametrize(("alert", "expected"), ALERTS_NAMING_JOBS)
def test_job_ids_are_found_where_alerts_put_them(alert: str, expected: list[int]) -> None:
    assert find_job_ids(alert) == expected


@pytest.mark.parametrize("alert", ALERTS_NAMING_NO_JOB)
def test_alerts_that_name_no_job_give_no_id(alert: str) -> None:
    assert find_job_ids(alert) == []


def test_each_text_is_read_on_its_own_and_ids_stay_in_order() -> None:
    texts = ("Flink job", "50320 is down", "*Job ID:* 61000", "job 7 and job 61000")
    assert find_job_ids(*texts) == [61000, 7]


def test_at_most_five_ids_across_texts() -> None:
    texts = [f"job {n}" for n in range(1, 9)]
    assert find_job_ids(*texts) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    "hostile",
    [
        "job" + " " * 20_000 + "x",
        "job id" + " " * 20_000 + "x",
        "job " * 20_000,
        ("job " + "a" * 90 + " (") * 2_000,
        "<" * 20_000 + "|" + ">" * 20_000,
        "[" * 20_000 + "](" * 20_000,
    ],
)
def test_reading_a_huge_hostile_text_takes_linear_time(hostile: str) -> None:
    started = time.perf_counter()
    find_job_ids(hostile)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    ("typed", "job_id"),
    [
        ("50320", 50320),
        ("#50320", 50320),
        ("  50320  ", 50320),
        ("1", 1),
        ("9999999999999999999", 9_999_999_999_999_999_999),
    ],
)
def test_a_typed_job_id_is_read(typed: str, job_id: int) -> None:
    assert parse_job_id(typed) == job_id


@pytest.mark.parametrize(
    "typed",
    ["", "abc", "0", "-1", "+5", "1e5", "50 320", "50320x", "12345678901234567890", "##1", "1.0"],
)
def test_anything_else_is_not_a_job_id(typed: str) -> None:
    assert parse_job_id(typed) is None
