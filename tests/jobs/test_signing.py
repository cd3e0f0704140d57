"""Test AK/SK request signing against Huawei's test vector, its SDK signer and a fake gateway."""

import hashlib
import json
import random
import string
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, quote_plus

import httpx
import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # type: ignore[import-untyped]
from huaweicloudsdkcore.sdk_request import SdkRequest  # type: ignore[import-untyped]
from huaweicloudsdkcore.signer.signer import Signer  # type: ignore[import-untyped]

from bot.huawei.signing import (
    ALGORITHM,
    EMPTY_SHA256,
    AkSkAuth,
    canonical_query,
    canonical_request,
    sign_request,
    signature,
    string_to_sign,
    verify_request,
)

# Huawei APIG signing docs, "api-sign-algorithm-002/003/004". The doc's AK was not published and
# does not enter the signature, so any AK will do.
VECTOR_URL = (
    "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs"
    "?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0"
)
VECTOR_HEADERS = {
    "Content-Type": "application/json",
    "Host": "service.region.example.com",
    "X-Sdk-Date": "20191115T033655Z",
}
VECTOR_AK = "QTWAOYTTINDUT2QVKYUC"
VECTOR_SK = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
VECTOR_CANONICAL = (
    "GET\n"
    "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\n"
    "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n"
    "content-type:application/json\n"
    "host:service.region.example.com\n"
    "x-sdk-date:20191115T033655Z\n"
    "\n"
    "content-type;host;x-sdk-date\n"
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)
VECTOR_CANONICAL_SHA256 = "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
VECTOR_SIGNATURE = "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
VECTOR_AUTHORIZATION = (
    f"SDK-HMAC-SHA256 Access={VECTOR_AK}, SignedHeaders=content-type;host;x-sdk-date, "
    f"Signature={VECTOR_SIGNATURE}"
)

PARITY_REQUESTS = 500
PARITY_SEED = 20240102

AK = "HPUAEXAMPLEKEY000001"
SK = "sk-Do-Not-Leak-0123456789abcdefghijklmn"
TOKEN = "gQpjbi1ub3J0aC00-token-Do-Not-Leak"
PROJECT_ID = "0123456789abcdef0123456789abcdef"
NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
BASE_URL = "https://dli.cn-north-4.myhuaweicloud.com"
JOB_PATH = f"/v1.0/{PROJECT_ID}/streaming/jobs/42"


def test_official_vector_step_by_step():
    query = [("marker", "13551d6b-755d-4757-b956-536f674975c0"), ("limit", "2")]
    canonical = canonical_request(
        "get",
        "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
        query,
        VECTOR_HEADERS,
        ["content-type", "host", "x-sdk-date"],
        EMPTY_SHA256,
    )
    assert canonical == VECTOR_CANONICAL
    assert hashlib.sha256(canonical.encode()).hexdigest() == VECTOR_CANONICAL_SHA256
    to_sign = string_to_sign("20191115T033655Z", canonical)
    assert to_sign == f"{ALGORITHM}\n20191115T033655Z\n{VECTOR_CANONICAL_SHA256}"
    assert signature(VECTOR_SK, to_sign) == VECTOR_SIGNATURE


def test_official_vector_via_sign_request():
    request = httpx.Request("GET", VECTOR_URL, headers=VECTOR_HEADERS)
    sign_request(request, VECTOR_AK, VECTOR_SK)
    assert request.headers["Authorization"] == VECTOR_AUTHORIZATION
    assert str(request.url) == VECTOR_URL  # already canonical, and no trailing slash added
    assert (
        verify_request(request, {VECTOR_AK: VECTOR_SK}.get, now=datetime(2019, 11, 15, 3, 40))
        is None
    )


def test_official_vector_via_sdk_signer():
    sdk = _sdk_sign(
        "GET",
        "service.region.example.com",
        "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
        [("limit", 2), ("marker", "13551d6b-755d-4757-b956-536f674975c0")],
        dict(VECTOR_HEADERS),
        b"",
        ak=VECTOR_AK,
        sk=VECTOR_SK,
    )
    assert sdk.header_params["Authorization"] == VECTOR_AUTHORIZATION


def test_canonical_query_encodes_and_sorts_decoded_pairs():
    query = [("b", "x y"), ("a", ""), ("a", "+"), ("é", "~*'()!"), ("k=&", "/?#%20")]
    assert canonical_query(query) == (
        "a=&a=%2B&b=x%20y&k%3D%26=%2F%3F%23%2520&%C3%A9=~%2A%27%28%29%21"
    )
    assert canonical_query([]) == ""


def test_sign_request_adds_missing_date_and_host_only():
    request = httpx.Request("DELETE", f"{BASE_URL}{JOB_PATH}")
    del request.headers["Host"]
    before = datetime.now(UTC).replace(microsecond=0)
    sign_request(request, AK, SK)
    stamped = datetime.strptime(request.headers["X-Sdk-Date"], "%Y%m%dT%H%M%SZ")
    assert before <= stamped.replace(tzinfo=UTC) <= datetime.now(UTC)
    assert request.headers["Host"] == "dli.cn-north-4.myhuaweicloud.com"
    assert request.url.raw_path == JOB_PATH.encode()  # no "?" for an empty query


def test_trailing_slash_is_not_signed():
    # The signed URI always ends in "/", so "/a" and "/a/" share a signature (SDK and APIG alike).
    signed = [canonical_request("GET", p, [], {}, [], EMPTY_SHA256) for p in ("/a", "/a/")]
    assert signed[0] == signed[1] == f"GET\n/a/\n\n\n\n{EMPTY_SHA256}"


def test_pinned_payload_hash_counts_only_when_signed():
    request = httpx.Request("POST", f"{BASE_URL}{JOB_PATH}", content=b"original")
    request.headers["X-Sdk-Date"] = "20240102T030405Z"
    sign_request(request, AK, SK)
    # A forged body carrying the original body's hash in an unsigned header must still fail.
    forged = _rebuild(request, content=b"forged!!")
    forged.headers["X-Sdk-Content-Sha256"] = hashlib.sha256(b"original").hexdigest()
    assert verify_request(forged, {AK: SK}.get, now=NOW) == "verify aksk signature fail"


# --- parity with huaweicloudsdkcore's Signer ---------------------------------------------------

# Path and query text is built from these so that each request mixes several awkward cases.
ODD_TOKENS = [
    *"~%+=@:!*'()$&,;-._ /",
    "é",
    "中文",
    "😀",
    "%20",
    "%2F",
    "%41",
    "%zz",
    "%",
    "a b",
    "ü+ß",
]
QUERY_EXTRA_TOKENS = ["&", "=", "?", "#", "/", "+", "%2B", "[]"]
HOSTS = ["dli.cn-north-4.myhuaweicloud.com", "cs.example.com:8443", "127.0.0.1:9000"]
DATES = ["20191115T033655Z", "20240102T030405Z", "20301231T235959Z"]
CONTENT_TYPES = [
    None,
    "application/json",
    "application/json;charset=UTF-8",
    "application/octet-stream",
    "text/plain",
]
# Characters httpx leaves as they are in a raw path; everything else it percent-encodes itself.
RAW_PATH_SAFE = set(string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@")


def _text(rng: random.Random, tokens: list[str], max_tokens: int) -> str:
    """Return a random mix of plain words and awkward tokens."""
    plain = ["job", "v1.0", "streaming", "x", "42", "Name"]
    return "".join(rng.choice(tokens + plain) for _ in range(rng.randint(0, max_tokens)))


def _raw_segment(rng: random.Random, decoded: str) -> str:
    """Return one way a client might write the decoded segment in a URL."""
    out = []
    for char in decoded:
        # "%" must be escaped to mean itself; "/" escaped becomes the SDK's segment-splitting
        # quirk (it decodes before splitting, so "%2F" signs like "/"); "?" and "#" end a path.
        must = char in "%/?#"
        keep = char in RAW_PATH_SAFE or (not must and ord(char) > 127)
        roll = rng.random()
        if char.isascii() and char.isalnum() and roll < 0.1:
            out.append(f"%{ord(char):02x}")  # needlessly escaped, in lowercase hex
        else:
            out.append(char if keep and not must and roll < 0.6 else quote(char, safe=""))
    return "".join(out)


def _path(rng: random.Random) -> tuple[str, str]:
    """Return a (decoded path, raw path) pair."""
    decoded = [""]
    for _ in range(rng.randint(0, 5)):
        segment = _text(rng, ODD_TOKENS, 4)
        # httpx drops "." and ".." segments itself, so they never reach the signer.
        decoded.append(segment + "x" if segment in (".", "..") else segment)
    if rng.random() < 0.3:
        decoded.append("")  # trailing slash
    decoded_path = "/".join(decoded) or "/"
    raw_path = "/".join(_raw_segment(rng, segment) for segment in decoded) or "/"
    return decoded_path, raw_path


def _query_pairs(rng: random.Random) -> list[tuple[str, str]]:
    """Return decoded query pairs with repeated keys, empty values and keys needing encoding."""
    keys = ["limit", "offset", "job name", "k=v", "é", "a&b", "tags[]", "~x", "show_detail"]
    pairs = []
    for _ in range(rng.choice([0, 0, 1, 2, 3, 5, 8])):
        key = rng.choice(keys) if rng.random() < 0.8 else _text(rng, ODD_TOKENS, 3) or "k"
        roll = rng.random()
        if roll < 0.25:
            value = ""
        elif roll < 0.4:
            value = rng.choice(["true", "false", "10", "007", "0"])
        else:
            value = _text(rng, ODD_TOKENS + QUERY_EXTRA_TOKENS, 4)
        pairs.append((key, value))
    return pairs


def _raw_query(rng: random.Random, pairs: list[tuple[str, str]]) -> str:
    """Return a query string for the pairs, encoded the various ways clients do it."""
    parts = []
    for key, value in pairs:
        encode = rng.choice([quote, quote_plus])
        if value == "" and rng.random() < 0.5:
            parts.append(encode(key, safe=""))  # "?flag" means an empty value
        else:
            parts.append(f"{encode(key, safe='')}={encode(value, safe='')}")
    return "&".join(parts)


def _sdk_query(rng: random.Random, pairs: list[tuple[str, str]]) -> list[tuple[str, object]]:
    """Return the pairs the way SDK callers pass them: lists, bools and ints included."""
    # The SDK sorts raw (key, value) tuples, so one key given as both a list and a str would
    # raise TypeError there; only keys that appear once in this list get a non-str value.
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    out: list[tuple[str, object]] = []
    for key, values in grouped.items():
        only = values[0]
        roll = rng.random()
        if len(values) > 1 and roll < 0.5:
            out.append((key, list(values)))  # emitted as repeated k=v, values sorted
        elif len(values) == 1 and only in ("true", "false") and roll < 0.8:
            out.append((key, only == "true"))  # the SDK writes bools lowercase
        elif len(values) == 1 and only.isascii() and only.isdigit() and str(int(only)) == only:
            out.append((key, int(only)))
        else:
            out.extend((key, value) for value in values)
    rng.shuffle(out)
    return out


def _body(rng: random.Random) -> tuple[dict[str, object], object]:
    """Return httpx body kwargs and the body as an SDK caller would give it."""
    kind = rng.choice(["none", "empty", "bytes", "json", "json-str"])
    if kind == "none":
        return {}, None
    if kind == "empty":
        return {"content": b""}, b""
    if kind == "bytes":
        data = rng.randbytes(rng.randint(1, 64))
        return {"content": data}, data
    doc = {"name": _text(rng, ODD_TOKENS, 5), "sql": "SELECT 1", "n": rng.randint(0, 9)}
    encoded = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # httpx serialises json= this way; the SDK UTF-8 encodes a str body before hashing it.
    return {"json": doc}, encoded if kind == "json-str" else encoded.encode()


def _headers(rng: random.Random, body_kwargs: dict[str, object]) -> dict[str, str]:
    """Return request headers, some signed, some not (underscores), some oddly cased."""
    headers = {rng.choice(["X-Sdk-Date", "x-sdk-date"]): rng.choice(DATES)}
    if rng.random() < 0.5:
        headers["X-Project-Id"] = PROJECT_ID
    if rng.random() < 0.5:
        headers["X-Security-Token"] = TOKEN + "+/=" * rng.randint(0, 3)
    if rng.random() < 0.3:
        headers["X-Request_Id"] = "unsigned-because-underscore"
    if rng.random() < 0.3:
        headers["User-Agent"] = "  jobbot/0.1 (padded)  "
    content_type = rng.choice(CONTENT_TYPES)
    if content_type and "json" not in body_kwargs:
        headers["Content-Type"] = content_type
        if "json" not in content_type:
            # The SDK adds this itself for non-JSON types (Signer._process_content_header);
            # we only honour it when given, so the caller adds it here.
            headers["X-Sdk-Content-Sha256"] = "UNSIGNED-PAYLOAD"
    elif rng.random() < 0.2 and body_kwargs.get("content"):
        content = body_kwargs["content"]
        assert isinstance(content, bytes)
        headers["X-Sdk-Content-Sha256"] = hashlib.sha256(content).hexdigest()
    return headers


def _sdk_sign(method, host, resource_path, query_params, header_params, body, ak=AK, sk=SK):
    """Sign with Huawei's own SDK signer and return the mutated SdkRequest."""
    request = SdkRequest(
        method=method,
        schema="https",
        host=host,
        resource_path=resource_path,
        query_params=query_params,
        header_params=header_params,
        body=body,
    )
    return Signer(BasicCredentials(ak, sk)).sign(request)


def test_parity_with_sdk_signer():
    rng = random.Random(PARITY_SEED)
    compared = 0
    for case in range(PARITY_REQUESTS):
        method = rng.choice(["GET", "POST", "PUT", "DELETE"])
        host = rng.choice(HOSTS)
        decoded_path, raw_path = _path(rng)
        pairs = _query_pairs(rng)
        body_kwargs, sdk_body = _body(rng)
        headers = _headers(rng, body_kwargs)
        query = _raw_query(rng, pairs)
        url = f"https://{host}{raw_path}" + (f"?{query}" if query else "")
        request = httpx.Request(method, url, headers=headers, **body_kwargs)  # type: ignore[arg-type]
        # The generator must describe what httpx really sends.
        assert request.url.path == decoded_path, case
        assert sorted(request.url.params.multi_items()) == sorted(pairs), case
        sent_path = request.url.raw_path.decode().partition("?")[0]
        # In real use, requests adds Content-Length after the SDK has signed; hand the SDK
        # only the headers it really sees at signing time.
        header_params = {
            name.decode(): value.decode()
            for name, value in request.headers.raw
            if name.lower() != b"content-length"
        }

        sdk = _sdk_sign(method, host, sent_path, _sdk_query(rng, pairs), header_params, sdk_body)
        sign_request(request, AK, SK)

        context = f"case {case}: {method} {url} {headers}"
        assert request.headers["Authorization"] == sdk.header_params["Authorization"], context
        assert request.url.raw_path.decode() == sdk.uri, context
        # Our fake gateway accepts both our request and the SDK's as sent.
        date = datetime.strptime(request.headers["X-Sdk-Date"], "%Y%m%dT%H%M%SZ")
        assert verify_request(request, {AK: SK}.get, now=date) is None, context
        sdk_sent = httpx.Request(
            method, f"https://{host}{sdk.uri}", headers=sdk.header_params, content=sdk.body
        )
        assert verify_request(sdk_sent, {AK: SK}.get, now=date) is None, context
        compared += 1
    assert compared == PARITY_REQUESTS


# --- AkSkAuth through a real AsyncClient and a fake gateway -----------------------------------


def _rebuild(request: httpx.Request, url: httpx.URL | None = None, content: bytes | None = None):
    """Return a copy of the request as a man in the middle might alter it."""
    return httpx.Request(
        request.method,
        url or request.url,
        headers=request.headers,
        content=request.content if content is None else content,
    )


class FakeGateway:
    """Verify signatures like APIG and answer 401 with the reason on failure."""

    def __init__(
        self, sk: str = SK, tamper: Callable[[httpx.Request], httpx.Request] | None = None
    ):
        self.sk = sk
        self.tamper = tamper
        self.received: list[httpx.Request] = []
        self.reasons: list[str | None] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.tamper is not None:
            request = self.tamper(request)
        self.received.append(request)
        reason = verify_request(request, {AK: self.sk}.get, now=NOW)
        self.reasons.append(reason)
        if reason is not None:
            return httpx.Response(401, json={"error_code": "APIG.0301", "error_msg": reason})
        return httpx.Response(200, json={"is_success": True})


async def _put_job(gateway: FakeGateway, clock: Callable[[], datetime] = lambda: NOW, **kwargs):
    """Send a signed job update through the gateway and return the response."""
    auth = AkSkAuth(AK, SK, project_id=PROJECT_ID, security_token=TOKEN, clock=clock)
    transport = httpx.MockTransport(gateway)
    async with httpx.AsyncClient(transport=transport, auth=auth, base_url=BASE_URL) as client:
        params = {"limit": "10", "name": "demo job", "empty": ""}
        kwargs.setdefault("json", {"job_id": 42, "sql": "SELECT 1"})
        return await client.put(JOB_PATH, params=params, **kwargs)


async def test_signed_request_passes_gateway():
    gateway = FakeGateway()
    response = await _put_job(gateway)
    assert response.status_code == 200, gateway.reasons
    [sent] = gateway.received
    assert sent.headers["X-Security-Token"] == TOKEN
    assert sent.headers["X-Project-Id"] == PROJECT_ID
    assert sent.headers["X-Sdk-Date"] == "20240102T030405Z"
    signed = sent.headers["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    assert {"host", "x-sdk-date", "x-project-id", "x-security-token", "content-type"} <= set(signed)
    assert sent.url.raw_path == f"{JOB_PATH}?empty=&limit=10&name=demo%20job".encode()


async def test_streamed_body_is_read_and_signed():
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"job_id": '
        yield b"42}"

    gateway = FakeGateway()
    response = await _put_job(gateway, content=chunks(), json=None)
    assert response.status_code == 200, gateway.reasons
    assert gateway.received[0].content == b'{"job_id": 42}'


def _set_header(name: str, value: str) -> Callable[[httpx.Request], httpx.Request]:
    def tamper(request: httpx.Request) -> httpx.Request:
        request.headers[name] = value
        return request

    return tamper


def _drop_header(name: str) -> Callable[[httpx.Request], httpx.Request]:
    def tamper(request: httpx.Request) -> httpx.Request:
        del request.headers[name]
        return request

    return tamper


@pytest.mark.parametrize(
    ("gateway", "clock", "reason"),
    [
        pytest.param(
            FakeGateway(tamper=lambda r: _rebuild(r, content=b'{"job_id":43,"sql":"SELECT 1"}')),
            None,
            "verify aksk signature fail",
            id="body",
        ),
        pytest.param(
            FakeGateway(
                tamper=lambda r: _rebuild(r, url=r.url.copy_with(path=JOB_PATH[:-1] + "3"))
            ),
            None,
            "verify aksk signature fail",
            id="path",
        ),
        pytest.param(
            FakeGateway(tamper=lambda r: _rebuild(r, url=r.url.copy_merge_params({"limit": "9"}))),
            None,
            "verify aksk signature fail",
            id="query",
        ),
        pytest.param(
            FakeGateway(tamper=_set_header("X-Project-Id", "f" * 32)),
            None,
            "verify aksk signature fail",
            id="project-id",
        ),
        pytest.param(
            FakeGateway(tamper=_set_header("X-Security-Token", TOKEN + "x")),
            None,
            "verify aksk signature fail",
            id="security-token",
        ),
        pytest.param(
            FakeGateway(sk="some-other-secret-key"), None, "verify aksk signature fail", id="sk"
        ),
        pytest.param(
            FakeGateway(), lambda: NOW - timedelta(minutes=20), "signature expired", id="late"
        ),
        pytest.param(
            FakeGateway(), lambda: NOW + timedelta(minutes=20), "signature expired", id="early"
        ),
        pytest.param(
            FakeGateway(tamper=_drop_header("Authorization")),
            None,
            "authorization header missing",
            id="no-authorization",
        ),
        pytest.param(
            FakeGateway(tamper=_drop_header("X-Security-Token")),
            None,
            "signed header missing",
            id="dropped-signed-header",
        ),
        pytest.param(
            FakeGateway(tamper=_set_header("Authorization", f"{ALGORITHM} Access={AK}")),
            None,
            "malformed authorization header",
            id="malformed",
        ),
    ],
)
async def test_gateway_rejects(gateway, clock, reason):
    response = await _put_job(gateway, clock=clock or (lambda: NOW))
    assert response.status_code == 401
    assert gateway.reasons == [reason]
    assert SK not in response.text
    assert TOKEN not in response.text


async def test_unknown_access_key_is_rejected():
    gateway = FakeGateway()
    auth = AkSkAuth("SOMEONEELSE000000000", SK, clock=lambda: NOW)
    async with httpx.AsyncClient(transport=httpx.MockTransport(gateway), auth=auth) as client:
        response = await client.get(f"{BASE_URL}{JOB_PATH}")
    assert response.status_code == 401
    assert gateway.reasons == ["unknown access key"]


def test_naive_clock_is_read_as_utc():
    request = httpx.Request("GET", f"{BASE_URL}{JOB_PATH}")
    auth = AkSkAuth(AK, SK, clock=lambda: datetime(2024, 1, 2, 3, 4, 5))
    flow = auth.auth_flow(request)
    signed = next(flow)
    assert signed.headers["X-Sdk-Date"] == "20240102T030405Z"
    assert "X-Project-Id" not in signed.headers
    assert "X-Security-Token" not in signed.headers
    assert verify_request(signed, {AK: SK}.get, now=NOW) is None


def test_repr_and_str_hide_secrets():
    auth = AkSkAuth(AK, SK, project_id=PROJECT_ID, security_token=TOKEN)
    for text in (repr(auth), str(auth), f"{auth!r} {auth}"):
        assert SK not in text
        assert TOKEN not in text
        assert "***" in text
    assert repr(AkSkAuth(AK, SK)) == "AkSkAuth(ak='HPUA...', sk=***)"
