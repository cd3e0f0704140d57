"""The README's Layout section lists every module of bot/, and only modules that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _layout() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## Layout\n", 1)[1].split("\n## ", 1)[0]


def _listed() -> set[str]:
    found = set()
    for line in _layout().splitlines():
        match = re.match(r"^(bot/[\w/]+\.py|  ([\w/]+\.py))\s", line)
        if match:
            found.add(match.group(1) if match.group(2) is None else "bot/" + match.group(2))
    return found


def test_every_module_is_in_the_layout_and_every_line_names_a_module() -> None:
    modules = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "bot").rglob("*.py")
        if path.name != "__init__.py"
    }
    listed = {name for name in _listed() if not name.startswith("bot/tests/")}
    assert modules - listed == set(), "modules missing from README Layout"
    assert listed - modules == set(), "README Layout names modules that do not exist"
