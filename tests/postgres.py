"""A real PostgreSQL server for the tests: initdb + pg_ctl in a temporary directory.

Uses the server binaries of Debian's `postgresql` package (`/usr/lib/postgresql/*/bin`), or
whatever `pg_config --bindir` or PATH offers. PostgreSQL refuses to run as root, so as root the
server runs as the `postgres` user (which the package creates).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be started on this machine."""


def find_bindir() -> Path | None:
    """Return the directory holding initdb and pg_ctl, or None."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run(  # noqa: S603 (the machine's own pg_config)
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        candidates.append(out.stdout.strip())
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(str(Path(initdb).resolve().parent))
    for candidate in candidates:
        path = Path(candidate)
        if candidate and (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    """A running server; `url(db)` is a postgresql:// URL as an operator would write it."""

    bindir: Path
    root: Path
    port: int
    run_as: str | None
    user: str = "jobbot"
    password: str = "pw-for-tests"

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(  # noqa: S603 (fixed arguments)
            command, capture_output=True, text=True, timeout=120, check=False
        )

    def start(self) -> None:
        pwfile = self.root / "pw"
        pwfile.write_text(self.password)
        if self.run_as:
            user = pwd.getpwnam(self.run_as)
            for path in (self.root, pwfile):
                os.chown(path, user.pw_uid, user.pw_gid)
        init = self._run(
            "initdb", "-D", str(self.data), "-U", self.user, f"--pwfile={pwfile}",
            "-A", "scram-sha-256", "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        if init.returncode:
            raise PostgresUnavailable(f"initdb failed: {init.stderr.strip()[-500:]}")
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        data, log_file = str(self.data), str(self.root / "log")
        started = self._run("pg_ctl", "-D", data, "-l", log_file, "-o", options, "-w", "start")
        if started.returncode:
            log = (self.root / "log").read_text() if (self.root / "log").exists() else ""
            raise PostgresUnavailable(f"pg_ctl start failed: {started.stderr[-300:]} {log[-500:]}")

    def create_database(self, name: str) -> None:
        created = subprocess.run(  # noqa: S603 (fixed arguments)
            [str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
             "-U", self.user, name],
            env={**os.environ, "PGPASSWORD": self.password},
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        if created.returncode:
            raise PostgresUnavailable(f"createdb failed: {created.stderr.strip()}")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def start_postgres() -> PostgresServer:
    """Start a throwaway server, or raise PostgresUnavailable saying why."""
    bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailable(
            "no initdb/pg_ctl found (apt-get install -y postgresql; ./dev test does it in CI)"
        )
    run_as = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable("running as root and there is no postgres user") from None
        run_as = "postgres"
    root = Path(tempfile.mkdtemp(prefix="jobbot-pg-"))
    server = PostgresServer(bindir=bindir, root=root, port=free_port(), run_as=run_as)
    try:
        server.start()
    except Exception:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return server
