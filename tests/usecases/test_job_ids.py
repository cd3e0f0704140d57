"""Finding job IDs in alerts and reading the one typed after the slash command."""

from __future__ import annotations

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
