"""Find job IDs in what people type and in alert messages."""

from __future__ import annotations

import re

MAX_JOB_ID = 10**19 - 1
MAX_IDS_PER_MESSAGE = 5

# A job ID ends where a word would (`50320x`, `50320_b` are not IDs), is not a count
# (`job 2 of 5`, `job 2/5`, `50%`), a version (`job 1.12`) or a time (`job 12:30`).
_END = r"(?![0-9A-Za-z_])(?!\s*(?:of|out\s+of)\s+\d|\s*/\s*\d|\s*%|[.:]\d)"
# `job` as a word of its own: not `flink_job`, `batch-job`, `cronjob`.
_JOB = r"(?<![A-Za-z0-9_-])job"
# Possessive quantifiers (`*+`) throughout: no backtracking, so hostile text (a "job"
# followed by megabytes of spaces) is read in linear time.
_JOB_ID_PATTERN = re.compile(
    # job 50320 · job #50320 · job id 50320 · job_id: 50320 · job_id=50320 · jobId: 50320 ·
    # "job_id": "50320" · Job ID: #50320
    rf"{_JOB}(?:[\s_-]*+id)?(?=[\s:=#\"'])[\"']?\s*+(?:[:=]\s*+)?(?:#\s*+)?[\"']?"
    rf"(?P<id>\d{{1,19}}){_END}"
    # Job orders_enrich (ID: 50320) · Job name: "orders_enrich" (ID: 50320)
    rf"|{_JOB}(?:[\s_-]*+name)?(?:\s*+[:=]\s*+|\s++)[\"']?[\w.-]{{1,100}}+[\"']?"
    r"\s*+\(\s*+(?:job[\s_-]*+)?id\s*+[:=#]?\s*+#?(?P<named_id>\d{1,19})\s*+\)"
    # …/job/50320 · …/jobs/50320?region=… · …/jobs/detail/50320
    r"|(?<![A-Za-z0-9_-])jobs?(?:/detail)?/(?P<url_id>\d{1,19})(?![0-9A-Za-z_])",
    re.IGNORECASE,
)
# Slack's links `<url|label>` read as `label url`; bare `<url>` as `url`.
_SLACK_LINK = re.compile(r"<([^<>|\s]+)\|([^<>]*)>")
_SLACK_URL = re.compile(r"<([^<>|\s]+)>")
# Markdown links (Block Kit's `markdown` block, many alert templates): `[label](url)`.
_MARKDOWN_LINK = re.compile(r"\[([^\[\]]*)\]\(([^()\s]+)\)")
# Emphasis around words: `*50320*`, `~50320~`, `` `50320` ``, `_50320_` (but `job_id` keeps
# its underscore: it is inside a word).
_MARKUP = re.compile(r"[*~`]+|(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])")
_BARE_ID = re.compile(r"#?(\d{1,19})")


def parse_job_id(text: str) -> int | None:
    """Read a job ID typed on its own (`50320` or `#50320`); None if it is not one."""
    match = _BARE_ID.fullmatch(text.strip())
    if not match:
        return None
    job_id = int(match.group(1))
    return job_id if 0 < job_id <= MAX_JOB_ID else None


def plain(text: str) -> str:
    """Read mrkdwn or Markdown as a person sees it: links as `label url`, no emphasis marks."""
    text = _SLACK_LINK.sub(r"\2 \1", text)
    text = _SLACK_URL.sub(r"\1", text)
    text = _MARKDOWN_LINK.sub(r"\1 \2", text)
    return _MARKUP.sub("", text)


def find_job_ids(*texts: str, limit: int = MAX_IDS_PER_MESSAGE) -> list[int]:
    """Return the job IDs mentioned in the texts, in order, without duplicates, at most `limit`.

    Each text is read on its own (one block, field or attachment part), so a form never
    spans two of them.
    """
    found: list[int] = []
    for text in texts:
        for match in _JOB_ID_PATTERN.finditer(plain(text)):
            job_id = int(match.group("id") or match.group("named_id") or match.group("url_id"))
            if job_id > 0 and job_id not in found:
                found.append(job_id)
                if len(found) == limit:
                    return found
    return found
