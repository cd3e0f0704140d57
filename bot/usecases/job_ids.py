"""Find job IDs in what people type and in alert messages."""

from __future__ import annotations

import re

MAX_JOB_ID = 10**19 - 1
MAX_IDS_PER_MESSAGE = 5

_ID = r"(?P<id>\d{1,19})(?![0-9A-Za-z_])"
_JOB_ID_PATTERN = re.compile(
    # job 50320 · job #50320 · job id 50320 · job_id: 50320 · job_id=50320 · jobId: 50320 ·
    # "job_id": 50320
    rf"(?<![A-Za-z0-9])job(?:[\s_-]*id)?[\"']?(?:\s*[:=]\s*|\s+#?|\s*#)\s*[\"']?{_ID}"
    # …/job/50320 · …/jobs/50320 · …/jobs/detail/50320
    rf"|/jobs?(?:/detail)?/{_ID.replace('?P<id>', '?P<url_id>')}",
    re.IGNORECASE,
)
_BARE_ID = re.compile(r"#?(\d{1,19})")


def parse_job_id(text: str) -> int | None:
    """Read a job ID typed on its own (`50320` or `#50320`); None if it is not one."""
    match = _BARE_ID.fullmatch(text.strip())
    if not match:
        return None
    job_id = int(match.group(1))
    return job_id if 0 < job_id <= MAX_JOB_ID else None


def find_job_ids(text: str, limit: int = MAX_IDS_PER_MESSAGE) -> list[int]:
    """Return the job IDs mentioned in text, in order, without duplicates, at most `limit`."""
    found: list[int] = []
    for match in _JOB_ID_PATTERN.finditer(text):
        job_id = int(match.group("id") or match.group("url_id"))
        if job_id > 0 and job_id not in found:
            found.append(job_id)
            if len(found) == limit:
                break
    return found
