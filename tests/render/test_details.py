"""The Details modal, pure: every demo job and hostile jobs fit a modal and leak nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.jobs.demo import DEMO_JOB_IDS, demo_job
from bot.jobs.models import Job
from bot.render.details import chunks, details_pages, details_view
from bot.render.refs import DetailsPageRef
from bot.render.text import code_block
from tests.blockkit import assert_no_unescaped_control, assert_valid_view

NOW_MS = int(datetime(2026, 11, 25, 4, 36, tzinfo=UTC).timestamp() * 1000)
SECRETS = ("hunter2", "s3cr3t-kafka", "AKIAEXAMPLE", "sk-live-123", "jaas-pw", "tok_abc")


def every_page(job: Job, job_id: int) -> list[dict[str, Any]]:
    """Walk the modal from page 1 by its Next buttons, as a reader would."""
    views = [details_view(job, DetailsPageRef(job_id=job_id))]
    while True:
        nexts = [
            element
            for block in views[-1]["blocks"]
            if block["type"] == "actions"
            for element in block["elements"]
            if element["action_id"] == "job_more_next"
        ]
        if not nexts:
            return views
        views.append(details_view(job, DetailsPageRef.from_value(nexts[0]["value"])))
        assert len(views) <= 50


def check(views: list[dict[str, Any]]) -> str:
    for view in views:
        assert_valid_view(view)
        assert_no_unescaped_control(view)
    return json.dumps(views, ensure_ascii=False)


@pytest.mark.parametrize("job_id", DEMO_JOB_IDS)
def test_every_demo_job_fits_a_modal(job_id: int) -> None:
    job = Job.model_validate(demo_job(job_id, NOW_MS))
    text = check(every_page(job, job_id))
    assert f"Job {job_id}" in text
    assert "Configuration" in text
    for secret in SECRETS:
        assert secret not in text


def test_the_configuration_is_every_field_in_words() -> None:
    job = Job.model_validate(demo_job(50320, NOW_MS))
    [view] = every_page(job, 50320)
    text = json.dumps(view)
    for words in (
        "*Checkpointing*\\nOn",
        "*Checkpoint mode*\\nexactly once",
        "*Checkpoint interval*\\n1 min",
        "*Logging*\\nOn",
        "*OBS bucket*\\n`jobbot-demo-logs`",
        "*Alarm topic (SMN)*\\n`cs_job_exception`",
        "*Root job*\\n0",
        "*SPUs of the job manager*\\n1",
        "*SPUs*\\n",
        "*Parallelism*\\n",
        "*Checkpoint path* _not set_",
    ):
        assert words in text, words
    assert "--window 60 --parallel true" in text


def hostile_job() -> dict[str, Any]:
    sql = "\n".join(
        f"INSERT INTO t{n} SELECT * FROM s WHERE x = '{'<!channel> & ' * 20}';"  # noqa: S608
        for n in range(300)
    )
    return {
        "job_id": 4242,
        "name": "<!channel> <@U0BOSS> *bold* <https://evil|click>",
        "job_type": "flink_sql_job",
        "status": "job_running",
        "status_desc": "<!here> failed & retried",
        "savepoint_path": "obs://bucket/savepoints/<!channel>?token=tok_abc",
        "sql_body": sql
        + "\nCREATE TABLE k WITH ('password' = 'hunter2', 'sasl.jaas.config' = "
        + "'PlainLoginModule password=\"jaas-pw\"');\n"
        + "x" * 9000,
        "job_config": {
            "checkpoint_enabled": True,
            "checkpoint_path": "obs://ak:AKIAEXAMPLE@bucket/cp",
            "runtime_config": [{"key": "fs.obs.secret.key", "value": "sk-live-123"}],
            "password": "hunter2",
            "nested": {"secret_key": "sk-live-123", "deep": {"token": "tok_abc"}},
            "<!channel>": "<@U0BOSS>",
            "x" * 5000: "y" * 5000,
            "resource_config": {
                "max_slot": 2,
                "jobmanager_resource_spec": {"cpu": 1.0, "memory": "4G"},
            },
            "dirty_data_strategy": "2:obs://dirty/<!channel>",
        },
        "edge_group_ids": [f"group-{n}-<!channel>" for n in range(400)],
    }


def test_a_hostile_job_pages_through_fitting_modals_and_leaks_no_credential() -> None:
    job = Job.model_validate(hostile_job())
    views = every_page(job, 4242)
    text = check(views)
    assert len(views) > 5
    for secret in SECRETS:
        assert secret not in text, secret
    assert "Page 1 of" in text
    # Every line of the SQL is somewhere in the pages, in order, split only at line ends.
    assert "INSERT INTO t299 SELECT" in text
    assert "*Resources*\\nSlots per TaskManager: 2; Job manager resources: CPU: 1.0" in text
    assert "Save it to `obs://dirty/&lt;!channel&gt;`" in text


def test_a_job_bigger_than_fifty_pages_says_the_rest_is_cut() -> None:
    job = Job.model_validate({**hostile_job(), "sql_body": "select 1;\n" * 200_000})
    pages = details_pages(job, 4242)
    assert len(pages) == 50
    assert "more parts are not shown (cut)" in json.dumps(pages[-1])
    check([details_view(job, DetailsPageRef(job_id=4242, page=49))])


def test_a_page_past_the_end_shows_the_last_page() -> None:
    job = Job.model_validate(demo_job(2002, NOW_MS))
    last = details_view(job, DetailsPageRef(job_id=2002, page=999))
    assert "job_more_next" not in json.dumps(last)
    assert "job_more_previous" in json.dumps(last)


@pytest.mark.parametrize(
    "text", ["a", "a\nb", "<" * 10_000, "line\n" * 3000, "x" * 7000 + "\n" + "y" * 10]
)
def test_chunks_fit_and_lose_nothing(text: str) -> None:
    parts = chunks(text, 2900)
    assert all(len(code_block(part)) <= 2900 for part in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")


@pytest.mark.parametrize(
    ("limit", "shown"),
    [(5, "*Most automatic restarts*\\n5 an hour"), (-1, "*Most automatic restarts*\\nNo limit")],
)
def test_the_restart_limit_reads_per_hour(limit: int, shown: str) -> None:
    job = Job.model_validate(
        {
            **demo_job(50320, NOW_MS),
            "job_config": {"restart_when_exception": True, "resume_max_num": limit},
        }
    )
    [view] = every_page(job, 50320)
    assert shown in json.dumps(view)
