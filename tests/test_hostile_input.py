"""Property tests: whatever the job API sends, the user gets a safe card or a clean error."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from bot.huawei import errors
from bot.jobs.wire import decode_job
from bot.render.card import build_job_card
from bot.render.messages import lookup_error

NASTY = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U123>",
    "<#C123>",
    "<!subteam^S123>",
    "<http://x|y>",
    "&",
    "&amp;",
    "<",
    ">",
    "`",
    "```",
    "*bold*",
    "_i_",
    "~s~",
    "\n",
    "password=hunter2",
    "--password hunter2",
    "'password' = 'hunter2'",
]
text = st.one_of(
    st.text(max_size=50),
    st.sampled_from(NASTY),
    st.lists(st.sampled_from(NASTY), max_size=8).map("".join),
    st.text(alphabet="ąßЖ中文🙂<>&`*", max_size=80),
    st.integers(min_value=1, max_value=300).map(lambda n: "<!channel>&`" * n),
)
anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    text,
    st.lists(text, max_size=3),
    st.dictionaries(text, text, max_size=3),
)
FIELDS = [
    "job_id",
    "name",
    "desc",
    "job_type",
    "status",
    "status_desc",
    "create_time",
    "start_time",
    "update_time",
    "user_id",
    "cluster_id",
    "queue_name",
    "project_id",
    "sql_body",
    "run_mode",
    "jar_url",
    "main_class",
    "args",
    "entrypoint_args",
    "edge_group_ids",
    "spu_number",
    "cu_number",
    "parallel_number",
    "restart_times",
]
CONFIG = [
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
    "entrypoint",
]
payloads = st.fixed_dictionaries(
    {},
    optional={
        **{f: anything for f in FIELDS},
        "job_config": st.one_of(
            anything, st.fixed_dictionaries({}, optional={c: anything for c in CONFIG})
        ),
    },
)
OUR_TOKENS = re.compile(r"<!date\^\d+\^[^|>]*\|[^<>]*>|<#C[A-Z0-9]+>")
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def assert_safe(payload: dict[str, Any]) -> None:
    blocks = payload["blocks"]
    assert 0 < len(blocks) <= 50
    action_ids = []
    for block in blocks:
        assert Block.parse(block).to_dict() == block  # slack_sdk's own limit checks
        if block["type"] == "header":
            assert block["text"]["type"] == "plain_text"
            assert len(block["text"]["text"]) <= 150
        for item in block.get("fields", []):
            assert len(item["text"]) <= 2000
        action_ids += [e["action_id"] for e in block.get("elements", []) if "action_id" in e]
    assert len(action_ids) == len(set(action_ids))
    for value in strings(payload):
        rest = OUR_TOKENS.sub("", value)
        assert "<" not in rest, value[:200]
        assert ">" not in rest, value[:200]
        assert not re.search(r"&(?!amp;|lt;|gt;)", rest), value[:200]
    # A password given in any of the forms we generate is masked wherever it lands.
    shown = "\n".join(strings(payload))
    for form in ("password=hunter2", "password hunter2", "'password' = 'hunter2'"):
        assert form not in shown, f"{form!r} leaked"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=payloads, service=st.sampled_from(["cs", "dli"]), job_id=st.integers(1, 10**19 - 1))
def test_any_job_payload_gives_a_safe_card_or_a_clean_error(
    payload: dict[str, Any], service: str, job_id: int
) -> None:
    envelope = (
        {"payload": payload, "current_time": 1764039600000}
        if service == "cs"
        else {"is_success": "true", "job_detail": payload}
    )
    try:
        job = decode_job(service, 200, {}, json.dumps(envelope).encode())  # type: ignore[arg-type]
    except errors.BadResponse as error:
        assert_safe(lookup_error(error, job_id, timeout_s=5).as_payload())
        return
    assert_safe(build_job_card(job, job_id, now=NOW).as_payload())


@settings(max_examples=150, deadline=None)
@given(
    body=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)),
    status=st.sampled_from([200, 400, 401, 403, 404, 429, 500, 502]),
)
def test_any_raw_answer_decodes_to_a_job_or_a_typed_error(body: bytes, status: int) -> None:
    try:
        job = decode_job("cs", status, {}, body)
    except errors.JobApiError as error:
        assert_safe(lookup_error(error, 42, timeout_s=5).as_payload())
    else:
        assert_safe(build_job_card(job, 42, now=NOW).as_payload())


@settings(max_examples=150, deadline=None)
@given(code=text, message=text, request_id=st.one_of(st.none(), text))
def test_any_error_body_gives_a_safe_message(
    code: str, message: str, request_id: str | None
) -> None:
    body = json.dumps({"error_code": code, "error_msg": message, "request_id": request_id})
    for status in (400, 401, 404, 429, 503):
        try:
            decode_job("dli", status, {}, body.encode())
        except errors.JobApiError as error:
            assert_safe(lookup_error(error, 7, timeout_s=5).as_payload())
