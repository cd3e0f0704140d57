"""DLI's newer job fields, read as huaweicloudsdkdli's models name them, tolerantly."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.huawei import errors
from bot.jobs.models import Job, ResourceConfig, ResourceSpec
from bot.jobs.wire import decode_job
from tests.conftest import sample


def dli(name: str) -> Job:
    return decode_job("dli", 200, {}, json.dumps(sample(name)).encode())


def detail(**changes: Any) -> dict[str, Any]:
    body = sample("dli/job_v2")["job_detail"]
    body.update(changes)
    return body


def test_v2_resources_and_the_newer_fields() -> None:
    job = dli("dli/job_v2")
    assert job.uses_v2_resources
    assert job.resource_config == ResourceConfig(
        max_slot=2,
        parallel_number=4,
        jobmanager_resource_spec=ResourceSpec(cpu=1.0, memory="4G"),
        taskmanager_resource_spec=ResourceSpec(cpu=2.0, memory="8G"),
    )
    assert job.flink_version == "1.15"
    assert (job.units, job.units_in_use) == (5, 6)
    assert job.restart_when_exception is True
    assert job.resume_max_num == 5
    assert job.restart_times == 2
    assert job.has_savepoint is True
    assert job.savepoint_path == "obs://dli-flink-savepoints/orders_enrich/savepoint-31207-1a2b3c"
    assert job.checkpoint_path == "obs://dli-flink-checkpoints/orders_enrich/"
    assert "kafka-s3cret" not in (job.sql_body or "")


def test_v1_resources_are_cu_numbers() -> None:
    job = dli("dli/job_v1")
    assert not job.uses_v2_resources
    assert job.resource_config is None
    assert (job.units, job.manager_units, job.parallel_number) == (4, 1, 3)
    assert job.units_in_use == 0
    assert job.restart_when_exception is False
    assert job.dependency_jars == ("obs://dli-jars/common-1.2.jar",)


def test_null_lists_are_empty_tuples_never_none() -> None:
    job = dli("dli/job_null_lists")
    assert job.edge_group_ids == ()
    assert job.dependency_jars == ()
    assert job.dependency_files == ()
    assert job.resource_config is None
    assert job.uses_v2_resources  # said v2, gave nothing: no CU numbers to show either
    assert job.restart_times is None
    assert job.has_savepoint is None


@pytest.mark.parametrize(
    "changes",
    [
        {"job_config": {"resource_config": "v2", "resource_config_version": "v2"}},
        {"job_config": {"resource_config": [1, 2], "real_cu_number": "many"}},
        {"job_config": {"resource_config": {"max_slot": "two", "jobmanager_resource_spec": 4}}},
        {"has_savepoint": "maybe", "restart_times": True, "savepoint_path": {"a": 1}},
        {"edge_group_ids": 42, "job_config": {"dependency_jars": {"x": 1}}},
    ],
)
def test_wrong_types_are_unknown_values_not_failed_lookups(changes: dict[str, Any]) -> None:
    job = Job.model_validate({**detail(**changes), "service": "dli"})
    assert job.name == "orders_enrich"
    assert job.edge_group_ids == ()
    assert job.dependency_jars == ()
    if "job_config" in changes and job.resource_config is not None:
        assert job.resource_config.max_slot is None
        assert job.resource_config.jobmanager is None


def test_strings_inside_resources_are_masked_too() -> None:
    config = sample("dli/job_v2")["job_detail"]["job_config"]
    config["resource_config"]["taskmanager_resource_spec"]["memory"] = "password=hunter2"
    job = Job.model_validate({**detail(job_config=config), "service": "dli"})
    assert job.resource_config is not None
    assert job.resource_config.taskmanager is not None
    assert "hunter2" not in (job.resource_config.taskmanager.memory or "")


@pytest.mark.parametrize("flag", ["false", False, "False"])
def test_a_200_with_is_success_false_is_an_api_error_with_its_message(flag: Any) -> None:
    body = {**sample("dli/error_is_success_false"), "is_success": flag}
    with pytest.raises(errors.JobApiError) as caught:
        decode_job("dli", 200, {}, json.dumps(body).encode())
    assert type(caught.value) is errors.ApiRejected
    assert caught.value.message == "The job 31207 is being deleted, try again later."
    assert caught.value.http_status == 200


def test_is_success_false_without_a_message_still_says_what_happened() -> None:
    with pytest.raises(errors.ApiRejected) as caught:
        decode_job("dli", 200, {}, b'{"is_success": "false"}')
    assert "is_success false" in caught.value.message
