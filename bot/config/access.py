"""What a cloud client needs to reach Huawei Cloud: plain values, no settings machinery."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import SecretStr


class JobApi(StrEnum):
    """Which job service answers lookups."""

    CS = "cs"
    DLI = "dli"
    DEMO = "demo"


@dataclass(frozen=True)
class AkSk:
    """AK/SK request signing, with the security token of a temporary AK/SK."""

    ak: SecretStr
    sk: SecretStr
    security_token: SecretStr | None = None


@dataclass(frozen=True)
class IamToken:
    """A ready IAM token, sent as X-Auth-Token."""

    token: SecretStr


@dataclass(frozen=True)
class IamPassword:
    """IAM password sign-in; `endpoint` None means the region's IAM."""

    user: str
    password: SecretStr
    domain: str
    endpoint: str | None = None


SignIn = AkSk | IamToken | IamPassword


@dataclass(frozen=True)
class CloudAccess:
    """One project's way into Huawei Cloud: which API, where, as whom, within what budget."""

    api: JobApi
    project_id: str | None
    region: str | None
    # None: derived from the region.
    endpoint: str | None
    # None only for the demo.
    sign_in: SignIn | None
    timeout_s: float
