"""`jobbot show` / `jobbot demo` in a terminal: colour on a tty, plain text anywhere else."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from bot.jobs.cache import JobCache
from bot.jobs.service import create_jobs_client
from bot.render.blocks import Message
from bot.render.terminal import print_message, terminal_console
from bot.usecases.show_job import show_job
from tests.conftest import make_settings

ANSI = "\x1b["
GREEN, RED = "\x1b[1;32m", "\x1b[1;31m"
NOW = datetime(2026, 11, 25, 4, 36, tzinfo=UTC)


async def demo_message(job_id: int) -> Message:
    client = create_jobs_client(make_settings(JOBBOT_API="demo").cloud_access())
    try:
        return (await show_job(JobCache(client, ttl_s=0), job_id, now=NOW)).message
    finally:
        await client.aclose()


def shown(message: Message, *, tty: bool) -> str:
    out = io.StringIO()
    print_message(terminal_console(out, force_terminal=tty), message)
    return out.getvalue()


@pytest.fixture(autouse=True)
def colour_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)


def assert_plain_and_readable(text: str) -> None:
    assert ANSI not in text
    for raw in ("*Running*", "```", "[Refresh]", ":large_green_circle:", "&lt;", "<!date^"):
        assert raw not in text, raw


async def test_piped_output_is_plain_readable_text() -> None:
    text = shown(await demo_message(50320), tty=False)
    assert_plain_and_readable(text)
    lines = text.splitlines()
    assert lines[0] == "🟢 my_job_001"
    assert "🟢 Running for" in lines[2]
    assert "  Job ID: 50320" in lines
    assert "  Type: Flink JAR" in lines


async def test_piped_sql_keeps_whole_lines() -> None:
    """Long SQL lines are printed whole (never cut at 80 columns or padded with spaces)."""
    text = shown(await demo_message(2002), tty=False)
    assert_plain_and_readable(text)
    insert = next(line for line in text.splitlines() if "INSERT INTO sink_0" in line)
    assert insert.endswith("user_id;")
    assert len(insert) > 80
    assert all(line == line.rstrip() for line in text.splitlines())


async def test_no_color_is_plain_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    text = shown(await demo_message(50320), tty=True)
    assert_plain_and_readable(text)
    assert "Job ID: 50320" in text


async def test_a_terminal_gets_colour_by_health_and_bold_labels() -> None:
    running = shown(await demo_message(50320), tty=True)
    assert GREEN + "Running" in running
    assert "\x1b[1m" in running  # bold labels and title
    assert "*Running*" not in running
    assert "[Refresh]" not in running
    failed = shown(await demo_message(1003), tty=True)  # the demo's "Submission failed"
    assert RED + "Submission failed" in failed


async def test_a_terminal_highlights_the_sql() -> None:
    text = shown(await demo_message(2002), tty=True)
    sql_line = next(line for line in text.splitlines() if "CREATE" in line)
    # The keyword carries its own colour, apart from the table name after it.
    assert ANSI in sql_line.split("CREATE")[0] + sql_line.split("CREATE")[1][:8]


async def test_an_error_message_reads_as_text() -> None:
    text = shown(await demo_message(401), tty=False)
    assert_plain_and_readable(text)
    assert text.startswith("🔒 The job API rejected jobbot's credentials.")
