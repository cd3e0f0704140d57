"""JOBBOT_PROJECTS and per-project sign-in: what is accepted, and one line for what is not."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.config.access import JobApi
from bot.config.load import describe_error
from bot.config.projects import ProjectSpec
from bot.config.settings import AuthScheme
from tests.conftest import make_settings


def error_line(**values: str) -> str:
    with pytest.raises(ValidationError) as caught:
        make_settings(**values)
    return describe_error(caught.value)


def test_projects_are_read_in_order_with_region_or_endpoint() -> None:
    settings = make_settings(
        JOBBOT_PROJECTS=" prod=0a1b2c@cn-north-4/dli , Staging=9f8e7d@https://cs.example.com:8443/CS",
        JOBBOT_AUTH_TOKEN="token",
    )
    assert settings.projects == (
        ProjectSpec("prod", "0a1b2c", "dli", region="cn-north-4"),
        ProjectSpec("staging", "9f8e7d", "cs", endpoint="https://cs.example.com:8443"),
    )
    prod, staging = (settings.for_project(spec) for spec in settings.projects)
    assert prod.api is JobApi.DLI  # the enum itself: the client picks its paths by identity
    assert (prod.api, prod.project_id, prod.region, prod.endpoint) == (
        JobApi.DLI,
        "0a1b2c",
        "cn-north-4",
        None,
    )
    assert (staging.api, str(staging.endpoint)) == (JobApi.CS, "https://cs.example.com:8443/")


def test_the_single_project_settings_need_no_projects() -> None:
    settings = make_settings(
        JOBBOT_API="cs",
        JOBBOT_REGION="cn-north-4",
        HUAWEICLOUD_SDK_PROJECT_ID="abc",
        JOBBOT_AUTH_TOKEN="token",
    )
    assert settings.projects == ()


@pytest.mark.parametrize(
    ("value", "line"),
    [
        (
            "prod=abc@cn-north-4",
            "JOBBOT_PROJECTS: entry 'prod=abc@cn-north-4' is not NAME=PROJECT_ID@REGION/API "
            "(like prod=0a1b2c@cn-north-4/dli)",
        ),
        (
            "prod=abc@cn-north-4/dli,staging",
            "JOBBOT_PROJECTS: entry 'staging' is not NAME=PROJECT_ID@REGION/API "
            "(like prod=0a1b2c@cn-north-4/dli)",
        ),
        (
            "prod=abc@cn-north-4/flink",
            "JOBBOT_PROJECTS: entry 'prod=abc@cn-north-4/flink': the API is cs or dli, not 'flink'",
        ),
        (
            "list=abc@cn-north-4/cs",
            "JOBBOT_PROJECTS: entry 'list=abc@cn-north-4/cs': 'list' "
            "is a word /job already uses; pick another",
        ),
        ("p=a@cn-north-4/cs,P=b@cn-north-4/cs", "JOBBOT_PROJECTS: project 'p' is named twice"),
        (
            "p=a b@cn-north-4/cs",
            "JOBBOT_PROJECTS: entry 'p=a b@cn-north-4/cs': 'a b' is not a project ID",
        ),
        (
            "p=a@ftp://host/cs",
            "JOBBOT_PROJECTS: entry 'p=a@ftp://host/cs': 'ftp://host' is not an http(s) endpoint",
        ),
        (
            "9p=a@cn-north-4/cs",
            "JOBBOT_PROJECTS: entry '9p=a@cn-north-4/cs': a project name "
            "is a letter then up to 31 letters, digits, _ or -",
        ),
    ],
)
def test_a_malformed_entry_is_named_in_one_line(value: str, line: str) -> None:
    assert error_line(JOBBOT_PROJECTS=value, JOBBOT_AUTH_TOKEN="t") == line


def test_sign_in_is_global_unless_a_project_overrides_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBBOT_AUTH_TOKEN__PROD_EU", "eu-token")
    settings = make_settings(
        JOBBOT_PROJECTS="prod-eu=a@eu-west-101/dli,staging=b@cn-north-4/cs",
        HUAWEICLOUD_SDK_AK="AK",
        HUAWEICLOUD_SDK_SK="SK",
    )
    eu, staging = (settings.for_project(spec) for spec in settings.projects)
    assert eu.auth_scheme is AuthScheme.TOKEN
    assert eu.auth_token is not None
    assert eu.auth_token.get_secret_value() == "eu-token"
    assert eu.ak is None
    assert staging.auth_scheme is AuthScheme.AKSK
    assert "eu-token" in settings.secret_values()


def test_a_project_without_any_sign_in_is_named() -> None:
    line = error_line(JOBBOT_PROJECTS="prod=a@cn-north-4/dli")
    assert line.startswith("project 'prod': no job API sign-in in the global sign-in variables")


def test_an_override_for_no_such_project_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBBOT_AUTH_TOKEN__STAGNG", "x")
    line = error_line(JOBBOT_PROJECTS="staging=a@cn-north-4/dli", JOBBOT_AUTH_TOKEN="t")
    assert line == "JOBBOT_AUTH_TOKEN__STAGNG: JOBBOT_PROJECTS has no project 'STAGNG'"


def test_a_half_set_override_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK__PROD", "AK")
    line = error_line(JOBBOT_PROJECTS="prod=a@cn-north-4/dli", JOBBOT_AUTH_TOKEN="t")
    assert line == (
        "project 'prod': HUAWEICLOUD_SDK_SK is required with the other half of the AK/SK pair"
    )


def test_malformed_projects_stop_the_cli_with_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import main

    monkeypatch.setenv("JOBBOT_PROJECTS", "prod=abc@cn-north-4/dli,oops")
    monkeypatch.setenv("JOBBOT_AUTH_TOKEN", "t")
    assert main(["show", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "jobbot: configuration error: JOBBOT_PROJECTS: entry 'oops' is not "
        "NAME=PROJECT_ID@REGION/API (like prod=0a1b2c@cn-north-4/dli)"
    ]
