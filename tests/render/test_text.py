"""Text helpers: mrkdwn escaping, credential masking, cutting to limits, times."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.jobs.masking import mask_secrets
from bot.render.text import (
    CUT_MARKER,
    code,
    code_block,
    date_token,
    duration,
    escape,
    fit,
    unescape,
)

# --- unescape (what Slack sends back to what was typed) ------------------------------------


@given(st.text(alphabet="ab<>&;!lt gamp#", max_size=40))
def test_unescape_undoes_slacks_escaping_exactly(typed: str) -> None:
    assert unescape(escape(typed)) == typed


@pytest.mark.parametrize(
    ("sent", "typed"),
    [("&lt;oops&gt;", "<oops>"), ("&amp;lt;", "&lt;"), ("&quot; &#39;", "&quot; &#39;")],
)
def test_unescape_decodes_only_slacks_three_entities(sent: str, typed: str) -> None:
    assert unescape(sent) == typed


# --- escape -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("<http://evil|Open UI>", "&lt;http://evil|Open UI&gt;"),
        ("a & b", "a &amp; b"),
        ("&lt;", "&amp;lt;"),  # `&` first: an entity in the input is shown as typed
        ("&amp;", "&amp;amp;"),
        ('We\'ve "quoted"', 'We\'ve "quoted"'),  # quotes are not HTML-escaped
        ("*bold* _it_ `code`", "*bold* _it_ `code`"),
    ],
)
def test_escape_replaces_only_the_three_control_characters(raw: str, escaped: str) -> None:
    assert escape(raw) == escaped


@given(st.text())
def test_escaped_text_has_no_control_characters_left(raw: str) -> None:
    out = escape(raw)
    assert "<" not in out
    assert ">" not in out
    assert out.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").count("&") == 0
    assert out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == raw


def test_code_spans_cannot_be_broken_out_of() -> None:
    assert code("a`<!here>`b").count("`") == 2
    assert "<" not in code("a`<!here>`b")
    assert code_block("x```y").count("```") == 2


# --- mask_secrets -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("--password hunter2 --user etl", "hunter2"),
        ("--password=hunter2", "hunter2"),
        ("-Dpassword=hunter2", "hunter2"),
        ("--ak AKIDEXAMPLE --sk SKEXAMPLE", "AKIDEXAMPLE"),
        ("--ak AKIDEXAMPLE --sk SKEXAMPLE", "SKEXAMPLE"),
        ("--access-key AK1X --secret-key SK1X", "SK1X"),
        ("-Dfs.obs.access.key=AK2X -Dfs.obs.secret.key=SK2X", "SK2X"),
        ("-Dfs.obs.access.key=AK2X -Dfs.obs.secret.key=SK2X", "AK2X"),
        ("--token tok-123", "tok-123"),
        ("--secret 's p a c e d'", "s p a c e d"),
        ("pwd=abc123", "abc123"),
        ("api_key=K3Y", "K3Y"),
        ("WITH ('connector' = 'kafka', 'password' = 's3cr3t-kafka')", "s3cr3t-kafka"),
        ("WITH (password='pw in sql')", "pw in sql"),
        ('{"token": "tok-json", "user": "etl"}', "tok-json"),
        ('{"secret_key":"SKJSON"}', "SKJSON"),
        ("jdbc:mysql://etl:hunter2@db:3306/shop", "hunter2"),
        ("postgres://u:pgpass@h/db", "pgpass"),
        ("jdbc:mysql://db/shop?user=etl&password=qspass", "qspass"),
        (
            "'properties.sasl.jaas.config' = 'org.apache.kafka.common.security.plain."
            'PlainLoginModule required username="u" password="jaaspw";\'',
            "jaaspw",
        ),
    ],
)
def test_credentials_are_masked(text: str, secret: str) -> None:
    masked = mask_secrets(text)
    assert secret not in masked
    assert "***" in masked


@pytest.mark.parametrize(
    "text",
    [
        "task=1",
        "--parallel 4",
        "--window 60 --parallel true",
        "--input obs://bucket/in --output obs://bucket/out",
        "SELECT id, SUM(amount) FROM orders GROUP BY id",
        "WITH ('connector' = 'kafka', 'topic' = 'orders')",
        "passenger=3",
        "https://console.example.com/jobs/50320",
        "--keytab /etc/krb5.keytab",
    ],
)
def test_harmless_values_are_left_alone(text: str) -> None:
    assert mask_secrets(text) == text


def test_masking_keeps_names_and_the_rest_of_the_text() -> None:
    assert (
        mask_secrets("--db jdbc:mysql://etl:pw@db:3306/shop --user etl --password pw")
        == "--db jdbc:mysql://etl:***@db:3306/shop --user etl --password ***"
    )
    assert mask_secrets("WITH ('password' = 'x', 'topic' = 't')") == (
        "WITH ('password' = '***', 'topic' = 't')"
    )


# --- fit ----------------------------------------------------------------------------------


@given(st.text(alphabet=st.sampled_from("ab <>&`\n"), max_size=3000), st.integers(20, 3000))
def test_fit_never_exceeds_the_limit_and_marks_every_cut(raw: str, limit: int) -> None:
    for render in (escape, code, code_block):
        out = fit(raw, limit, render=render)
        assert len(out) <= limit
        if out != render(raw):
            assert CUT_MARKER in out
        assert "<" not in out


def test_fit_leaves_short_text_alone() -> None:
    assert fit("a < b", 100) == "a &lt; b"


def test_fit_counts_escaped_length() -> None:
    out = fit("&" * 100, 50)
    assert len(out) <= 50
    assert out.endswith(CUT_MARKER)
    assert "&amp;" in out


@given(st.integers(0, 60))
def test_fit_of_escaped_text_never_leaves_half_an_entity(extra: int) -> None:
    out = fit(escape("x" * extra + "<&>" * 100), 60, render=lambda s: s)
    assert len(out) <= 60
    assert out.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").count("&") == 0


# --- time ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0, "0 s"),
        (-5, "0 s"),
        (45, "45 s"),
        (60, "1 min"),
        (61, "1 min 1 s"),
        (3600, "1 h"),
        (3 * 3600 + 12 * 60 + 30, "3 h 12 min"),
        (86400 + 5 * 60, "1 d"),  # two adjacent units: the hours in between are zero
        (2 * 86400 + 4 * 3600 + 59, "2 d 4 h"),
        (16734177.26, "193 d 16 h"),
    ],
)
def test_duration_uses_the_two_largest_units(seconds: float, said: str) -> None:
    assert duration(seconds) == said


def test_date_token_has_unix_seconds_pretty_format_and_utc_fallback() -> None:
    moment = datetime(2018, 1, 26, 7, 45, 10, 40000, tzinfo=UTC)
    assert date_token(moment) == (
        "<!date^1516952710^{date_short_pretty} {time}|2018-01-26 07:45 UTC>"
    )


@pytest.mark.parametrize("unit", ["a", "-", "a.", "=&a"])
def test_masking_a_huge_unbroken_value_is_fast(unit: str) -> None:
    """A 60 kB base64 blob or hex string in the arguments must not stall the bot."""
    text = unit * (60_000 // len(unit))
    started = time.perf_counter()
    mask_secrets(text + " --password pw")
    assert time.perf_counter() - started < 2.0


def test_a_secret_key_glued_to_a_long_word_is_still_masked() -> None:
    assert mask_secrets("x" * 150 + "password=pw") == "x" * 150 + "password=***"
