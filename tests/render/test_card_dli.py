"""What a person sees for DLI's newer job shapes: v2 and v1 resources, restarts, savepoints."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.huawei import errors
from bot.jobs.models import Job
from bot.jobs.wire import decode_job
from bot.render.card import build_job_card
from bot.render.messages import lookup_error
from bot.render.resources import memory_text
from tests.blockkit import assert_no_unescaped_control, assert_valid_message
from tests.conftest import sample

NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def recorded(name: str, **changes: Any) -> Job:
    body = sample(name)
    body["job_detail"].update(changes)
    return decode_job("dli", 200, {}, json.dumps(body).encode())


def card(job: Job) -> dict[str, Any]:
    payload = build_job_card(job, job.job_id or 1, now=NOW).as_payload()
    assert_valid_message(payload)
    assert_no_unescaped_control(payload)
    return payload


def fields(payload: dict[str, Any]) -> dict[str, str]:
    found = {}
    for block in payload["blocks"]:
        for item in block.get("fields", []):
            label, _, value = item["text"].partition("\n")
            found[label.strip("*")] = value
    return found


def test_a_v2_job_reads_as_cpu_memory_and_slots() -> None:
    shown = fields(card(recorded("dli/job_v2")))
    assert shown["Resources"] == (
        "parallelism 4, JobManager 1 CPU / 4 GB, TaskManager 2 CPU / 8 GB, 2 slots, 6 CUs in use"
    )
    assert shown["Type"] == "Flink OpenSource SQL, Flink 1.15"
    # DLI's resume_max_num counts restarts per hour.
    assert shown["Restarts"] == "Restarted 2 times; auto-restart on, at most 5 times an hour"
    assert shown["Savepoint"] == "`obs://dli-flink-savepoints/orders_enrich/savepoint-31207-1a2b3c`"
    assert shown["Checkpointing"] == (
        "On, exactly once, every 30 s, to `obs://dli-flink-checkpoints/orders_enrich/`"
    )
    assert shown["Queue"] == "`flink_prod_queue`"


def test_a_v2_job_without_cus_in_use_says_nothing_about_them() -> None:
    job = recorded("dli/job_v2")
    body = sample("dli/job_v2")["job_detail"]
    body["job_config"]["real_cu_number"] = 0
    same = Job.model_validate({**body, "service": "dli"})
    assert "CUs in use" not in fields(card(same))["Resources"]
    assert "CUs in use" in fields(card(job))["Resources"]


def test_a_v1_job_reads_as_cus_as_before() -> None:
    payload = card(recorded("dli/job_v1"))
    shown = fields(payload)
    assert shown["Resources"] == "parallelism 3, 4 CUs, 1 for the job manager"
    assert shown["Type"] == "Flink JAR, Flink 1.12"
    assert shown["Restarts"] == "Restarted 0 times; auto-restart off"
    assert "Savepoint" not in shown
    assert shown["Checkpointing"] == "On, at least once, every 1 min"
    assert "TaskManager lost: heartbeat timed out." in json.dumps(payload)


def test_a_v1_job_using_more_cus_than_asked_shows_both() -> None:
    body = sample("dli/job_v1")["job_detail"]
    body["job_config"]["real_cu_number"] = 6
    job = Job.model_validate({**body, "service": "dli"})
    assert fields(card(job))["Resources"] == (
        "parallelism 3, 4 CUs, 1 for the job manager, 6 CUs in use"
    )


def test_unlimited_auto_restart() -> None:
    body = sample("dli/job_v1")["job_detail"]
    body["job_config"].update(restart_when_exception=True, resume_max_num=-1)
    body["restart_times"] = 1
    job = Job.model_validate({**body, "service": "dli"})
    assert fields(card(job))["Restarts"] == "Restarted 1 time; auto-restart on, no limit"


def test_one_auto_restart_an_hour() -> None:
    body = sample("dli/job_v1")["job_detail"]
    body["job_config"].update(restart_when_exception=True, resume_max_num=1)
    job = Job.model_validate({**body, "service": "dli"})
    restarts = fields(card(job))["Restarts"]
    assert restarts == "Restarted 0 times; auto-restart on, at most once an hour"


def test_a_job_with_null_lists_and_nothing_else_still_has_a_valid_card() -> None:
    payload = card(recorded("dli/job_null_lists"))
    shown = fields(payload)
    assert "Resources" not in shown
    assert "Restarts" not in shown
    assert "Savepoint" not in shown
    assert "Edge groups" not in shown
    assert payload["text"] == "Job 777 bare_job: Draft"


def test_a_savepoint_without_a_path_is_a_yes() -> None:
    job = recorded("dli/job_v2", savepoint_path=None)
    assert fields(card(job))["Savepoint"] == "Yes"


def test_huge_paths_and_versions_are_cut_within_block_kit_limits() -> None:
    body = sample("dli/job_v2")["job_detail"]
    body["savepoint_path"] = "obs://bucket/" + "s" * 5000
    body["job_config"]["checkpoint_path"] = "obs://bucket/" + "c" * 5000
    body["job_config"]["flink_version"] = "1." + "9" * 3000
    body["job_config"]["resource_config"]["taskmanager_resource_spec"]["memory"] = "x" * 3000
    job = Job.model_validate({**body, "service": "dli"})
    shown = fields(card(job))
    assert "…" in shown["Savepoint"]
    assert len(shown["Savepoint"]) <= 700
    assert "…" in shown["Checkpointing"]
    assert len(shown["Checkpointing"]) < 1000
    assert len(shown["Type"]) < 100
    assert len(shown["Resources"]) < 200


def test_hostile_text_in_new_fields_is_escaped() -> None:
    body = sample("dli/job_v2")["job_detail"]
    body["savepoint_path"] = "<!channel> obs://x"
    body["job_config"]["flink_version"] = "<!here>"
    job = Job.model_validate({**body, "service": "dli"})
    text = json.dumps(card(job))
    assert "<!channel>" not in text
    assert "<!here>" not in text


@pytest.mark.parametrize(
    ("memory", "shown"),
    [("4G", "4 GB"), ("512M", "512 MB"), ("4Gi", "4 GB"), ("8GB", "8 GB"), ("1.5g", "1.5 GB")],
)
def test_memory_reads_as_a_person_writes_it(memory: str, shown: str) -> None:
    assert memory_text(memory) == shown


def test_is_success_false_tells_the_user_what_dli_said() -> None:
    body = sample("dli/error_is_success_false")
    with pytest.raises(errors.ApiRejected) as caught:
        decode_job("dli", 200, {}, json.dumps(body).encode())
    payload = lookup_error(caught.value, 31207, timeout_s=5).as_payload()
    assert_valid_message(payload)
    text = json.dumps(payload)
    assert "The job 31207 is being deleted, try again later." in text
    assert "not found" not in text
