"""jobbot against a bare Bolt baseline, under bursts of signed slash commands.

Run from the repository root: `./dev bench` (= `.venv/bin/python -m benchmarks.run`).
Needs `wrk` (see benchmarks/README.md). Prints a markdown table and PASS/FAIL per target, and
writes the same to benchmarks/results/latest.md.

Processes: the fake CS job API (100 ms per request) and the fake Slack (Web API + response_url
sink) each run in their own process (benchmarks/fakes.py); the baseline
(benchmarks/baseline_app.py) and `jobbot serve` each run in their own process; wrk, a compiled
load generator, sends the bursts (benchmarks/burst.lua). All on loopback.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import watches
from tests.fakes import command_body, slack_headers

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
LUA = HERE / "burst.lua"
RESULTS = HERE / "results" / "latest.md"

SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"  # benchmarks/fakes.py's FakeSlack accepts this one
PROJECT_ID = "benchproject"
AUTH_TOKEN = "bench-iam-token"
API_LATENCY_MS = 100.0

# Targets (issue 8), as ratios to the baseline in the same run: jobbot's ack p99 and its last
# card at most the baseline's at every burst, peak RSS at most 1.2x, start-up at most 1.5x.
ACK_P99_MAX_RATIO = 1.0
LAST_CARD_MAX_RATIO = 1.0
RSS_MAX_RATIO = 1.2
STARTUP_MAX_RATIO = 1.5
SINGLE_LOOKUP_SLACK_MS = 30.0
STARTS = 3
ONE_JOB_BURST = 200
ONE_JOB_MAX_UPSTREAM = 2


@dataclass(frozen=True)
class Scenario:
    """What jobbot runs with beyond the common settings, e.g. a pre-seeded database.

    `prepare(workdir)` may write files into the run's temporary directory and returns the
    extra environment for `jobbot serve`. To add one (say, 1,000 active watches): write a
    function that seeds `workdir / "jobbot.db"` and returns {"JOBBOT_DB": ...}, and register
    it in SCENARIOS; `./dev bench --scenario NAME` runs it.
    """

    description: str
    prepare: Callable[[Path], dict[str, str]]


SCENARIOS: dict[str, Scenario] = {
    "plain": Scenario("no state beyond the settings", lambda workdir: {}),
    "watches-1000": Scenario(
        "1,000 active watches in SQLite, polled every second", watches.prepare
    ),
}

APPS = ("baseline", "jobbot")
# The baseline app with the libraries jobbot must use loaded and set up (no jobbot code): how
# much of jobbot's start-up and memory beyond the baseline's the libraries alone account for.
FLOOR = "floor"
PROCS = ("baseline", FLOOR, "jobbot")


# --------------------------------------------------------------------------- processes


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    url: str
    startup_ms: float = 0.0

    def peak_rss_mb(self) -> float:
        """VmHWM from /proc: the peak resident set size of the process and its children."""
        total = 0
        for pid in [self.popen.pid, *_children(self.popen.pid)]:
            status = Path(f"/proc/{pid}/status").read_text()
            match = re.search(r"^VmHWM:\s+(\d+)\s+kB", status, re.MULTILINE)
            total += int(match.group(1)) if match else 0
        return total / 1024 if total else float("nan")


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http(
    method: str,
    url: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 5.0,
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def get_json(url: str) -> Any:
    return json.loads(http("GET", url)[1])


def start_fake(role: str) -> Proc:
    popen = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.fakes", role],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert popen.stdout is not None
    line = popen.stdout.readline()
    if not line:
        raise SystemExit(f"benchmarks.fakes {role} did not start")
    return Proc(f"fake {role}", popen, json.loads(line)["url"])


def clean_env() -> dict[str, str]:
    """This shell's environment without any Slack, jobbot or Huawei Cloud settings."""
    prefixes = ("SLACK_", "JOBBOT_", "HUAWEICLOUD_", "BENCH_")
    return {k: v for k, v in os.environ.items() if not k.upper().startswith(prefixes)}


def jobbot_backlog() -> int:
    """The listen backlog `jobbot serve` asks for (aiohttp's default 128 unless it says)."""
    from bot.slack import server

    return int(server.BACKLOG)


def start_app(
    name: str,
    api_url: str,
    slack_api_url: str,
    workdir: str,
    backlog: int = 128,
    extra_env: dict[str, str] | None = None,
) -> Proc:
    """Start one app, and time it from process start to its first /healthz 200."""
    port = free_port()
    env = clean_env()
    env |= {"SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack_api_url}
    if name == "jobbot":
        env |= {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "JOBBOT_API": "cs",
            "JOBBOT_ENDPOINT": api_url,
            "HUAWEICLOUD_SDK_PROJECT_ID": PROJECT_ID,
            "JOBBOT_AUTH_TOKEN": AUTH_TOKEN,
            "JOBBOT_HOST": "127.0.0.1",
            "JOBBOT_PORT": str(port),
            "JOBBOT_LOG_LEVEL": "WARNING",
        }
        env |= extra_env or {}
        jobbot = ROOT / ".venv" / "bin" / "jobbot"
        argv = [str(jobbot), "serve"]
        cwd = workdir  # no stray .env from the checkout
    else:
        env |= {
            # Not SLACK_BOT_TOKEN: AsyncApp would read it too and warn that it is unused.
            "BENCH_BOT_TOKEN": BOT_TOKEN,
            "BENCH_ENDPOINT": api_url,
            "BENCH_PROJECT_ID": PROJECT_ID,
            "BENCH_AUTH_TOKEN": AUTH_TOKEN,
            "BENCH_PORT": str(port),
            "BENCH_BACKLOG": str(backlog),
        }
        if name == FLOOR:
            env |= {"BENCH_LIBRARIES": "1", "BENCH_DB": str(Path(workdir) / "floor.db")}
        argv = [sys.executable, "-m", "benchmarks.baseline_app"]
        cwd = str(ROOT)
        env["PYTHONPATH"] = str(ROOT)
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    popen = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL)
    deadline = started + 60
    while True:
        with suppress(OSError):
            if http("GET", f"{url}/healthz", timeout=1.0)[0] == 200:
                break
        if popen.poll() is not None:
            raise SystemExit(f"{name} exited with status {popen.returncode} at start-up")
        if time.monotonic() > deadline:
            raise SystemExit(f"{name} did not answer /healthz within 60 s")
        time.sleep(0.005)
    return Proc(name, popen, url, startup_ms=(time.monotonic() - started) * 1000)


def stop(proc: Proc) -> None:
    if proc.popen.poll() is not None:
        return
    if proc.name.startswith("fake"):
        assert proc.popen.stdin is not None
        with suppress(OSError):
            proc.popen.stdin.close()
    else:
        proc.popen.send_signal(signal.SIGTERM)
    try:
        proc.popen.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.popen.kill()
        proc.popen.wait()


@contextmanager
def running(procs: list[Proc]) -> Iterator[list[Proc]]:
    try:
        yield procs
    finally:
        for proc in reversed(procs):
            stop(proc)


# --------------------------------------------------------------------------- one burst


@dataclass
class Burst:
    app: str
    size: int
    mode: str  # "distinct" job IDs, or "one" job ID for the whole burst
    ack_p50_ms: float = 0.0
    ack_p99_ms: float = 0.0
    last_card_ms: float = float("nan")
    sent: int = 0
    cards: int = 0
    other_replies: int = 0
    non200: int = 0
    wrk_errors: int = 0
    upstream: int = 0
    runs: int = 1
    tcp: dict[str, int] = field(default_factory=dict)

    @property
    def lost(self) -> int:
        """Requests without a card at the sink: never sent, not answered, or not delivered."""
        return self.size * self.runs - self.cards


@dataclass
class Sinks:
    api_url: str
    slack_url: str
    counter: int = 0
    hooks_seen: set[str] = field(default_factory=set)

    def reset(self) -> None:
        http("POST", f"{self.slack_url}/_bench/reset", b"")
        http("GET", f"{self.api_url}/_bench/reset")


def tcp_counters() -> dict[str, int]:
    """Machine-wide TCP counters: accept-queue overflows and SYN retransmissions."""
    lines = [ln.split() for ln in Path("/proc/net/netstat").read_text().splitlines()]
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names[0] == "TcpExt:":
            table = dict(zip(names[1:], map(int, values[1:]), strict=False))
            return {k: table.get(k, 0) for k in ("ListenOverflows", "TCPSynRetrans", "TCPTimeouts")}
    return {}


def write_requests(path: Path, sinks: Sinks, tag: str, job_ids: list[int]) -> None:
    ts = int(time.time())
    lines = []
    for index, job_id in enumerate(job_ids):
        body = command_body(
            str(job_id),
            f"{sinks.slack_url}/hooks/{tag}-{index}",
            trigger_id=f"{ts}.{index}.{tag}",
        )
        signature = slack_headers(SIGNING_SECRET, body, timestamp=ts)["X-Slack-Signature"]
        lines.append(f"{ts}\t{signature}\t{body}\n")
    path.write_text("".join(lines))


def run_burst(app: Proc, size: int, mode: str, sinks: Sinks, workdir: Path) -> Burst:
    sinks.counter += 1
    tag = f"{app.name}-{mode}-{size}-{sinks.counter}"
    base = 1_000_000 + sinks.counter * 1000
    job_ids = [base] * size if mode == "one" else [base + i for i in range(size)]
    sinks.reset()
    requests_file = workdir / f"{tag}.tsv"
    write_requests(requests_file, sinks, tag, job_ids)
    done_dir = workdir / f"{tag}.done"
    done_dir.mkdir()
    threads = 2 if size % 2 == 0 else 1
    argv = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(size),
        "-d",
        "120s",
        "--timeout",
        "30s",
        "-s",
        str(LUA),
        f"{app.url}/slack/events",
        "--",
        str(requests_file),
        str(size // threads),
        str(done_dir),
    ]
    tcp_before = tcp_counters()
    wrk = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 40
    while (
        len(os.listdir(done_dir)) < threads and wrk.poll() is None and time.monotonic() < deadline
    ):
        time.sleep(0.01)
    wrk.send_signal(signal.SIGINT)  # wrk sleeps for its whole -d unless interrupted
    out, err = wrk.communicate(timeout=30)
    line = next((ln for ln in out.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result for {tag}:\n{out}\n{err}")
    stats = json.loads(line.removeprefix("BENCH "))
    started = min(t["first_send"] for t in stats["threads"] if t["sent"] > 0)

    result = Burst(app.name, size, mode)
    result.sent = sum(min(t["sent"], size // threads) for t in stats["threads"])
    received = sum(t["received"] for t in stats["threads"])
    result.non200 = sum(t["non200"] for t in stats["threads"]) + (result.sent - received)
    result.wrk_errors = sum(stats["errors"].values())
    result.ack_p50_ms = stats["p50_us"] / 1000
    result.ack_p99_ms = stats["p99_us"] / 1000

    # Wait for the cards (each burst's hooks are its own: tag-<index>).
    prefix = f"{tag}-"
    wait_until = time.monotonic() + 20
    while True:
        hooks = [h for h in get_json(f"{sinks.slack_url}/_bench/hooks") if h[0].startswith(prefix)]
        if len(hooks) >= result.sent or time.monotonic() > wait_until:
            break
        time.sleep(0.1)
    time.sleep(0.2)  # anything late or duplicated
    hooks = [h for h in get_json(f"{sinks.slack_url}/_bench/hooks") if h[0].startswith(prefix)]
    first_reply: dict[str, tuple[float, bool]] = {}
    for hook, at, is_card in hooks:
        first_reply.setdefault(hook, (at, is_card))
    cards = [at for at, is_card in first_reply.values() if is_card]
    result.cards = len(cards)
    result.other_replies = len(first_reply) - len(cards)
    if cards:
        result.last_card_ms = (max(cards) - started) * 1000
    wanted = {f"/v1.0/{PROJECT_ID}/job/{job_id}" for job_id in set(job_ids)}
    tcp_after = tcp_counters()
    result.tcp = {k: tcp_after[k] - tcp_before.get(k, 0) for k in tcp_after}
    result.upstream = sum(
        1 for path, _ in get_json(f"{sinks.api_url}/_bench/requests") if path in wanted
    )
    return result


def merge(runs: list[Burst]) -> Burst:
    """Several repetitions of one burst: medians of times, sums of counts."""
    first = runs[0]
    merged = Burst(first.app, first.size, first.mode)
    merged.ack_p50_ms = statistics.median(r.ack_p50_ms for r in runs)
    merged.ack_p99_ms = statistics.median(r.ack_p99_ms for r in runs)
    merged.last_card_ms = statistics.median(r.last_card_ms for r in runs)
    for name in ("sent", "cards", "other_replies", "non200", "wrk_errors", "upstream"):
        setattr(merged, name, sum(getattr(r, name) for r in runs))
    merged.runs = len(runs)
    return merged


# --------------------------------------------------------------------------- report


def ratio(jobbot: float, baseline: float) -> str:
    if baseline == 0:
        return "—" if jobbot == 0 else "∞"
    return f"x{jobbot / baseline:.2f}"


def fmt(value: float, digits: int = 1) -> str:
    return "n/a" if value != value else f"{value:.{digits}f}"


def burst_label(burst: Burst) -> str:
    ids = "1 job ID" if burst.mode == "one" else "distinct IDs"
    return f"{burst.size} x /job, {ids}" if burst.size > 1 else "1 x /job"


def table(
    results: dict[tuple[int, str], dict[str, Burst]],
    procs: dict[str, Proc],
    rss: dict[str, float],
    tcp: dict[str, dict[str, int]],
    backlogs: dict[str, int],
) -> str:
    rows = [
        "| burst | app | ack p50 ms | ack p99 ms | last card ms | cards / sent | lost | non-200 "
        "| upstream requests (per lookup) |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for (_, _), pair in results.items():
        base, bot = pair["baseline"], pair["jobbot"]
        label = burst_label(base)
        for b in (base, bot):
            per = b.upstream / b.sent if b.sent else float("nan")
            rows.append(
                f"| {label} | {b.app} | {fmt(b.ack_p50_ms)} | {fmt(b.ack_p99_ms)} "
                f"| {fmt(b.last_card_ms, 0)} | {b.cards} / {b.sent} | {b.lost} "
                f"| {b.non200} | {b.upstream} ({fmt(per, 3)}) |"
            )
        per_base = base.upstream / base.sent if base.sent else 0
        per_bot = bot.upstream / bot.sent if bot.sent else 0
        rows.append(
            f"| {label} | **jobbot ÷ baseline** | {ratio(bot.ack_p50_ms, base.ack_p50_ms)} "
            f"| {ratio(bot.ack_p99_ms, base.ack_p99_ms)} "
            f"| {ratio(bot.last_card_ms, base.last_card_ms)} | | {ratio(bot.lost, base.lost)} "
            f"| {ratio(bot.non200, base.non200)} | {ratio(per_bot, per_base)} |"
        )
    rows += [
        "",
        "| process | peak RSS MB (VmHWM) | start → first /healthz 200, ms "
        "| listen backlog | accept-queue overflows / SYN-ACK retransmits in its bursts |",
        "|---|--:|--:|--:|--:|",
    ]
    for name in PROCS:
        rows.append(
            f"| {name} | {rss[name]:.1f} | {procs[name].startup_ms:.0f} | {backlogs[name]} "
            f"| {tcp[name].get('ListenOverflows', 0)} / {tcp[name].get('TCPSynRetrans', 0)} |"
        )
    for top, bottom in (("jobbot", "baseline"), (FLOOR, "baseline"), ("jobbot", FLOOR)):
        rows.append(
            f"| **{top} ÷ {bottom}** | {ratio(rss[top], rss[bottom])} "
            f"| {ratio(procs[top].startup_ms, procs[bottom].startup_ms)} | | |"
        )
    return "\n".join(rows)


def check_targets(
    results: dict[tuple[int, str], dict[str, Burst]],
    repeat: int,
    procs: dict[str, Proc],
    rss: dict[str, float],
) -> list[tuple[bool, str]]:
    checks: list[tuple[bool, str]] = []
    for field_name, limit, what in (
        ("ack_p99_ms", ACK_P99_MAX_RATIO, "ack p99"),
        ("last_card_ms", LAST_CARD_MAX_RATIO, "last card"),
    ):
        misses = []
        for pair in results.values():
            base, bot = getattr(pair["baseline"], field_name), getattr(pair["jobbot"], field_name)
            if not bot <= base * limit:  # NaN (no card at all) fails too
                misses.append(f"{burst_label(pair['jobbot'])}: {ratio(bot, base)}")
        checks.append(
            (
                not misses,
                f"{what} ≤ baseline x {limit:.2f} at every burst"
                + (" — " + "; ".join(misses) if misses else ""),
            )
        )
    rss_ratio = rss["jobbot"] / rss["baseline"]
    checks.append(
        (
            rss_ratio <= RSS_MAX_RATIO,
            f"peak RSS ≤ baseline x {RSS_MAX_RATIO:.2f} (x{rss_ratio:.2f}: "
            f"{rss['jobbot']:.1f} MB vs {rss['baseline']:.1f} MB)",
        )
    )
    start_ratio = procs["jobbot"].startup_ms / procs["baseline"].startup_ms
    checks.append(
        (
            start_ratio <= STARTUP_MAX_RATIO,
            f"start to first /healthz 200 ≤ baseline x {STARTUP_MAX_RATIO:.2f} "
            f"(x{start_ratio:.2f}: {procs['jobbot'].startup_ms:.0f} ms vs "
            f"{procs['baseline'].startup_ms:.0f} ms)",
        )
    )
    one = results.get((ONE_JOB_BURST, "one"))
    if one is not None:
        bot = one["jobbot"]
        checks.append(
            (
                bot.upstream <= ONE_JOB_MAX_UPSTREAM * repeat,
                f"{ONE_JOB_BURST}-burst on one job: ≤ {ONE_JOB_MAX_UPSTREAM} upstream requests "
                f"({bot.upstream // repeat}"
                + (f" per run, {bot.upstream} in {repeat} runs" if repeat > 1 else "")
                + ")",
            )
        )
    single = results.get((1, "distinct"))
    if single is not None:
        bot = single["jobbot"]
        limit = API_LATENCY_MS + SINGLE_LOOKUP_SLACK_MS
        checks.append(
            (
                bot.last_card_ms <= limit,
                f"single lookup delivered within {API_LATENCY_MS:.0f} + "
                f"{SINGLE_LOOKUP_SLACK_MS:.0f} ms ({bot.last_card_ms:.0f} ms; baseline "
                f"{single['baseline'].last_card_ms:.0f} ms)",
            )
        )
    lost = [
        (burst_label(p["jobbot"]), p["jobbot"])
        for p in results.values()
        if p["jobbot"].lost or p["jobbot"].non200
    ]
    checks.append(
        (
            not lost,
            "no request lost by jobbot (every request acked 200 and its card reached the sink)"
            + (
                ""
                if not lost
                else " — "
                + "; ".join(f"{label}: {b.lost} lost, {b.non200} non-200" for label, b in lost)
            ),
        )
    )
    return checks


def floor_note(procs: dict[str, Proc], rss: dict[str, float]) -> str:
    """Say how much of jobbot's start-up and memory the required libraries alone take."""
    base, floor, bot = (procs[name] for name in ("baseline", FLOOR, "jobbot"))
    return (
        f"the libraries alone (`floor`: the baseline app plus SQLAlchemy async Core with "
        f"aiosqlite, pydantic-settings, prometheus-client and uvloop, each set up once) start "
        f"in {floor.startup_ms:.0f} ms ({ratio(floor.startup_ms, base.startup_ms)} the "
        f"baseline) and peak at {rss[FLOOR]:.1f} MB ({ratio(rss[FLOOR], rss['baseline'])}); "
        f"jobbot is {ratio(bot.startup_ms, floor.startup_ms)} and "
        f"{ratio(rss['jobbot'], rss[FLOOR])} of that floor"
    )


def machine() -> str:
    model = ""
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    wrk_version = (wrk_version.splitlines() or ["wrk"])[0].split(" Copyright")[0]
    return (
        f"{os.cpu_count()} cores ({model or platform.machine()}), Linux "
        f"{platform.release()}, Python {platform.python_version()}, {wrk_version}"
    )


# --------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sizes",
        default="1,50,200,500",
        help="burst sizes, comma-separated (default: 1,50,200,500)",
    )
    parser.add_argument(
        "--baseline-backlog",
        type=int,
        default=0,
        help="the baseline's listen backlog (default: the same as jobbot's)",
    )
    parser.add_argument(
        "--scenario",
        choices=sorted(SCENARIOS),
        default="plain",
        help="what jobbot runs with beyond the settings (default: plain)",
    )
    parser.add_argument(
        "--jobbot-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for jobbot, e.g. JOBBOT_EVENT_LOOP=asyncio (repeatable)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each burst per app; times are medians (default: 3)",
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        print(
            "benchmarks need wrk: apt-get install -y wrk (see benchmarks/README.md)",
            file=sys.stderr,
        )
        return 2
    sizes = [int(s) for s in args.sizes.split(",")]
    plan = [
        (size, mode)
        for size in sizes
        for mode in ("distinct", "one")
        if not (size == 1 and mode == "one")
    ]
    backlog = jobbot_backlog()
    baseline_backlog = args.baseline_backlog or backlog
    began = time.monotonic()
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    with tempfile.TemporaryDirectory(prefix="jobbot-bench-") as tmp:
        workdir = Path(tmp)
        api = start_fake("api")
        slack = start_fake("slack")
        with running([api, slack]) as fakes:
            sinks = Sinks(api.url, slack.url)
            procs: dict[str, Proc] = {}
            extra_env = SCENARIOS[args.scenario].prepare(workdir)
            extra_env |= dict(item.split("=", 1) for item in args.jobbot_env)
            starters = {
                "baseline": lambda: start_app(
                    "baseline", api.url, f"{slack.url}/api/", tmp, backlog=baseline_backlog
                ),
                "jobbot": lambda: start_app(
                    "jobbot", api.url, f"{slack.url}/api/", tmp, extra_env=extra_env
                ),
                FLOOR: lambda: start_app(
                    FLOOR, api.url, f"{slack.url}/api/", tmp, backlog=baseline_backlog
                ),
            }
            # One at a time, so no start-up competes with another for the CPU; each app
            # starts STARTS times, alternating, and its start-up time is the median (one
            # start on a shared machine is noise). The last start is the one measured on.
            startups: dict[str, list[float]] = {name: [] for name in PROCS}
            for attempt in range(STARTS):
                for name in PROCS:
                    proc = starters[name]()
                    startups[name].append(proc.startup_ms)
                    if attempt < STARTS - 1:
                        stop(proc)
                    else:
                        proc.startup_ms = statistics.median(startups[name])
                        procs[name] = proc
                        fakes.append(proc)
            for name in PROCS:  # Bolt's first request calls auth.test; warm all the same way
                run_burst(procs[name], 1, "distinct", sinks, workdir)
            print(
                f"started: baseline {procs['baseline'].startup_ms:.0f} ms, "
                f"floor {procs[FLOOR].startup_ms:.0f} ms, "
                f"jobbot {procs['jobbot'].startup_ms:.0f} ms; running {len(plan)} bursts x "
                f"{args.repeat} per app",
                file=sys.stderr,
            )
            runs: dict[tuple[int, str], dict[str, list[Burst]]] = {
                key: {name: [] for name in PROCS} for key in plan
            }
            flip = False
            # Every run of one burst size before the next size: a baseline that collapses
            # under 500 at once (its httpx pool) then harms no smaller burst's figures.
            for size, mode in plan:
                for rep in range(args.repeat):
                    order = PROCS if not flip else tuple(reversed(PROCS))
                    flip = not flip  # alternate who goes first
                    for name in order:
                        burst = run_burst(procs[name], size, mode, sinks, workdir)
                        runs[(size, mode)][name].append(burst)
                        print(
                            f"  run {rep + 1}: {name:8} {size:4} {mode:8} ack p99 "
                            f"{burst.ack_p99_ms:7.1f} ms, last card "
                            f"{burst.last_card_ms:6.0f} ms, cards {burst.cards}/{size}, "
                            f"upstream {burst.upstream}, tcp {burst.tcp}",
                            file=sys.stderr,
                        )
                        time.sleep(0.2)
            rss = {name: procs[name].peak_rss_mb() for name in PROCS}
            tcp = {
                name: {
                    key: sum(b.tcp.get(key, 0) for r in runs.values() for b in r[name])
                    for key in ("ListenOverflows", "TCPSynRetrans")
                }
                for name in PROCS
            }
            results = {key: {name: merge(r[name]) for name in PROCS} for key, r in runs.items()}
    elapsed = time.monotonic() - began
    checks = check_targets(results, args.repeat, procs, rss)
    args_text = f" {' '.join(sys.argv[1:])}" if sys.argv[1:] else ""
    command = f"`./dev bench{args_text}` (= `.venv/bin/python -m benchmarks.run{args_text}`)"
    serve_command = "jobbot serve"
    env_note = f"; extra environment {', '.join(args.jobbot_env)}" if args.jobbot_env else ""
    report = "\n".join(
        [
            f"### {command} — {when}",
            "",
            f"Machine: {machine()}. Run took {elapsed:.0f} s.",
            f"jobbot runs as `{serve_command}` (scenario `{args.scenario}`: "
            f"{SCENARIOS[args.scenario].description}{env_note}); the baseline is one "
            f"process. Fake CS job API: {API_LATENCY_MS:.0f} ms per request. "
            f"Each burst ran {args.repeat}x "
            "per app (apps alternating who goes first); times are the medians of the runs, counts "
            f"their sums; start-up is the median of {STARTS} starts of each app. "
            "Ack = wrk's latency from sending the request to its HTTP answer; last "
            "card = from the burst's first send to the last reply at the response_url sink. The "
            "baseline listens with jobbot's backlog unless --baseline-backlog says otherwise; "
            "the TCP counters are the machine's (/proc/net/netstat) during each app's bursts.",
            "",
            table(
                results,
                procs,
                rss,
                tcp,
                {"jobbot": backlog, "baseline": baseline_backlog, FLOOR: baseline_backlog},
            ),
            "",
            *[f"- **{'PASS' if ok else 'FAIL'}** {text}" for ok, text in checks],
            f"- **NOTE** {floor_note(procs, rss)}",
            "",
        ]
    )
    print(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report)
    print(f"(written to {RESULTS.relative_to(ROOT)})", file=sys.stderr)
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
