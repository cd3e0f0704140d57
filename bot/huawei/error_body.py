"""Huawei Cloud's error answers: read any of their shapes, and name what went wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.huawei import errors

# Codes are compared with the gateway's two prefixes folded into one: DLI documents
# "APIGW."-prefixed codes, the gateway's own pages "APIG.".
NOT_FOUND_CODES = {"DLI.0002", "DLI.0023", "DLI.16001", "DLI.12004"}
CREDENTIAL_CODES = {
    "APIG.0301",
    "APIG.0303",
    "APIG.0305",
    "APIG.0307",
    "APIG.0311",
    "CS.10007",
    "CS.10008",
    "CS.10010",
    "DLI.0013",
    "DLI.0014",
    "DLI.0015",
}
# Of the credential codes, those that mean "your token is stale: get a new one".
TOKEN_RENEWAL_CODES = {"APIG.0301", "APIG.0307", "CS.10007"}
FORBIDDEN_CODES = {
    "APIG.0302",
    "APIG.0304",
    "APIG.0306",
    "APIG.0310",
    "APIG.0401",
    "APIG.0402",
    "APIG.0802",
    "CS.10002",
    "CS.10005",
    "CS.10006",
    "CS.10009",
    "DLI.0003",
    "DLI.0016",
}
THROTTLED_CODES = {"APIG.0308"}
UNAVAILABLE_CODES = {"APIG.0610", "APIG.0613", "DLI.0999", "CS.10001"}
# CS publishes no "job not found" code; its error names and causes say it in words.
_NOT_FOUND_WORDS = re.compile(r"not[\s_]*(?:exist|found)|no such job|does not exist", re.I)


@dataclass(frozen=True)
class ErrorBody:
    """The parts of an error answer we use, whichever of the three shapes it came in."""

    code: str | None
    message: str | None
    request_id: str | None


def normalize_code(code: str | None) -> str | None:
    """Fold the gateway's `APIGW.` prefix into `APIG.` so one table serves both."""
    if code is None:
        return None
    code = code.strip()
    return "APIG." + code[6:] if code.upper().startswith("APIGW.") else code


def read_error_body(body: Any) -> ErrorBody:
    """Read a CS (`error_id`), DLI or gateway (`error_code`/`error_msg`) error body."""
    if not isinstance(body, dict):
        return ErrorBody(None, None, None)
    code = _text(body.get("error_code")) or _text(body.get("error_id"))
    message = (
        _text(body.get("error_msg"))
        or _text(body.get("error_cause"))
        or _text(body.get("error_name"))
        or _text(body.get("message"))
    )
    name = _text(body.get("error_name"))
    if name and message and name != message:
        message = f"{name}: {message}"
    return ErrorBody(normalize_code(code), message, _text(body.get("request_id")))


def classify_error(status: int, error: ErrorBody) -> type[errors.JobApiError]:
    """Pick the error class for an error answer."""
    code = error.code or ""
    if code in NOT_FOUND_CODES:
        return errors.JobNotFound
    if code in CREDENTIAL_CODES or status == 401:
        return errors.CredentialsRejected
    if code in FORBIDDEN_CODES or status == 403:
        return errors.Forbidden
    if code in THROTTLED_CODES or status == 429:
        return errors.Throttled
    if code in UNAVAILABLE_CODES or status >= 500:
        return errors.ApiUnavailable
    # APIG.0101 is a 404 about the API itself (wrong endpoint), not about the job.
    if code != "APIG.0101" and (status == 404 or _NOT_FOUND_WORDS.search(error.message or "")):
        return errors.JobNotFound
    return errors.ApiRejected


def _text(value: Any) -> str | None:
    """Return a non-empty string or number as text, else None."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None
