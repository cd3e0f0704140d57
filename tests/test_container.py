"""The Dockerfile: hadolint, a non-root multi-stage build from the lock file, no secrets."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import Jobbot

REPO = Path(__file__).parent.parent
HADOLINT = REPO / ".venv" / "bin" / "hadolint"
SECRET_NAME = re.compile(r"SLACK_|SECRET|TOKEN|PASSWORD|_SK\b|_AK\b", re.IGNORECASE)


@dataclass
class Instruction:
    keyword: str
    arguments: str
    stage: int


def instructions() -> list[Instruction]:
    """Parse the Dockerfile into instructions (continuations joined), numbering the stages."""
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text())
    parsed: list[Instruction] = []
    stage = -1
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, arguments = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            stage += 1
        parsed.append(Instruction(keyword, arguments.strip(), stage))
    return parsed


def final_stage() -> list[Instruction]:
    every = instructions()
    return [i for i in every if i.stage == every[-1].stage]


def healthcheck_command() -> list[str]:
    (healthcheck,) = [i for i in final_stage() if i.keyword == "HEALTHCHECK"]
    exec_form = healthcheck.arguments.split(" CMD ", 1)[1]
    command = json.loads(exec_form)
    assert isinstance(command, list)
    return [str(part) for part in command]


def test_hadolint_passes(tmp_path: Path) -> None:
    if not HADOLINT.exists() and shutil.which("hadolint") is None:
        pytest.skip("hadolint is not installed")
    binary = str(HADOLINT) if HADOLINT.exists() else str(shutil.which("hadolint"))
    # A HOME of its own: no user's hadolint.yaml can relax (or tighten) the rules.
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(  # noqa: S603
        [binary, "--no-color", "Dockerfile"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_build_is_multi_stage_from_the_lock_file() -> None:
    every = instructions()
    stages = {i.stage for i in every}
    assert len(stages) >= 2
    build = [i for i in every if i.stage != every[-1].stage]
    copied = " ".join(i.arguments for i in build if i.keyword == "COPY")
    assert "uv.lock" in copied
    syncs = [i.arguments for i in build if i.keyword == "RUN" and "uv sync" in i.arguments]
    assert syncs
    assert all("--locked" in sync for sync in syncs)
    # The runtime stage takes only the built environment, never the build context.
    for copy in (i for i in final_stage() if i.keyword in {"COPY", "ADD"}):
        assert copy.arguments.startswith("--from="), copy


def test_it_runs_as_a_non_root_user() -> None:
    users = [i.arguments for i in final_stage() if i.keyword == "USER"]
    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_the_default_command_is_jobbot_serve() -> None:
    commands = [i for i in final_stage() if i.keyword == "CMD"]
    assert json.loads(commands[-1].arguments) == ["jobbot", "serve"]


def test_the_healthcheck_hits_healthz() -> None:
    assert any("/healthz" in part for part in healthcheck_command())


async def test_the_healthcheck_command_passes_against_a_running_jobbot(jobbot: Jobbot) -> None:
    """Run the HEALTHCHECK's own command against jobbot's real server, then a closed port."""
    command = healthcheck_command()
    assert command[0] == "python"
    port = jobbot.server.url.rsplit(":", 1)[1]
    for target_port, expected in ((port, 0), ("1", 1)):
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *command[1:],
            env={"JOBBOT_PORT": target_port, "PATH": "/usr/bin:/bin"},
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        assert await asyncio.wait_for(process.wait(), timeout=10) == expected


def test_no_layer_holds_a_secret() -> None:
    for instruction in instructions():
        if instruction.keyword not in {"ENV", "ARG"}:
            continue
        names = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=", instruction.arguments)
        names += [instruction.arguments.split("=")[0].split()[0]]
        leaked = [name for name in names if SECRET_NAME.search(name)]
        assert not leaked, instruction
    for instruction in instructions():
        if instruction.keyword in {"COPY", "ADD"}:
            assert ".env" not in instruction.arguments.split(), instruction


def test_dockerignore_keeps_secrets_and_git_out_of_the_context() -> None:
    ignored = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".git"} <= ignored
    assert ".env.*" in ignored or ".env*" in ignored
