"""The demo jobs: one of every status and type, and awkward ones, as CS's payloads."""

from __future__ import annotations

from typing import Any

DEMO_PROJECT_ID = "demo"
MINUTE = 60_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR

_LONG_SQL = "\n".join(
    [
        "CREATE SOURCE STREAM clicks (user_id STRING, url STRING, ts BIGINT)",
        "  WITH (type = 'dis', region = 'cn-north-4', channel = 'clicks', encode = 'json');",
    ]
    + [
        f"INSERT INTO sink_{n} SELECT"  # noqa: S608 (demo data, not a query we run)
        f" user_id, COUNT(*) AS hits_{n} FROM clicks "
        f"WHERE url LIKE '%/page/{n}%' GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE), user_id;"
        for n in range(400)
    ]
)

_SQL = (
    "CREATE SOURCE STREAM orders (id BIGINT, amount DOUBLE)\n"
    "  WITH ('connector' = 'kafka', 'topic' = 'orders',\n"
    "        'properties.bootstrap.servers' = 'kafka:9092', 'password' = 's3cr3t-kafka');\n"
    "INSERT INTO order_totals SELECT id, SUM(amount) FROM orders GROUP BY id;"
)

# (job_id, name, status, type, run_mode, extra fields). Times are offsets from "now".
_JOBS: list[tuple[int, str, str, str, str, dict[str, Any]]] = [
    (50320, "my_job_001", "job_running", "flink_jar_job", "shared_cluster", {}),
    (1001, "orders_draft", "job_init", "flink_sql_job", "shared_cluster", {"start_time": 0}),
    (1002, "orders_submitting", "job_submitting", "flink_sql_job", "shared_cluster", {}),
    (
        1003,
        "clickstream_agg",
        "job_submit_fail",
        "flink_sql_job",
        "exclusive_cluster",
        {"status_desc": "Submission failed: the SQL references an unknown table `sink_9`."},
    ),
    (1004, "payments_enrich", "job_running", "flink_opensource_sql_job", "exclusive_cluster", {}),
    (
        1005,
        "fraud_scoring",
        "job_running_exception",
        "flink_jar_job",
        "exclusive_cluster",
        {"status_desc": "TaskManager lost: heartbeat of TaskManager timed out."},
    ),
    (1006, "geo_lookup", "job_downloading", "flink_jar_job", "shared_cluster", {}),
    (1007, "nightly_compaction", "job_idle", "flink_sql_job", "shared_cluster", {}),
    (1008, "legacy_ingest", "job_canceling", "flink_sql_job", "shared_cluster", {}),
    (1009, "ab_test_counts", "job_cancel_success", "flink_sql_job", "shared_cluster", {}),
    (
        1010,
        "session_windows",
        "job_cancel_fail",
        "flink_jar_job",
        "exclusive_cluster",
        {"status_desc": "Stopping failed: savepoint could not be written to OBS."},
    ),
    (1011, "inventory_sync", "job_savepointing", "flink_sql_job", "exclusive_cluster", {}),
    (1012, "marketing_feed", "job_arrearage_stopped", "flink_sql_job", "shared_cluster", {}),
    (1013, "billing_rollup", "job_arrearage_recovering", "flink_sql_job", "shared_cluster", {}),
    (1014, "backfill_2026_q3", "job_finish", "flink_sql_job", "shared_cluster", {}),
    (
        2001,
        "edge_camera_filter",
        "job_running",
        "flink_sql_edge_job",
        "edge_node",
        {
            "edge_group_ids": "62de1e1c-066e-48a8-a79d-f461a31b2ee1,"
            "2eb00f85-99f2-4144-bcb7-d39ff47f9002",
            "root_id": 2000,
        },
    ),
    (2002, "huge_sql_pipeline", "job_running", "flink_sql_job", "exclusive_cluster", {}),
    (2003, "<!channel> *bold* alert_router", "job_running", "flink_sql_job", "shared_cluster", {}),
    (
        2004,
        "db_export",
        "job_running",
        "flink_jar_job",
        "exclusive_cluster",
        {"args": "--db jdbc:mysql://etl:hunter2@db:3306/shop --user etl --password hunter2"},
    ),
    (3001, "spark_legacy_stream", "job_running", "spark_streaming_jar_job", "shared_cluster", {}),
]

DEMO_JOB_IDS: tuple[int, ...] = tuple(job[0] for job in _JOBS)
# Job IDs that answer as the API would when it fails, to try the error messages.
DEMO_FAULTS: dict[int, tuple[int, dict[str, Any]]] = {
    401: (
        401,
        {
            "error_code": "APIG.0301",
            "error_msg": "Incorrect IAM authentication information: token expires",
            "request_id": "demo-401",
        },
    ),
    403: (
        403,
        {
            "error_code": "APIG.0302",
            "error_msg": "The IAM user is not authorized to access the API.",
            "request_id": "demo-403",
        },
    ),
    429: (
        429,
        {
            "error_code": "APIG.0308",
            "error_msg": "The throttling threshold has been reached.",
            "request_id": "demo-429",
        },
    ),
    503: (
        503,
        {"error_code": "APIG.0610", "error_msg": "No backend available.", "request_id": "demo-503"},
    ),
}


def demo_job(job_id: int, now_ms: int) -> dict[str, Any] | None:
    """Return a demo job as CS's `payload` object, or None if there is no such demo job."""
    for number, name, status, job_type, run_mode, extra in _JOBS:
        if number == job_id:
            return _payload(number, name, status, job_type, run_mode, extra, now_ms)
    return None


def demo_jobs(now_ms: int) -> list[dict[str, Any]]:
    """Return every demo job as CS's `payload` object."""
    return [_payload(*job, now_ms) for job in _JOBS]


def _payload(
    job_id: int,
    name: str,
    status: str,
    job_type: str,
    run_mode: str,
    extra: dict[str, Any],
    now_ms: int,
) -> dict[str, Any]:
    jar = "jar" in job_type
    age = (job_id % 17 + 1) * DAY
    payload: dict[str, Any] = {
        "job_id": job_id,
        "name": name,
        "desc": f"Demo job {job_id}.",
        "job_type": job_type,
        "status": status,
        "status_desc": "",
        "create_time": now_ms - age,
        "start_time": now_ms - 3 * HOUR - 12 * MINUTE - job_id % 60 * 1000,
        "update_time": now_ms - 7 * MINUTE,
        "user_id": "ac4eaa303639409c8ab099d55eb1538e",
        "cluster_id": 100000 if run_mode == "shared_cluster" else 100000 + job_id % 7,
        "project_id": DEMO_PROJECT_ID,
        "sql_body": "" if jar else (_LONG_SQL if job_id == 2002 else _SQL),
        "run_mode": run_mode,
        "spu_number": 2 + job_id % 6,
        "parallel_number": 1 + job_id % 8,
        "job_config": {
            "checkpoint_enabled": job_id % 3 != 0,
            "checkpoint_mode": "exactly_once" if job_id % 2 == 0 else "at_least_once",
            "checkpoint_interval": 60,
            "log_enabled": True,
            "obs_bucket": "jobbot-demo-logs",
            "smn_topic": "cs_job_exception",
            "root_id": 0,
            "edge_group_ids": "",
            "manager_spu": 1,
        },
        "jar_url": f"cs-flink-jar/{job_id}/WindowJoin.jar" if jar else "",
        "main_class": "org.example.streaming.WindowJoin" if jar else "",
        "args": "--window 60 --parallel true" if jar else "",
        "execution_graph": "",
    }
    for key in ("edge_group_ids", "root_id"):
        if key in extra:
            payload["job_config"][key] = extra[key]
    payload.update({k: v for k, v in extra.items() if k not in ("edge_group_ids", "root_id")})
    return payload


def demo_plan(job: dict[str, Any]) -> dict[str, Any]:
    """Return a plan in Flink's own JSON format, as CS's `execute_plan_items` holds it."""
    width = int(job.get("parallel_number") or 1)
    name = str(job["name"])
    steps = [
        ("Source: KafkaSource", "Data Source", f"Source: {name}_input", 1),
        ("Calc", "Operator", "Calc(select=[id, amount], where=[amount > 0])", width),
        (
            "GroupAggregate",
            "Operator",
            "GroupAggregate(groupBy=[id], select=[id, SUM(amount)])",
            width,
        ),
        ("Sink: JdbcSink", "Data Sink", f"Sink: {name}_output", width),
    ]
    nodes: list[dict[str, Any]] = []
    for number, (kind, pact, contents, parallelism) in enumerate(steps, start=1):
        node: dict[str, Any] = {
            "id": number, "type": kind, "pact": pact, "contents": contents,
            "parallelism": parallelism,
        }  # fmt: skip
        if number > 1:
            node["predecessors"] = [{"id": number - 1, "ship_strategy": "HASH", "side": "second"}]
        nodes.append(node)
    return {"nodes": nodes}
