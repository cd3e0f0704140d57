"""Turn a job API answer (status, headers, body) into a Job, a page, a plan or an error; no I/O."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any

from bot.huawei import errors
from bot.huawei.endpoints import Service
from bot.huawei.error_body import ErrorBody, classify_error, read_error_body
from bot.jobs.models import Job
from bot.jobs.paging import JobPage, JobQuery, PageRef, make_page
from bot.jobs.plan import ExecutionPlan, cs_plan, dli_plan


def decode_job(service: Service, status: int, headers: Mapping[str, str], content: bytes) -> Job:
    """Decode a job-details answer into a Job, or raise the matching JobApiError."""
    body, request_id = _success_body(service, status, headers, content)
    if service == "dli":
        detail = body.get("job_detail")
        if not isinstance(detail, dict):
            raise _missing(status, body, request_id, "the DLI answer has no job_detail")
        return dated(Job.model_validate({**detail, "service": "dli"}), _date_millis(headers))
    payload = _cs_payload(status, body, request_id, "the CS answer has no job payload")
    job = Job.model_validate({**payload, "service": "cs", "current_time": body.get("current_time")})
    return dated(job, _date_millis(headers))


def dated(job: Job, millis: int | None) -> Job:
    """Return the job dated `millis` (epoch ms) unless its answer said when it was given."""
    if job.current_time is not None or millis is None:
        return job
    return job.model_copy(update={"current_time": millis})


def _date_millis(headers: Mapping[str, str]) -> int | None:
    """Read an answer's `Date` header (when the server sent it) as epoch milliseconds."""
    # DLI answers carry no current_time; its gateway's Date still says when it answered.
    value = headers.get("date") or headers.get("Date")
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # `-0000`: UTC, by RFC 5322
    return int(moment.timestamp() * 1000)


def decode_job_page(
    service: Service,
    status: int,
    headers: Mapping[str, str],
    content: bytes,
    query: JobQuery,
    ref: PageRef,
) -> JobPage:
    """Decode a job-list answer (CS `payload`, DLI `job_list`) into a page of jobs."""
    body, request_id = _success_body(service, status, headers, content)
    extra: dict[str, Any] = {"service": service}
    if service == "dli":
        listing = body.get("job_list")
        if not isinstance(listing, dict):
            raise _missing(status, body, request_id, "the DLI answer has no job_list")
        total = listing.get("total_count")
    else:
        listing = _cs_payload(status, body, request_id, "the CS answer has no job list")
        total = listing.get("total")
        extra["current_time"] = body.get("current_time")
    rows = listing.get("jobs")
    if rows is not None and not isinstance(rows, list):
        raise errors.BadResponse(
            "the job list is not a list", http_status=status, request_id=request_id
        )
    answered = _date_millis(headers)
    jobs = tuple(
        dated(Job.model_validate({**row, **extra}), answered)
        for row in rows or ()
        if isinstance(row, dict)
    )
    count = total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None
    return make_page(service, query, ref, jobs, count)


def decode_plan(
    service: Service, job_id: int, status: int, headers: Mapping[str, str], content: bytes
) -> ExecutionPlan:
    """Decode an execution-plan answer (CS `execute_plan_items`, DLI `execute_graph`)."""
    body, request_id = _success_body(service, status, headers, content)
    if service == "dli":
        graph = body.get("execute_graph")
        if not isinstance(graph, dict):
            raise _missing(status, body, request_id, "the DLI answer has no execute_graph")
        return dli_plan(job_id, graph)
    payload = _cs_payload(status, body, request_id, "the CS answer has no plan payload")
    return cs_plan(job_id, payload.get("execute_plan_items"))


_NOT_JSON = object()


def _success_body(
    service: Service, status: int, headers: Mapping[str, str], content: bytes
) -> tuple[dict[str, Any], str | None]:
    """Return the JSON object of a successful answer, or raise the error it really is."""
    request_id = headers.get("x-request-id") or headers.get("X-Request-Id")
    try:
        body = json.loads(content) if content else None
    except (ValueError, UnicodeDecodeError):
        body = _NOT_JSON
    if status >= 400 or body is _NOT_JSON or not isinstance(body, dict):
        raise _error_for(status, body, request_id)
    if service == "dli":
        success = body.get("is_success")
        # DLI documents is_success as a Boolean on older pages and a String on newer ones.
        if success is False or (isinstance(success, str) and success.strip().lower() == "false"):
            raise _refused_with_200(status, body, request_id)
    elif "error_id" in body and "payload" not in body:
        raise _error_for(400 if status < 400 else status, body, request_id)
    return body, request_id


def _refused_with_200(status: int, body: dict[str, Any], request_id: str | None) -> Exception:
    # DLI can answer 200 with is_success "false" and only a message: the API refused, and only
    # a documented code may say more (its words are not a reason to call the job missing).
    parsed = read_error_body(body)
    kind = classify_error(400, ErrorBody(parsed.code, None, parsed.request_id))
    if parsed.code is None:
        kind = errors.ApiRejected
    return kind(
        parsed.message or "the DLI API answered is_success false without a message",
        code=parsed.code,
        http_status=status,
        request_id=request_id or parsed.request_id,
    )


def _cs_payload(
    status: int, body: dict[str, Any], request_id: str | None, what: str
) -> dict[str, Any]:
    payload = body.get("payload")
    if not isinstance(payload, dict):
        raise errors.BadResponse(what, http_status=status, request_id=request_id)
    return payload


def _missing(status: int, body: dict[str, Any], request_id: str | None, what: str) -> Exception:
    if "error_code" in body:
        return _error_for(400, body, request_id)
    return errors.BadResponse(what, http_status=status, request_id=request_id)


def _error_for(status: int, body: Any, request_id: str | None) -> errors.JobApiError:
    if body is _NOT_JSON or (body is None and status < 400):
        # An HTML page from a proxy or a cut-off body: only a server error is worth a retry.
        if status >= 500:
            return errors.ApiUnavailable(
                f"HTTP {status} with a body that is not JSON",
                http_status=status,
                request_id=request_id,
            )
        return errors.BadResponse(
            f"HTTP {status} with a body that is not JSON", http_status=status, request_id=request_id
        )
    parsed = read_error_body(body)
    kind = classify_error(status, parsed)
    if kind is errors.ApiRejected and status < 400:
        kind = errors.BadResponse
    detail = parsed.message or f"HTTP {status}"
    return kind(
        detail,
        code=parsed.code,
        http_status=status,
        request_id=request_id or parsed.request_id,
    )
