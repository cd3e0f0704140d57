"""The tables, as SQLAlchemy Core objects; migrations.py decides when each is created.

Times are seconds since the epoch (float), from the injected clock, so SQLite and PostgreSQL
store them alike. Every job key carries a `project` name ("" when one project is configured).
"""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    event,
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", Float, nullable=False),
)

# One row per job that at least one channel watches: the last state seen, and the poll lease.
watched_jobs = Table(
    "watched_jobs",
    metadata,
    Column("project", Text, primary_key=True),
    Column("job_id", BigInteger, primary_key=True, autoincrement=False),
    Column("job_name", Text, nullable=False, server_default=""),
    Column("status", Text),
    Column("status_desc", Text, nullable=False, server_default=""),
    Column("restart_times", Integer, nullable=False, server_default="0"),
    Column("status_since", Float, nullable=False),
    Column("next_poll_at", Float, nullable=False),
    Column("lease_owner", Text),
    Column("lease_until", Float, nullable=False, server_default="0"),
    Column("last_read_at", Float),
    # The first failed read of the current streak, and whether the threads were told.
    Column("unreadable_since", Float),
    Column("unreadable_noted", Boolean, nullable=False, server_default="0"),
)
Index("watched_jobs_due", watched_jobs.c.next_poll_at)

watches = Table(
    "watches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project", Text, nullable=False),
    Column("job_id", BigInteger, nullable=False),
    Column("channel_id", Text, nullable=False),
    # The parent card's ts: the thread every change is posted in (None until it is posted).
    Column("thread_ts", Text),
    Column("started_by", Text, nullable=False),
    Column("started_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("ended_at", Float),
    Column("end_reason", Text),
    # Who is posting the parent card, until when (a lease): a card whose poster died is found
    # in the channel or posted again by whoever claims it next.
    Column("parent_owner", Text),
    Column("parent_until", Float, nullable=False, server_default="0"),
)
# One live watch per job per channel; ended watches stay as history. Plain DDL that both
# engines read alike: `Index(..., postgresql_where=...)` would import SQLAlchemy's PostgreSQL
# dialect (about 45 ms) at every start of a SQLite deployment.
event.listen(
    watches,
    "after_create",
    DDL(  # type: ignore[no-untyped-call]
        "CREATE UNIQUE INDEX watches_one_live ON watches (project, job_id, channel_id) "
        "WHERE ended_at IS NULL"
    ),
)
Index("watches_channel", watches.c.channel_id, watches.c.ended_at)
Index("watches_job", watches.c.project, watches.c.job_id, watches.c.ended_at)

# The outbox: every message the poller owes a thread, written before it is posted.
notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watch_id", Integer, ForeignKey("watches.id"), nullable=False),
    Column("change_key", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("from_status", Text),
    Column("to_status", Text),
    Column("status_desc", Text, nullable=False, server_default=""),
    Column("restart_times", Integer, nullable=False, server_default="0"),
    Column("observed_at", Float, nullable=False),
    Column("previous_since", Float),
    Column("created_at", Float, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("posted_ts", Text),
    Column("posted_at", Float),
    Column("failed", Text),
    UniqueConstraint("watch_id", "change_key", name="notifications_once"),
)
Index("notifications_pending", notifications.c.posted_at, notifications.c.failed)

channel_settings = Table(
    "channel_settings",
    metadata,
    Column("channel_id", Text, primary_key=True),
    Column("default_project", Text, nullable=False),
    Column("set_by", Text, nullable=False),
    Column("set_at", Float, nullable=False),
)

seen_events = Table(
    "seen_events",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("seen_at", Float, nullable=False),
)
Index("seen_events_age", seen_events.c.seen_at)

recent_lookups = Table(
    "recent_lookups",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Text, nullable=False),
    Column("project", Text, nullable=False),
    Column("job_id", BigInteger, nullable=False),
    Column("job_name", Text, nullable=False, server_default=""),
    Column("looked_up_at", Float, nullable=False),
)
Index("recent_lookups_user", recent_lookups.c.user_id, recent_lookups.c.looked_up_at)
