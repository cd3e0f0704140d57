"""The job card: what a person sees in Slack for one job."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.jobs.demo import DEMO_JOB_IDS, demo_job
from bot.jobs.models import Job
from bot.render.card import build_job_card
from bot.render.labels import JOB_TYPES, RUN_MODES, STATUS_LABELS
from bot.render.refs import JobRef, WatchRef
from tests.blockkit import assert_no_unescaped_control, assert_valid_message
from tests.conftest import sample

NOW = datetime(2026, 11, 25, 4, 0, tzinfo=UTC)
NOW_MS = int(NOW.timestamp() * 1000)


def demo(job_id: int) -> Job:
    payload = demo_job(job_id, NOW_MS)
    assert payload is not None
    return Job.model_validate({**payload, "service": "cs", "current_time": NOW_MS})


def card(job: Job, job_id: int | None = None, *, now: datetime = NOW) -> dict[str, Any]:
    return build_job_card(job, job_id or job.job_id or 1, now=now).as_payload()


def seed_job(**changes: Any) -> Job:
    """The recorded CS sample (job 50320), with some payload fields changed."""
    body = sample("cs/job_running")
    return Job.model_validate(
        {**body["payload"], "service": "cs", "current_time": body["current_time"], **changes}
    )


def dli_job(**changes: Any) -> Job:
    detail = sample("dli/job_init")["job_detail"]
    return Job.model_validate({**detail, "service": "dli", **changes})


def all_text(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False)


def field_values(payload: dict[str, Any]) -> dict[str, str]:
    """Map each `*Label*\\nvalue` section field to its value."""
    found = {}
    for block in payload["blocks"]:
        for item in block.get("fields", []):
            label, _, value = item["text"].partition("\n")
            found[label.strip("*")] = value
    return found


def status_line(payload: dict[str, Any]) -> str:
    line: str = payload["blocks"][1]["text"]["text"]
    return line


@pytest.mark.parametrize("job_id", DEMO_JOB_IDS)
def test_every_demo_job_card_is_valid_block_kit_and_pings_no_one(job_id: int) -> None:
    payload = card(demo(job_id))
    assert_valid_message(payload)
    assert_no_unescaped_control(payload)
    assert f"Job {job_id} " in payload["text"]


def test_a_job_named_like_a_broadcast_is_shown_escaped() -> None:
    """Demo job 2003 is called `<!channel> *bold* alert_router`."""
    payload = card(demo(2003))
    assert "<!channel>" not in all_text(payload)
    assert "&lt;!channel&gt; *bold* alert_router" in payload["blocks"][0]["text"]["text"]
    assert payload["text"] == "Job 2003 &lt;!channel&gt; *bold* alert_router: Running"
    assert_no_unescaped_control(payload)


def test_credentials_in_jar_arguments_never_reach_slack() -> None:
    """Demo job 2004 runs with `--password hunter2` and a JDBC URL holding the password."""
    payload = card(demo(2004))
    assert "hunter2" not in all_text(payload)
    assert "--password ***" in all_text(payload)
    assert "--user etl" in all_text(payload), "harmless arguments stay visible"


def test_huge_sql_is_cut_with_a_visible_marker_and_stays_valid() -> None:
    payload = card(demo(2002))
    assert_valid_message(payload)
    sql = next(
        b["text"]["text"] for b in payload["blocks"] if "*SQL*" in b.get("text", {}).get("text", "")
    )
    assert "more lines" in sql or "… (cut)" in sql
    assert "CREATE SOURCE STREAM clicks" in sql
    assert "sink_399" not in sql


def test_sql_longer_than_a_section_is_cut_within_limits() -> None:
    payload = card(seed_job(job_type="flink_sql_job", sql_body="SELECT '" + "&<>" * 5000 + "'"))
    assert_valid_message(payload)
    assert_no_unescaped_control(payload)
    assert "… (cut)" in all_text(payload)


@pytest.mark.parametrize(("status", "label"), STATUS_LABELS.items())
def test_every_status_is_shown_in_words(status: str, label: str) -> None:
    payload = card(seed_job(status=status))
    assert f"*{label}*" in status_line(payload)
    assert payload["text"] == f"Job 50320 my_job_001: {label}"
    assert_valid_message(payload)


def test_statuses_have_distinct_words_and_a_health_emoji() -> None:
    lines = {status_line(card(seed_job(status=s))).split("\n")[0] for s in STATUS_LABELS}
    assert len(lines) == len(STATUS_LABELS)
    assert all(line.startswith(":") for line in lines)


def test_healthy_and_failing_jobs_look_different() -> None:
    good = card(seed_job(status="job_running"))
    bad = card(seed_job(status="job_running_exception"))
    assert good["blocks"][0]["text"]["text"][0] != bad["blocks"][0]["text"]["text"][0]
    assert status_line(good).split()[0] != status_line(bad).split()[0]


def test_an_unknown_status_gets_a_readable_fallback() -> None:
    payload = card(seed_job(status="job_teleporting"))
    assert_valid_message(payload)
    assert "Teleporting" in status_line(payload)
    assert payload["text"] == "Job 50320 my_job_001: Teleporting"


def test_a_missing_status_says_so() -> None:
    payload = card(seed_job(status=None))
    assert "Unknown status" in status_line(payload)


@pytest.mark.parametrize(("job_type", "label"), JOB_TYPES.items())
def test_job_type_is_shown_in_words(job_type: str, label: str) -> None:
    assert field_values(card(seed_job(job_type=job_type)))["Type"] == label


@pytest.mark.parametrize(("run_mode", "label"), RUN_MODES.items())
def test_run_mode_is_shown_in_words(run_mode: str, label: str) -> None:
    assert field_values(card(seed_job(run_mode=run_mode)))["Run mode"] == label


def test_times_are_slack_date_tokens_with_a_utc_fallback() -> None:
    fields = field_values(card(seed_job()))
    # create_time 1516952710040 ms = 2018-01-26 07:45:10 UTC
    assert fields["Created"] == "<!date^1516952710^{date_short_pretty} {time}|2018-01-26 07:45 UTC>"
    assert fields["Started"] == "<!date^1516952710^{date_short_pretty} {time}|2018-01-26 07:45 UTC>"
    # update_time 1516952770835 ms = 2018-01-26 07:46:10 UTC
    assert (
        fields["Last updated"]
        == "<!date^1516952770^{date_short_pretty} {time}|2018-01-26 07:46 UTC>"
    )


def test_times_that_are_absent_or_zero_are_left_out() -> None:
    fields = field_values(card(seed_job(start_time=0, update_time=None)))
    assert "Created" in fields
    assert "Started" not in fields
    assert "Last updated" not in fields


def test_running_time_is_measured_to_the_apis_current_time() -> None:
    """The sample's current_time - start_time = 16 734 177 s = 193 d 16 h 22 min 57 s."""
    body = sample("cs/job_running")
    seconds = (body["current_time"] - body["payload"]["start_time"]) / 1000
    assert int(seconds // 86400) == 193
    assert int(seconds % 86400 // 3600) == 16
    far_future = datetime(2031, 1, 1, tzinfo=UTC)
    assert "*Running* for 193 d 16 h" in status_line(card(seed_job(), now=far_future))


def test_running_time_is_measured_to_now_without_a_current_time() -> None:
    started = NOW - timedelta(hours=3, minutes=12, seconds=30)
    job = seed_job(current_time=None, start_time=int(started.timestamp() * 1000))
    assert "*Running* for 3 h 12 min" in status_line(card(job, now=NOW))


def test_demo_running_job_shows_how_long_it_has_run() -> None:
    assert "for 3 h 12 min" in status_line(card(demo(50320)))


def test_a_job_that_is_not_running_shows_no_running_time() -> None:
    assert " for " not in status_line(card(seed_job(status="job_cancel_success")))


def test_status_description_is_shown_when_not_empty() -> None:
    payload = card(demo(1005))
    assert "TaskManager lost: heartbeat of TaskManager timed out." in status_line(payload)


def test_cs_card_shows_cluster_configuration_and_program() -> None:
    payload = card(seed_job(spu_number=4, parallel_number=2))
    fields = field_values(payload)
    assert fields["Job ID"] == "`50320`"
    assert fields["Cluster"] == "`100000`"
    assert fields["Resources"] == "parallelism 2, 4 SPUs"
    assert fields["Checkpointing"].startswith("On, exactly once")
    assert fields["Logging"] == "On, OBS bucket `string`"
    assert fields["Alarm topic (SMN)"] == "`cs_job_exception`"
    assert "62de1e1c-066e-48a8-a79d-f461a31b2ee1" in fields["Edge groups"]
    text = all_text(payload)
    assert "cs-flink-jar/52818/WindowJoin.jar" in text
    assert "org.apache.spark.examples.streaming.JavaQueueStream" in text
    assert "Queue" not in fields


def test_sql_job_shows_the_start_of_its_sql() -> None:
    payload = card(seed_job(job_type="flink_sql_job"))
    assert "```select * from source_table```" in all_text(payload)


def test_root_job_is_shown_when_present() -> None:
    payload = card(demo(2001))
    assert field_values(payload)["Root job"] == "`2000`"


def test_dli_card_shows_queue_and_cus() -> None:
    payload = card(dli_job())
    assert_valid_message(payload)
    fields = field_values(payload)
    assert fields["Queue"] == "`flinktest`"
    assert "Cluster" not in fields
    assert fields["Resources"] == "parallelism 1, 2 CUs, 1 for the job manager"
    assert "SPUs" not in all_text(payload)
    assert fields["Checkpointing"] == "Off"
    assert "FemaleInfoCollection.jar" in all_text(payload)
    assert payload["text"] == "Job 104 jptest: Draft"


def test_dli_root_id_of_minus_one_is_not_shown_as_a_root_job() -> None:
    """DLI sends root_id -1 for a job with no parent; a job ID is positive."""
    assert "Root job" not in field_values(card(dli_job()))


def test_dli_entrypoint_args_are_masked() -> None:
    payload = card(dli_job(entrypoint_args="--input obs://b/in --password s3cr3t --sk SKVALUE"))
    text = all_text(payload)
    assert "s3cr3t" not in text
    assert "SKVALUE" not in text
    assert "--input obs://b/in" in text


def test_the_card_buttons_carry_the_job() -> None:
    payload = card(seed_job())
    buttons = [e for b in payload["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == ["job_refresh", "job_watch", "job_plan", "job_more"]
    assert JobRef.from_value(buttons[0]["value"]).job_id == 50320
    assert WatchRef.from_value(buttons[1]["value"]) == WatchRef(project="", job_id=50320)
    assert JobRef.from_value(buttons[2]["value"]).job_id == 50320
    assert JobRef.from_value(buttons[3]["value"]).job_id == 50320


def test_a_shareable_card_has_share_too() -> None:
    job = seed_job()
    payload = build_job_card(job, 50320, now=NOW, shareable=True).as_payload()
    buttons = [e for b in payload["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == [
        "job_refresh",
        "job_watch",
        "job_plan",
        "job_more",
        "job_share",
    ]


def test_notification_text_for_the_seed_sample() -> None:
    assert card(seed_job())["text"] == "Job 50320 my_job_001: Running"


def test_a_job_without_a_name_still_has_a_title() -> None:
    payload = card(seed_job(name="   "))
    assert_valid_message(payload)
    assert "50320" in payload["blocks"][0]["text"]["text"]
    assert payload["text"] == "Job 50320 (no name): Running"


def test_a_job_with_nothing_but_an_id_still_gets_a_valid_card() -> None:
    payload = card(Job.model_validate({}), 7)
    assert_valid_message(payload)
    assert payload["text"] == "Job 7 (no name): Unknown status"


HOSTILE = st.one_of(
    st.none(),
    st.sampled_from(["<!channel>", "<!here>", "<@U123>", "<http://x|y>", "a & b", "`", "```"]),
    st.text(alphabet=st.sampled_from("<>&`*_~:|!@#\n ax"), max_size=60).map(lambda s: s * 80),
    st.text(max_size=200),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=HOSTILE,
    status=HOSTILE,
    status_desc=HOSTILE,
    job_type=st.one_of(HOSTILE, st.sampled_from(list(JOB_TYPES))),
    run_mode=HOSTILE,
    cluster=HOSTILE,
    checkpoint_mode=HOSTILE,
    obs_bucket=HOSTILE,
    smn_topic=HOSTILE,
    sql=HOSTILE,
    args=HOSTILE,
    desc=HOSTILE,
)
def test_any_text_from_the_api_gives_a_valid_card_that_pings_no_one(**fields: Any) -> None:
    payload_fields = {
        "args": fields.pop("args"),
        "sql_body": fields.pop("sql"),
        "jar_url": fields["name"],
        "main_class": fields["status_desc"],
        "edge_group_ids": fields["cluster"],
    }
    job = seed_job(**fields, **payload_fields, job_config={"checkpoint_enabled": True})
    payload = card(job)
    assert_valid_message(payload)
    assert_no_unescaped_control(payload)
