"""What can go wrong when asking the job API about a job.

JobApiError
 ├── JobNotFound          the job does not exist (or is not visible to this project)
 ├── CredentialsRejected  the API refused our credentials
 │    └── SignInFailed    IAM refused the configured user/password (a configuration error)
 ├── Forbidden            the credentials are valid but not allowed to read jobs
 ├── Throttled            the gateway is rate limiting us (HTTP 429)
 ├── ApiUnavailable       connection failed, 5xx, or the service said it is down
 ├── ApiTimeout           no answer within JOBBOT_TIMEOUT_S, retries included
 ├── BadResponse          the answer was not the JSON we expect
 └── ApiRejected          any other error body (a 4xx we cannot classify)
"""

from __future__ import annotations


class JobApiError(Exception):
    """The job API could not tell us about the job."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        http_status: int | None = None,
        request_id: str | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status
        self.request_id = request_id
        self.attempts = attempts
        # Seconds the server asked us to wait (Retry-After), when it said.
        self.retry_after: float | None = None

    def log_fields(self) -> dict[str, object]:
        """Return the details worth a log line (never credentials: we never put them here)."""
        return {
            "error": type(self).__name__,
            "error_code": self.code,
            "http_status": self.http_status,
            "request_id": self.request_id,
            "attempts": self.attempts,
            "detail": self.message,
        }


class JobNotFound(JobApiError):
    """The job does not exist."""


class CredentialsRejected(JobApiError):
    """The job API rejected jobbot's credentials (HTTP 401, token expired or bad signature)."""


class SignInFailed(CredentialsRejected):
    """IAM refused the configured user name, password or domain."""


class Forbidden(JobApiError):
    """The credentials may not read this job (HTTP 403)."""


class Throttled(JobApiError):
    """The API gateway throttled us (HTTP 429)."""


class ApiUnavailable(JobApiError):
    """The job API could not be reached or answered with a server error."""


class ApiTimeout(JobApiError):
    """The job API did not answer within the lookup's time budget."""


class BadResponse(JobApiError):
    """The job API answered with something that is not the expected JSON."""


class ApiRejected(JobApiError):
    """The job API answered with an error we have no better name for."""
