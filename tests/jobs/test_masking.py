"""Masking skips the patterns a text cannot match, and masks exactly as running them all does."""

from __future__ import annotations

import random

from bot.jobs import masking
from bot.jobs.masking import MASK, mask_secrets


def _every_pattern(text: str) -> str:
    # mask_secrets without the shortcuts: every pattern over every text.
    text = masking._AUTH_SCHEME_VALUE.sub(lambda m: f"{m.group('scheme')} {MASK}", text)
    text = masking._URL_USERINFO.sub(
        lambda m: f"{m.group('scheme')}{m.group('user')}:{MASK}@", text
    )
    text = masking._mask_key_values(text)
    return masking._FLAG_VALUE.sub(masking._masked, text)


PIECES = [
    "password",
    "pwd",
    "token",
    "ak",
    "sk",
    "sasl.jaas.config",
    "user",
    "Bearer",
    "BASIC",
    "ba\u017fic",
    "bearer",
    "jdbc:mysql://",
    "etl:",
    "s3cr3t",
    "@host",
    "/db",
    "?",
    "&",
    "=",
    ":",
    " ",
    "  ",
    "\t",
    "\n",
    "-",
    "--",
    "'",
    '"',
    ",",
    ";",
    "(",
    ")",
    "abc",
    "X1",
    "\u017f",
    "\u212a",
    "://",
    "-token",
    "--password",
    "x" * 101,
    "1b2c-3d4e",
    "SELECT",
    "WITH",
]


def test_the_shortcuts_change_nothing() -> None:
    rng = random.Random(20261130)
    for _ in range(4000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 14)))
        assert mask_secrets(text) == _every_pattern(text), text


def test_ids_with_hyphens_and_no_secret_stay_as_they_are() -> None:
    ids = "4f1b2c3d-0a1b-4c5d-8e9f-0a1b2c3d4e5f,5a6b7c8d-1e2f-4a5b-9c8d-7e6f5a4b3c2d"
    assert mask_secrets(ids) == ids
    assert mask_secrets("--password hunter2 --user etl") == "--password *** --user etl"
    # Whitespace other than a space: once skipped by a shortcut that looked for " " only.
    assert mask_secrets("Bearer\teyJhbGciOi") == "Bearer ***"
    assert mask_secrets("Authorization: Ba\u017fic dXNlcjpwYXNz") == _every_pattern(
        "Authorization: Ba\u017fic dXNlcjpwYXNz"
    )
