"""Decoding job API answers: a Job, or the one error class that says what went wrong."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.huawei import errors
from bot.jobs.wire import decode_job
from tests.conftest import sample

HTML_PAGE = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def raw(name_or_body: str | dict[str, Any]) -> bytes:
    body = sample(name_or_body) if isinstance(name_or_body, str) else name_or_body
    return json.dumps(body).encode()


def fails(
    service: str, status: int, content: bytes, headers: dict[str, str] | None = None
) -> errors.JobApiError:
    with pytest.raises(errors.JobApiError) as caught:
        decode_job(service, status, headers or {}, content)  # type: ignore[arg-type]
    return caught.value


# --- answers that are jobs ---------------------------------------------------------------


def test_the_cs_sample_decodes_with_the_answers_current_time() -> None:
    job = decode_job("cs", 200, {}, raw("cs/job_running"))
    assert job.service == "cs"
    assert job.job_id == 50320
    assert job.name == "my_job_001"
    assert job.current_time == 1533686888000


@pytest.mark.parametrize("is_success", ["true", True, "TRUE", None])
def test_the_dli_sample_decodes_whether_is_success_is_a_string_or_a_boolean(
    is_success: Any,
) -> None:
    body = {**sample("dli/job_init"), "is_success": is_success}
    job = decode_job("dli", 200, {}, raw(body))
    assert job.service == "dli"
    assert job.job_id == 104
    assert job.cluster == "flinktest"
    assert job.units == 2


def test_a_cs_answer_without_a_payload_is_a_bad_response() -> None:
    error = fails("cs", 200, raw({"message_id": "CS.10001", "current_time": 1}))
    assert type(error) is errors.BadResponse


def test_a_dli_answer_without_job_detail_is_a_bad_response() -> None:
    error = fails("dli", 200, raw({"is_success": "true", "message": "ok"}))
    assert type(error) is errors.BadResponse


@pytest.mark.parametrize("body", [b"[]", b'"job"', b"42", b"null"])
def test_json_that_is_not_an_object_is_a_bad_response(body: bytes) -> None:
    assert type(fails("cs", 200, body)) is errors.BadResponse


# --- CS error bodies ---------------------------------------------------------------------


@pytest.mark.parametrize("status", [200, 400])
def test_a_cs_token_expired_body_means_credentials_rejected(status: int) -> None:
    error = fails("cs", status, raw("cs/error_token_expired"))
    assert type(error) is errors.CredentialsRejected
    assert error.code == "CS.10007"


@pytest.mark.parametrize("status", [200, 400])
def test_an_unknown_cs_error_is_an_api_rejection_with_its_code_and_words(status: int) -> None:
    error = fails("cs", status, raw("cs/error_job_name_exist"))
    assert type(error) is errors.ApiRejected
    assert error.code == "CS.11004"
    assert "This job name is already existed" in error.message


def test_a_cs_job_that_does_not_exist_is_job_not_found() -> None:
    body = {"error_name": "JOB_NOT_EXIST", "error_cause": "The job 7 does not exist."}
    assert type(fails("cs", 404, raw(body))) is errors.JobNotFound
    assert type(fails("cs", 400, raw(body))) is errors.JobNotFound


# --- DLI error bodies --------------------------------------------------------------------


@pytest.mark.parametrize("status", [200, 400, 404])
def test_the_dli_not_found_sample_is_job_not_found(status: int) -> None:
    error = fails("dli", status, raw("dli/error_not_found"))
    assert type(error) is errors.JobNotFound
    assert error.code == "DLI.16001"


@pytest.mark.parametrize("code", ["DLI.0002", "DLI.0023"])
def test_dli_object_not_found_codes_are_job_not_found(code: str) -> None:
    body = {"is_success": False, "error_code": code, "error_msg": "The object does not exist."}
    error = fails("dli", 404, raw(body))
    assert type(error) is errors.JobNotFound
    assert error.code == code


@pytest.mark.parametrize("is_success", [False, "false", "False"])
def test_a_dli_failure_with_a_200_is_still_an_error(is_success: Any) -> None:
    body = {"is_success": is_success, "error_code": "DLI.0999", "error_msg": "Server error."}
    assert type(fails("dli", 200, raw(body))) is errors.ApiUnavailable


def test_dli_credential_and_permission_codes() -> None:
    credentials = {"is_success": False, "error_code": "DLI.0013", "error_msg": "bad token"}
    forbidden = {"is_success": False, "error_code": "DLI.0003", "error_msg": "no permission"}
    assert type(fails("dli", 400, raw(credentials))) is errors.CredentialsRejected
    assert type(fails("dli", 400, raw(forbidden))) is errors.Forbidden


# --- gateway (APIG) bodies ---------------------------------------------------------------


@pytest.mark.parametrize("service", ["cs", "dli"])
def test_gateway_throttling_with_the_apigw_prefix(service: str) -> None:
    error = fails(service, 429, raw("apig/error_throttled"))
    assert type(error) is errors.Throttled
    assert error.code == "APIG.0308"
    assert error.request_id == "c2f8a6bd0a7c4b3e9d5d1f6e0b8a7c6d"


@pytest.mark.parametrize("service", ["cs", "dli"])
def test_gateway_token_expired_with_the_apig_prefix(service: str) -> None:
    error = fails(service, 401, raw("apig/error_token_expired"))
    assert type(error) is errors.CredentialsRejected
    assert error.code == "APIG.0301"
    assert error.request_id == "a5322eb89048eb41d705491a76a05aca"


@pytest.mark.parametrize("prefix", ["APIG", "APIGW"])
@pytest.mark.parametrize(
    ("number", "status", "kind"),
    [
        ("0301", 401, errors.CredentialsRejected),
        ("0302", 403, errors.Forbidden),
        ("0308", 429, errors.Throttled),
        ("0610", 503, errors.ApiUnavailable),
        ("0613", 502, errors.ApiUnavailable),
    ],
)
def test_both_gateway_prefixes_mean_the_same(
    prefix: str, number: str, status: int, kind: type[errors.JobApiError]
) -> None:
    body = {"error_code": f"{prefix}.{number}", "error_msg": "gateway", "request_id": "r"}
    error = fails("cs", status, raw(body))
    assert type(error) is kind
    assert error.code == f"APIG.{number}"


def test_the_request_id_comes_from_the_x_request_id_header() -> None:
    body = {"error_code": "APIG.0308", "error_msg": "throttled"}
    error = fails("cs", 429, raw(body), {"X-Request-Id": "hdr-123"})
    assert error.request_id == "hdr-123"


def test_a_wrong_endpoint_is_not_a_missing_job() -> None:
    """APIG.0101 is a 404 about the API path, not about the job."""
    body = {
        "error_code": "APIG.0101",
        "error_msg": "The API does not exist or has not been published",
    }
    error = fails("cs", 404, raw(body))
    assert type(error) is not errors.JobNotFound
    assert type(error) is errors.ApiRejected


# --- answers that are not JSON -----------------------------------------------------------

NOT_JSON = {
    "html": HTML_PAGE,
    "truncated": raw("cs/job_running")[:120],
    "binary": b"\xff\xfe\x00garbage",
}


@pytest.mark.parametrize("body", NOT_JSON.values(), ids=NOT_JSON.keys())
@pytest.mark.parametrize("status", [200, 400, 404, 429])
def test_an_answer_that_is_not_json_is_a_bad_response(body: bytes, status: int) -> None:
    error = fails("cs", status, body)
    assert type(error) is errors.BadResponse
    assert error.http_status == status


@pytest.mark.parametrize("body", [*NOT_JSON.values(), b""], ids=[*NOT_JSON.keys(), "empty"])
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_server_error_that_is_not_json_means_the_api_is_unavailable(
    body: bytes, status: int
) -> None:
    assert type(fails("dli", status, body)) is errors.ApiUnavailable


@pytest.mark.parametrize("service", ["cs", "dli"])
def test_an_empty_200_is_a_bad_response(service: str) -> None:
    assert type(fails(service, 200, b"")) is errors.BadResponse


def test_missing_job_api_error_and_unreadable_answer_are_distinct_errors() -> None:
    missing = fails("dli", 404, raw("dli/error_not_found"))
    refused = fails("cs", 400, raw("cs/error_job_name_exist"))
    unreadable = fails("cs", 200, HTML_PAGE)
    kinds = {type(missing), type(refused), type(unreadable)}
    assert kinds == {errors.JobNotFound, errors.ApiRejected, errors.BadResponse}
