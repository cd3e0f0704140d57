"""Mask values that look like credentials, wherever a job's text came from."""

from __future__ import annotations

import re

_SECRET_WORDS = (
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "accesskey",
    "secretkey",
    "apikey",
    "privatekey",
    "credential",
    "authorization",
)
_SECRET_SHORT_NAMES = {"ak", "sk", "pass"}
# An unquoted value ends at `&name=`, so `?user=etl&password=…` in a JDBC URL is two pairs.
_VALUE = r"'[^']*'|\"[^\"]*\"|(?:[^\s,;)'\"&]|&(?![\w.\-]+=))+"
_KEY_VALUE = re.compile(
    rf"(?P<q>['\"]?)(?P<key>[A-Za-z0-9_.\-]{{1,100}})(?P=q)(?P<sep>\s*[=:]\s*)(?P<value>{_VALUE})"
)
_KEY_SEP = re.compile(r"(?P<q>['\"]?)(?P<key>[A-Za-z0-9_.\-]{1,100})(?P=q)\s*[=:]\s*")
_VALUE_AT = re.compile(_VALUE)
_FLAG_VALUE = re.compile(
    r"(?P<flag>(?<![A-Za-z])--?(?P<key>[A-Za-z0-9_.\-]{1,100}))(?P<sep>\s+)(?P<value>'[^']*'|\"[^\"]*\"|[^\s'\"-][^\s]*)"
)
_URL_USERINFO = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]{0,31}://)(?P<user>[^\s:/@]*):[^\s/@]+@"
)
# `Authorization: Bearer eyJ…` / `Basic dXNl…`: the scheme word stays, the credential goes.
_AUTH_SCHEME_VALUE = re.compile(r"(?i)\b(?P<scheme>bearer|basic)\s+[A-Za-z0-9._~+/=-]{4,}")
_SPACE = re.compile(r"\s")
MASK = "***"


def is_secret_name(key: str) -> bool:
    """Say whether a parameter name looks like it holds a credential."""
    lowered = key.lower()
    folded = re.sub(r"[_.\-]", "", lowered)
    if any(word in folded for word in _SECRET_WORDS):
        return True
    return re.split(r"[_.\-]", lowered)[-1] in _SECRET_SHORT_NAMES


def _masked(match: re.Match[str]) -> str:
    prefix = match.group(0)[: match.start("value") - match.start(0)]
    value = match.group("value")
    quote = value[0] if value[:1] in {"'", '"'} and len(value) > 1 else ""
    if is_secret_name(match.group("key")):
        return f"{prefix}{quote}{MASK}{quote}"
    if quote:
        # A harmless option can carry a secret inside: Kafka's sasl.jaas.config holds
        # `password="…"` within its quoted value.
        return f"{prefix}{quote}{mask_secrets(value[1:-1])}{quote}"
    return match.group(0)


def mask_secrets(text: str) -> str:
    """Mask values that look like credentials: `password=…`, `--token …`, SQL options, URLs."""
    # This runs on every string of every job, and most (names, statuses, IDs) hold nothing
    # to mask: each pattern runs only where the characters it cannot match without are (a
    # pattern scanning a long text it cannot match costs more than all the rest). Any
    # whitespace counts: `Bearer<TAB>…` is masked too.
    spaced = _SPACE.search(text) is not None
    if spaced:
        # casefold, as the pattern's (?i) does: the long s (U+017F) matches `s` there.
        folded = text.casefold()
        if "bearer" in folded or "basic" in folded:
            text = _AUTH_SCHEME_VALUE.sub(lambda m: f"{m.group('scheme')} {MASK}", text)
    if "://" in text and "@" in text:
        text = _URL_USERINFO.sub(lambda m: f"{m.group('scheme')}{m.group('user')}:{MASK}@", text)
    if "=" in text or ":" in text:
        text = _mask_key_values(text)
    if spaced and "-" in text:
        text = _FLAG_VALUE.sub(_masked, text)
    return text


def _mask_key_values(text: str) -> str:
    # Like _KEY_VALUE.sub, except that a harmless key's unquoted value is searched too:
    # in `error: password=x` the value of `error` holds a credential.
    out: list[str] = []
    pos = 0
    # The value is read only when it is to be masked, so each character is read a bounded
    # number of times: `a=a=a=…` stays linear.
    while key := _KEY_SEP.search(text, pos):
        if is_secret_name(key.group("key")) or text[key.end() : key.end() + 1] in {"'", '"'}:
            match = _KEY_VALUE.match(text, key.start())
            if match is not None and match.start("value") == key.end():
                out.append(text[pos : match.start()] + _masked(match))
                pos = match.end()
                continue
        out.append(text[pos : key.end()])
        pos = key.end()
    out.append(text[pos:])
    return "".join(out)
