"""Job names in alerts that give no job ID."""

from __future__ import annotations

import pytest

from bot.usecases.job_names import find_job_names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("job orders_enrich failed", ["orders_enrich"]),
        ('FIRING: Flink job "orders_enrich" restarted', ["orders_enrich"]),
        ("Flink job \u201cOrders\u201d is failing", ["Orders"]),
        ("job: 'payments'", ["payments"]),
        (
            "job_name=orders-enrich-2 restarted; job name=billing_v3",
            ["orders-enrich-2", "billing_v3"],
        ),
        ("job orders_enrich and job orders_enrich again", ["orders_enrich"]),
        ("The job failed and the job is running", []),
        ("job id 50320", []),
        ("jobs are fine", []),
        ("cronjob backup_1 done", []),
    ],
)
def test_names_are_found(text: str, names: list[str]) -> None:
    assert find_job_names(text) == names


def test_at_most_five() -> None:
    text = " ".join(f"job j_{n}" for n in range(8))
    assert find_job_names(text) == [f"j_{n}" for n in range(5)]
