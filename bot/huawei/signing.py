"""Sign httpx requests with Huawei Cloud AK/SK ("SDK-HMAC-SHA256"), as huaweicloudsdkcore does."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Generator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import httpx

from bot.timing import utc_now

ALGORITHM = "SDK-HMAC-SHA256"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
SDK_DATE_FORMAT = "%Y%m%dT%H%M%SZ"

_AUTHORIZATION = re.compile(
    ALGORITHM + r" Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)"
)


def _utc(moment: datetime) -> datetime:
    """Return the moment in UTC, reading a naive datetime as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _encode(text: str) -> str:
    """Percent-encode everything but RFC 3986 unreserved characters, as the SDK does."""
    return quote(text, safe="~")


def canonical_query(query: Sequence[tuple[str, str]]) -> str:
    """Return the canonical query string for decoded (key, value) pairs."""
    # The SDK sorts the decoded pairs, not the encoded ones.
    return "&".join(f"{_encode(key)}={_encode(value)}" for key, value in sorted(query))


def canonical_request(
    method: str,
    path: str,
    query: Sequence[tuple[str, str]],
    headers: Mapping[str, str],
    signed_headers: Sequence[str],
    payload_hash: str,
) -> str:
    """Return the canonical request for a decoded path and query and lowercase signed headers."""
    uri = "/".join(_encode(segment) for segment in path.split("/"))
    # The gateway signs the path with a trailing slash even though none is sent (APIG docs).
    if not uri.endswith("/"):
        uri += "/"
    values = {name.lower(): value for name, value in headers.items()}
    lines = "".join(f"{name}:{values[name.lower()].strip()}\n" for name in signed_headers)
    joined = ";".join(signed_headers)
    return "\n".join([method.upper(), uri, canonical_query(query), lines, joined, payload_hash])


def string_to_sign(sdk_date: str, canonical: str) -> str:
    """Return the string to sign for an X-Sdk-Date value and a canonical request."""
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return f"{ALGORITHM}\n{sdk_date}\n{digest}"


def signature(sk: str, string_to_sign: str) -> str:
    """Return the hex HMAC-SHA256 of the string to sign, keyed by the SK itself."""
    return hmac.new(sk.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


# Headers the HTTP layer manages and a proxy may rewrite or drop. The SDK never signs them
# either: its HTTP library (requests) adds them after signing.
_TRANSPORT_HEADERS = {
    "authorization",
    "accept",
    "accept-encoding",
    "connection",
    "content-length",
    "keep-alive",
    "proxy-connection",
    "te",
    "transfer-encoding",
    "upgrade",
}


def _signed_headers(headers: httpx.Headers) -> list[str]:
    """Return the lowercase names the SDK signs: all but transport headers and "_" names."""
    # Proxies such as nginx drop headers with underscores, so the SDK leaves them unsigned.
    names = {name.lower() for name in headers}
    return sorted(name for name in names if "_" not in name and name not in _TRANSPORT_HEADERS)


def _payload_hash(request: httpx.Request, signed_headers: Sequence[str]) -> str:
    """Return the payload hash the SDK would sign for the request body."""
    if not request.content:
        return EMPTY_SHA256
    # A caller may pin the hash (e.g. "UNSIGNED-PAYLOAD"); honour it only if it is itself signed,
    # else anyone could attach the original hash to a forged body.
    pinned = "x-sdk-content-sha256" in signed_headers and request.headers["X-Sdk-Content-Sha256"]
    return pinned or hashlib.sha256(request.content).hexdigest()


def _query(request: httpx.Request) -> list[tuple[str, str]]:
    """Return the request's decoded query pairs, blank values kept."""
    return list(request.url.params.multi_items())


def sign_request(request: httpx.Request, ak: str, sk: str) -> None:
    """Add Host, X-Sdk-Date and Authorization headers and canonicalise the query in place."""
    request.headers.setdefault("Host", request.url.netloc.decode("ascii"))
    request.headers.setdefault("X-Sdk-Date", utc_now().strftime(SDK_DATE_FORMAT))
    query = _query(request)
    sorted_query = canonical_query(query)
    # The SDK sends its canonical query verbatim, so the gateway decodes exactly what was signed.
    request.url = request.url.copy_with(query=sorted_query.encode("ascii") or None)
    names = _signed_headers(request.headers)
    canonical = canonical_request(
        request.method,
        request.url.path,
        query,
        request.headers,
        names,
        _payload_hash(request, names),
    )
    hexsig = signature(sk, string_to_sign(request.headers["X-Sdk-Date"], canonical))
    request.headers["Authorization"] = (
        f"{ALGORITHM} Access={ak}, SignedHeaders={';'.join(names)}, Signature={hexsig}"
    )


def verify_request(
    request: httpx.Request,
    sk_for_ak: Callable[[str], str | None],
    now: datetime,
    max_skew: timedelta = timedelta(minutes=15),
) -> str | None:
    """Check a received request's signature as the API gateway does; return why it fails."""
    header = request.headers.get("Authorization")
    if not header:
        return "authorization header missing"
    match = _AUTHORIZATION.fullmatch(header.strip())
    if match is None:
        return "malformed authorization header"
    ak, signed, claimed = match.groups()
    sk = sk_for_ak(ak)
    if sk is None:
        return "unknown access key"
    names = signed.split(";")
    if "x-sdk-date" not in names:
        return "x-sdk-date not signed"
    if not all(name in request.headers for name in names):
        return "signed header missing"
    sdk_date = request.headers["X-Sdk-Date"]
    try:
        sent_at = datetime.strptime(sdk_date, SDK_DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return "x-sdk-date malformed"
    # APIG rejects requests whose X-Sdk-Date is more than 15 minutes from its clock.
    if abs(_utc(now) - sent_at) > max_skew:
        return "signature expired"
    canonical = canonical_request(
        request.method,
        request.url.path,
        _query(request),
        request.headers,
        names,
        _payload_hash(request, names),
    )
    if not hmac.compare_digest(signature(sk, string_to_sign(sdk_date, canonical)), claimed):
        return "verify aksk signature fail"
    return None


class AkSkAuth(httpx.Auth):
    """Sign each request with an AK/SK pair, like huaweicloudsdkcore's BasicCredentials."""

    requires_request_body = True

    def __init__(
        self,
        ak: str,
        sk: str,
        project_id: str | None = None,
        security_token: str | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        """Keep the credentials; the SK and token never appear in repr()."""
        self.ak = ak
        self.project_id = project_id
        self._sk = sk
        self._security_token = security_token
        self._clock = clock

    def __repr__(self) -> str:
        """Show the AK prefix only and mask the secrets."""
        token = ", security_token=***" if self._security_token else ""
        return f"AkSkAuth(ak='{self.ak[:4]}...', sk=***{token})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the project and token headers, date the request and sign it."""
        # The SDK (BasicCredentials.sign_request) adds these before signing, so they are signed.
        if self.project_id:
            request.headers["X-Project-Id"] = self.project_id
        if self._security_token:
            request.headers["X-Security-Token"] = self._security_token
        request.headers["X-Sdk-Date"] = _utc(self._clock()).strftime(SDK_DATE_FORMAT)
        sign_request(request, self.ak, self._sk)
        yield request
