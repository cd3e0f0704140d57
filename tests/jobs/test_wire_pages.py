"""Decoding list pages and execution plans, from recorded answers of both APIs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.huawei import errors
from bot.jobs.paging import FIRST_PAGE, JobQuery, PageRef
from bot.jobs.wire import decode_job_page, decode_plan
from tests.conftest import sample


def raw(name_or_body: str | dict[str, Any]) -> bytes:
    body = sample(name_or_body) if isinstance(name_or_body, str) else name_or_body
    return json.dumps(body).encode()


# --- list pages --------------------------------------------------------------------------


def test_a_dli_list_page_has_its_jobs_total_and_next_offset() -> None:
    query = JobQuery(limit=2)
    page = decode_job_page("dli", 200, {}, raw("dli/list_page"), query, FIRST_PAGE)
    assert [job.job_id for job in page.jobs] == [146, 145]
    assert [job.status for job in page.jobs] == ["job_init", "job_running_exception"]
    assert page.jobs[1].status_desc == "TaskManager lost"
    assert all(job.service == "dli" for job in page.jobs)
    assert page.total == 26
    assert page.next_ref == PageRef(offset=2)
    assert page.previous_ref is None


def test_a_dli_page_in_the_middle_points_both_ways() -> None:
    query = JobQuery(limit=2)
    page = decode_job_page("dli", 200, {}, raw("dli/list_page"), query, PageRef(offset=4))
    assert page.offset == 4
    assert page.next_ref == PageRef(offset=6)
    assert page.previous_ref == PageRef(offset=2)


def test_the_last_dli_page_has_no_next() -> None:
    query = JobQuery(limit=2)
    page = decode_job_page("dli", 200, {}, raw("dli/list_page"), query, PageRef(offset=24))
    assert page.next_ref is None
    assert page.previous_ref == PageRef(offset=22)


def test_a_null_job_list_is_an_empty_page() -> None:
    page = decode_job_page("dli", 200, {}, raw("dli/list_empty"), JobQuery(), FIRST_PAGE)
    assert page.jobs == ()
    assert page.total == 0
    assert page.next_ref is None
    assert page.previous_ref is None


def test_a_cs_list_page_carries_current_time_and_cursor_refs() -> None:
    query = JobQuery(limit=2)
    page = decode_job_page("cs", 200, {}, raw("cs/list_page"), query, FIRST_PAGE)
    assert [job.name for job in page.jobs] == ["my_job_003", "my_job_002"]
    assert page.jobs[0].current_time == 1533686888000
    assert page.jobs[1].status_desc == "Submission failed: JAR not found."
    assert page.total == 3
    assert page.next_ref == PageRef(offset=2, cursor=50321, forward=True)
    assert page.previous_ref is None


def test_a_cs_page_after_a_cursor_can_go_back_before_its_first_job() -> None:
    query = JobQuery(limit=2)
    ref = PageRef(offset=2, cursor=50323)
    page = decode_job_page("cs", 200, {}, raw("cs/list_page"), query, ref)
    assert page.previous_ref == PageRef(offset=0, cursor=50322, forward=False)


def test_a_backward_cs_page_is_shown_in_list_order_whatever_order_it_came_in() -> None:
    body = sample("cs/list_page")
    body["payload"]["jobs"].reverse()
    query = JobQuery(limit=2)
    ref = PageRef(offset=2, cursor=50320, forward=False)
    page = decode_job_page("cs", 200, {}, raw(body), query, ref)
    assert [job.job_id for job in page.jobs] == [50322, 50321]
    assert page.next_ref == PageRef(offset=4, cursor=50321, forward=True)
    assert page.previous_ref == PageRef(offset=0, cursor=50322, forward=False)


def test_a_list_without_total_pages_on_while_pages_are_full() -> None:
    body = sample("dli/list_page")
    del body["job_list"]["total_count"]
    full = decode_job_page("dli", 200, {}, raw(body), JobQuery(limit=2), FIRST_PAGE)
    short = decode_job_page("dli", 200, {}, raw(body), JobQuery(limit=3), FIRST_PAGE)
    assert full.total is None
    assert full.next_ref == PageRef(offset=2)
    assert short.next_ref is None


def test_list_rows_are_masked_and_tolerant() -> None:
    body = sample("dli/list_page")
    body["job_list"]["jobs"][0].update(name="etl password=hunter2", create_time="yesterday")
    page = decode_job_page("dli", 200, {}, raw(body), JobQuery(), FIRST_PAGE)
    assert "hunter2" not in (page.jobs[0].name or "")
    assert page.jobs[0].create_time is None


@pytest.mark.parametrize(
    ("service", "body", "expected"),
    [
        ("dli", {"is_success": "false", "message": "queue is busy"}, errors.ApiRejected),
        ("dli", {"is_success": "true", "message": "ok"}, errors.BadResponse),
        ("dli", {"is_success": "true", "job_list": {"jobs": "nope"}}, errors.BadResponse),
        ("cs", {"message_id": "CS.10001", "payload": None}, errors.BadResponse),
        ("cs", {"error_id": "CS.10005", "error_cause": "no permission"}, errors.Forbidden),
    ],
)
def test_list_answers_that_are_errors(
    service: str, body: dict[str, Any], expected: type[errors.JobApiError]
) -> None:
    with pytest.raises(errors.JobApiError) as caught:
        decode_job_page(service, 200, {}, raw(body), JobQuery(), FIRST_PAGE)  # type: ignore[arg-type]
    assert type(caught.value) is expected


def test_a_dli_limit_error_is_rejected_with_its_message() -> None:
    body = {"is_success": "false", "error_code": "DLI.0001", "error_msg": "limit must be 0-100"}
    with pytest.raises(errors.ApiRejected) as caught:
        decode_job_page("dli", 400, {}, raw(body), JobQuery(), FIRST_PAGE)
    assert caught.value.code == "DLI.0001"
    assert "limit must be 0-100" in str(caught.value)


# --- page references and queries ---------------------------------------------------------


@pytest.mark.parametrize(
    "ref",
    [
        FIRST_PAGE,
        PageRef(offset=40),
        PageRef(40, 50321, True),
        PageRef(0, 9223372036854775807, False),
    ],
)
def test_a_page_ref_survives_a_button_value(ref: PageRef) -> None:
    assert PageRef.decode(ref.encode()) == ref
    assert len(ref.encode()) < 40


@pytest.mark.parametrize("forged", ["", "o", "o-1", "x40", "o40c", "o40c12x", "o1" + "0" * 20])
def test_a_forged_page_ref_is_none(forged: str) -> None:
    assert PageRef.decode(forged) is None


@pytest.mark.parametrize("limit", [0, -1, 101])
def test_a_page_holds_1_to_100_jobs(limit: int) -> None:
    with pytest.raises(ValueError, match="1 to 100"):
        JobQuery(limit=limit)


# --- execution plans ---------------------------------------------------------------------


def test_the_dli_execution_graph_decodes() -> None:
    plan = decode_plan("dli", 104, 200, {}, raw("dli/execute_graph"))
    assert plan.service == "dli"
    assert plan.job_id == 104
    assert plan.flink_job_id == "4e966f43f2c90b0e1bf3188ecf55504b"
    assert plan.state == "RUNNING"
    assert plan.stoppable is False
    assert plan.start_time == 1578904488436
    assert plan.end_time is None  # Flink's -1: not ended
    assert plan.duration_ms == 516274
    assert plan.steps == ()


def test_the_cs_plan_items_string_is_read_as_flink_plan_nodes() -> None:
    plan = decode_plan("cs", 50320, 200, {}, raw("cs/execute_graph"))
    assert [step.id for step in plan.steps] == ["1", "2", "3"]
    assert [step.parallelism for step in plan.steps] == [2, 4, 4]
    assert plan.steps[0].kind == "Source: KafkaSource"
    assert plan.steps[0].role == "Data Source"
    assert plan.steps[1].name == "Filter: amount > 0"
    assert plan.steps[2].inputs == ("2",)
    assert "hunter2" not in (plan.steps[2].name or "")  # a JDBC password in a sink's name
    assert plan.raw is None


def test_the_documented_cs_plan_example_keeps_its_unknown_fields() -> None:
    plan = decode_plan("cs", 50320, 200, {}, raw("cs/execute_graph_doc"))
    assert len(plan.steps) == 1
    assert plan.steps[0].details == (("key", "value"),)


def test_a_cs_plan_string_that_is_not_json_is_kept_as_cut_raw_text() -> None:
    """Our call: an unreadable plan is an empty plan with its text, not an error."""
    plan = decode_plan("cs", 50320, 200, {}, raw("cs/execute_graph_unparseable"))
    assert plan.steps == ()
    assert plan.raw is not None
    assert plan.raw.startswith('{"nodes":[{"id":1')
    body = sample("cs/execute_graph_unparseable")
    body["payload"]["execute_plan_items"] = "password=hunter2 " + "x" * 10_000
    huge = decode_plan("cs", 50320, 200, {}, raw(body))
    assert huge.raw is not None
    assert len(huge.raw) <= 3002
    assert huge.raw.endswith("…")
    assert "hunter2" not in huge.raw


@pytest.mark.parametrize("items", [None, "", "   "])
def test_a_cs_plan_with_no_items_is_empty(items: str | None) -> None:
    body = sample("cs/execute_graph")
    body["payload"]["execute_plan_items"] = items
    plan = decode_plan("cs", 50320, 200, {}, raw(body))
    assert plan.is_empty


def test_plan_answers_that_are_errors() -> None:
    with pytest.raises(errors.BadResponse):
        decode_plan("dli", 1, 200, {}, raw({"is_success": "true", "message": "ok"}))
    with pytest.raises(errors.ApiRejected) as caught:
        decode_plan("dli", 1, 200, {}, raw({"is_success": False, "message": "graph not ready"}))
    assert "graph not ready" in str(caught.value)
    with pytest.raises(errors.JobNotFound):
        decode_plan("dli", 1, 400, {}, raw({"error_code": "DLI.16001", "error_msg": "no such job"}))
