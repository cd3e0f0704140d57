"""Where the CS, DLI and IAM APIs live for a region."""

from __future__ import annotations

from typing import Literal

Service = Literal["cs", "dli"]

# Regions whose hosts break the usual pattern (CS: Huawei's Java SDK ApiClient; DLI: the
# Python SDK's region table).
_CS_EXCEPTIONS = {
    "cn-north-5": "https://cs-api.cn-north-5.myhuaweicloud.com",
    "eu-west-0": "https://cs.eu-west-0.prod-cloud-ocb.orange-business.com",
    "eu-de": "https://cs.eu-de.otc.t-systems.com",
}
_DLI_EXCEPTIONS = {
    "eu-west-101": "https://dli.eu-west-101.myhuaweicloud.eu",
}


def api_endpoint(service: Service, region: str) -> str:
    """Return the base URL of the CS or DLI API in a region."""
    if service == "cs":
        return _CS_EXCEPTIONS.get(region, f"https://cs.{region}.myhuaweicloud.com")
    return _DLI_EXCEPTIONS.get(region, f"https://dli.{region}.myhuaweicloud.com")


def iam_endpoint(region: str | None) -> str:
    """Return the IAM endpoint for a region, or the global one."""
    if region is None:
        return "https://iam.myhuaweicloud.com"
    return f"https://iam.{region}.myhuaweicloud.com"


def job_path(service: Service, project_id: str, job_id: int) -> str:
    """Return the path of the job-details API."""
    if service == "cs":
        return f"/v1.0/{project_id}/job/{job_id}"
    return f"/v1.0/{project_id}/streaming/jobs/{job_id}"


def list_path(service: Service, project_id: str) -> str:
    """Return the path of the job-list API."""
    if service == "cs":
        return f"/v1.0/{project_id}/jobs"
    return f"/v1.0/{project_id}/streaming/jobs"


def plan_path(service: Service, project_id: str, job_id: int) -> str:
    """Return the path of the execution-plan API (CS spells it with `_`, DLI with `-`)."""
    if service == "cs":
        return f"/v1.0/{project_id}/job/{job_id}/execute_graph"
    return f"/v1.0/{project_id}/streaming/jobs/{job_id}/execute-graph"
