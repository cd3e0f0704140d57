"""The job model: CS and DLI answers, however odd, become one Job with readable fields."""

from __future__ import annotations

from typing import Any

import pytest

from bot.jobs.models import Health, Job, from_millis
from bot.render.labels import job_type_label, run_mode_label, status_label
from tests.conftest import sample


def cs_payload(**changes: Any) -> dict[str, Any]:
    return {**sample("cs/job_running")["payload"], **changes}


def dli_detail(**changes: Any) -> dict[str, Any]:
    return {**sample("dli/job_init")["job_detail"], **changes}


def test_the_recorded_cs_sample_reads_as_expected() -> None:
    job = Job.model_validate({**cs_payload(), "service": "cs", "current_time": 1533686888000})
    assert job.service == "cs"
    assert job.job_id == 50320
    assert job.name == "my_job_001"
    assert job.desc == "This is my job."
    assert job.job_type == "flink_jar_job"
    assert job.status == "job_running"
    assert status_label(job) == "Running"
    assert job.health is Health.GOOD
    assert job.is_running
    assert job.status_desc == ""
    assert job.create_time == 1516952710040
    assert job.start_time == 1516952710740
    assert job.update_time == 1516952770835
    assert job.current_time == 1533686888000
    assert job.user_id == "ac4eaa303639409c8ab099d55eb1538e"
    assert job.project_id == "5a3314075bfa49b9ae360f4ecd333695"
    assert job.cluster == "100000"
    assert job.run_mode == "shared_cluster"
    assert job.jar == "cs-flink-jar/52818/WindowJoin.jar"
    assert job.main_class == "org.apache.spark.examples.streaming.JavaQueueStream"
    assert job.args == ""
    assert job.is_jar
    assert job.units == 0
    assert job.parallel_number == 0
    assert job.checkpoint_enabled is True
    assert job.checkpoint_mode == "exactly_once"
    assert job.checkpoint_interval == 0
    assert job.log_enabled is True
    assert job.obs_bucket == "string"
    assert job.smn_topic == "cs_job_exception"
    assert job.root_id == 0
    assert job.edge_group_ids == (
        "62de1e1c-066e-48a8-a79d-f461a31b2ee1",
        "2eb00f85-99f2-4144-bcb7-d39ff47f9002",
    )


def test_resources_at_the_top_level_are_read() -> None:
    """The CS example sends spu_number and parallel_number next to the other fields."""
    job = Job.model_validate(cs_payload(spu_number=6, parallel_number=3, manager_spu=1))
    assert (job.units, job.parallel_number, job.manager_units) == (6, 3, 1)


def test_resources_inside_job_config_are_read() -> None:
    """The CS reference documents them inside job_config."""
    payload = cs_payload()
    del payload["spu_number"], payload["parallel_number"]
    payload["job_config"] = {
        **payload["job_config"],
        "spu_number": 8,
        "parallel_number": 4,
        "manager_spu": 2,
    }
    job = Job.model_validate(payload)
    assert (job.units, job.parallel_number, job.manager_units) == (8, 4, 2)


def test_job_config_wins_over_a_stale_top_level_value_but_not_over_a_null() -> None:
    payload = cs_payload(spu_number=6)
    payload["job_config"] = {**payload["job_config"], "spu_number": 9, "parallel_number": None}
    payload["parallel_number"] = 5
    job = Job.model_validate(payload)
    assert job.units == 9
    assert job.parallel_number == 5


def test_the_recorded_dli_sample_maps_dli_field_names() -> None:
    job = Job.model_validate({**dli_detail(), "service": "dli"})
    assert job.service == "dli"
    assert job.job_id == 104
    assert job.name == "jptest"
    assert job.cluster == "flinktest"  # queue_name
    assert job.units == 2  # job_config.cu_number
    assert job.manager_units == 1  # job_config.manager_cu_number
    assert job.parallel_number == 1
    assert job.jar == "FemaleInfoCollection.jar"  # job_config.entrypoint
    assert job.main_class is None
    assert job.args is None  # entrypoint_args: null
    assert job.start_time is None
    assert status_label(job) == "Draft"
    assert job.checkpoint_enabled is False
    assert job.checkpoint_interval == 10
    assert job.edge_group_ids in ((), None)


def test_dli_entrypoint_args_are_the_jar_arguments() -> None:
    job = Job.model_validate(dli_detail(entrypoint_args="--window 60 --parallel 4"))
    assert job.args == "--window 60 --parallel 4"


def test_edge_groups_come_as_a_list_from_dli_and_a_comma_string_from_cs() -> None:
    dli = Job.model_validate(dli_detail(edge_group_ids=["g1", "g2"]))
    cs = Job.model_validate(cs_payload(job_config={"edge_group_ids": "g1, g2,"}))
    assert dli.edge_group_ids == ("g1", "g2")
    assert cs.edge_group_ids == ("g1", "g2")


def test_user_id_sent_as_a_number_becomes_a_string() -> None:
    assert Job.model_validate(cs_payload(user_id=1234567890)).user_id == "1234567890"


def test_cluster_id_sent_as_a_number_becomes_a_string() -> None:
    assert Job.model_validate(cs_payload(cluster_id=100000)).cluster == "100000"


def test_unknown_fields_are_ignored() -> None:
    job = Job.model_validate(cs_payload(graph_editor_data="{}", feature={"x": 1}, image=None))
    assert job.name == "my_job_001"
    assert not hasattr(job, "feature")
    assert not hasattr(job, "graph_editor_data")


def test_an_empty_object_gives_a_job_with_nothing_known() -> None:
    job = Job.model_validate({})
    assert job.name is None
    assert status_label(job) == "Unknown status"
    assert job.health is Health.UNKNOWN
    assert not job.is_running


@pytest.mark.parametrize("not_an_object", [None, [], "job", 5])
def test_a_payload_that_is_not_an_object_gives_an_empty_job(not_an_object: Any) -> None:
    assert Job.model_validate(not_an_object).job_id is None


# Every input name the model reads (aliases included), with the attribute it fills.
WIRE_FIELDS = {
    "job_id": "job_id",
    "name": "name",
    "desc": "desc",
    "job_type": "job_type",
    "status": "status",
    "status_desc": "status_desc",
    "create_time": "create_time",
    "start_time": "start_time",
    "update_time": "update_time",
    "user_id": "user_id",
    "project_id": "project_id",
    "cluster_id": "cluster",
    "queue_name": "cluster",
    "run_mode": "run_mode",
    "sql_body": "sql_body",
    "jar_url": "jar",
    "entrypoint": "jar",
    "main_class": "main_class",
    "args": "args",
    "entrypoint_args": "args",
    "restart_times": "restart_times",
    "checkpoint_enabled": "checkpoint_enabled",
    "checkpoint_mode": "checkpoint_mode",
    "checkpoint_interval": "checkpoint_interval",
    "log_enabled": "log_enabled",
    "obs_bucket": "obs_bucket",
    "smn_topic": "smn_topic",
    "root_id": "root_id",
    "edge_group_ids": "edge_group_ids",
    "manager_spu": "manager_units",
    "manager_cu_number": "manager_units",
    "spu_number": "units",
    "cu_number": "units",
    "parallel_number": "parallel_number",
    "current_time": "current_time",
}
INT_FIELDS = {
    "job_id",
    "create_time",
    "start_time",
    "update_time",
    "restart_times",
    "checkpoint_interval",
    "root_id",
    "manager_spu",
    "manager_cu_number",
    "spu_number",
    "cu_number",
    "parallel_number",
    "current_time",
}
BOOL_FIELDS = {"checkpoint_enabled", "log_enabled"}
GARBAGE = [None, {"nested": 1}, [["x"]]]
CONFIG_FIELDS = {
    "checkpoint_enabled",
    "checkpoint_mode",
    "checkpoint_interval",
    "log_enabled",
    "obs_bucket",
    "smn_topic",
    "root_id",
    "edge_group_ids",
    "manager_spu",
    "spu_number",
    "manager_cu_number",
    "cu_number",
    "parallel_number",
    "entrypoint",
}


def _garbage_for(wire: str) -> list[Any]:
    if wire in INT_FIELDS:
        return [*GARBAGE, "soon", True, [1], 1.5e400]
    if wire in BOOL_FIELDS:
        return [*GARBAGE, "maybe", 7]
    return GARBAGE


@pytest.mark.parametrize(
    ("inside_job_config", "wire", "attribute", "garbage"),
    [
        (inside, w, a, g)
        for w, a in WIRE_FIELDS.items()
        for g in _garbage_for(w)
        for inside in ([False, True] if w in CONFIG_FIELDS else [False])
    ],
)
def test_a_null_or_mistyped_field_is_left_out_not_an_error(
    inside_job_config: bool, wire: str, attribute: str, garbage: Any
) -> None:
    data: dict[str, Any] = {"desc": "still here"}
    if inside_job_config:
        data["job_config"] = {wire: garbage}
    else:
        data[wire] = garbage
    job = Job.model_validate(data)
    assert getattr(job, attribute) in (None, ())
    assert job.desc == "still here" or wire == "desc"


@pytest.mark.parametrize(("wire", "attribute"), WIRE_FIELDS.items())
def test_a_missing_field_is_left_out(wire: str, attribute: str) -> None:
    payload = {**cs_payload(), **sample("cs/job_running")["payload"]["job_config"]}
    payload.pop(wire, None)
    payload.pop("job_config")
    others = [w for w, a in WIRE_FIELDS.items() if a == attribute and w != wire]
    for other in others:
        payload.pop(other, None)
    assert getattr(Job.model_validate(payload), attribute) in (None, ())


@pytest.mark.parametrize("job_config", [None, "checkpoint", [1, 2], 42])
def test_a_job_config_that_is_not_an_object_is_ignored(job_config: Any) -> None:
    job = Job.model_validate(cs_payload(job_config=job_config))
    assert job.name == "my_job_001"
    assert job.checkpoint_enabled is None


def test_unknown_machine_values_get_readable_labels() -> None:
    job = Job.model_validate(
        {"status": "job_teleporting", "job_type": "flink_python_job", "run_mode": "serverless"}
    )
    assert status_label(job) == "Teleporting"
    assert job.health is Health.UNKNOWN
    assert job_type_label(job) == "Flink python job"
    assert run_mode_label(job) == "Serverless"


def test_a_job_type_without_jar_is_not_a_jar_job() -> None:
    assert not Job.model_validate({"job_type": "flink_sql_job", "jar_url": "x.jar"}).is_jar
    assert Job.model_validate({"main_class": "org.Main"}).is_jar


@pytest.mark.parametrize("millis", [None, 0, -1, 10**20])
def test_absent_zero_or_absurd_times_are_no_time(millis: int | None) -> None:
    assert from_millis(millis) is None


def test_times_are_utc() -> None:
    moment = from_millis(1516952710040)
    assert moment is not None
    assert moment.isoformat() == "2018-01-26T07:45:10.040000+00:00"
