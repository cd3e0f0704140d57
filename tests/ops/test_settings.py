"""Settings: every contract variable, from the environment or `.env`, and clear errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from bot.config.access import JobApi
from bot.config.load import SettingsError, describe_error, load_settings
from bot.config.settings import AuthScheme, Settings
from tests.conftest import make_settings

# variable -> (value set, attribute, value read back). Read with JOBBOT_API=demo, which needs
# no sign-in, so each variable can be set on its own.
CONTRACT: dict[str, tuple[str, str, Any]] = {
    "SLACK_BOT_TOKEN": ("xoxb-1-2-abc", "slack_bot_token", "xoxb-1-2-abc"),
    "SLACK_SIGNING_SECRET": ("8f742231b10e8888", "slack_signing_secret", "8f742231b10e8888"),
    "SLACK_APP_TOKEN": ("xapp-1-A1-abc", "slack_app_token", "xapp-1-A1-abc"),
    "SLACK_API_URL": ("http://127.0.0.1:9/api/", "slack_api_url", "http://127.0.0.1:9/api/"),
    "JOBBOT_REGION": ("cn-north-4", "region", "cn-north-4"),
    "JOBBOT_ENDPOINT": (
        "https://cs.cn-north-4.myhuaweicloud.com",
        "endpoint",
        "https://cs.cn-north-4.myhuaweicloud.com/",
    ),
    "HUAWEICLOUD_SDK_PROJECT_ID": ("5a3314075bfa49b9", "project_id", "5a3314075bfa49b9"),
    "HUAWEICLOUD_SDK_AK": ("AKEXAMPLE", "ak", "AKEXAMPLE"),
    "HUAWEICLOUD_SDK_SK": ("SKEXAMPLE", "sk", "SKEXAMPLE"),
    "HUAWEICLOUD_SDK_SECURITY_TOKEN": ("sts-token", "security_token", "sts-token"),
    "JOBBOT_AUTH_TOKEN": ("MIIx-token", "auth_token", "MIIx-token"),
    "JOBBOT_IAM_ENDPOINT": (
        "https://iam.cn-north-4.myhuaweicloud.com",
        "iam_endpoint",
        "https://iam.cn-north-4.myhuaweicloud.com/",
    ),
    "JOBBOT_IAM_USER": ("jobbot", "iam_user", "jobbot"),
    "JOBBOT_IAM_PASSWORD": ("iam-pass", "iam_password", "iam-pass"),
    "JOBBOT_IAM_DOMAIN": ("acme", "iam_domain", "acme"),
    "JOBBOT_TIMEOUT_S": ("2.5", "timeout_s", 2.5),
    "JOBBOT_HOST": ("127.0.0.1", "host", "127.0.0.1"),
    "JOBBOT_PORT": ("8080", "port", 8080),
    "JOBBOT_COMMAND": ("/flink", "command", "/flink"),
    "JOBBOT_VISIBILITY": ("in_channel", "visibility", "in_channel"),
}
SECRETS = {
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "HUAWEICLOUD_SDK_AK",
    "HUAWEICLOUD_SDK_SK",
    "HUAWEICLOUD_SDK_SECURITY_TOKEN",
    "JOBBOT_AUTH_TOKEN",
    "JOBBOT_IAM_PASSWORD",
}
CS_BASE = {
    "JOBBOT_API": "cs",
    "HUAWEICLOUD_SDK_PROJECT_ID": "5a3314075bfa49b9",
    "JOBBOT_REGION": "cn-north-4",
}
IAM = {"JOBBOT_IAM_USER": "jobbot", "JOBBOT_IAM_PASSWORD": "iam-pass", "JOBBOT_IAM_DOMAIN": "acme"}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory, so no stray `.env` is read."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def read_back(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if value is not None and not isinstance(value, str | int | float):
        return str(value)
    return value


def load(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


def config_error(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> str:
    with pytest.raises(ValidationError) as caught:
        load(env, monkeypatch)
    return describe_error(caught.value)


def test_defaults(workdir: Path) -> None:
    settings = Settings(JOBBOT_API="demo")
    assert str(settings.slack_api_url) == "https://slack.com/api/"
    assert settings.timeout_s == 5
    assert (settings.host, settings.port) == ("0.0.0.0", 3000)
    assert settings.command == "/job"
    assert settings.visibility == "ephemeral"
    assert settings.slack_bot_token is None


@pytest.mark.usefixtures("workdir")
@pytest.mark.parametrize("name", CONTRACT)
def test_each_variable_is_read_from_the_environment(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    value, attribute, expected = CONTRACT[name]
    settings = load({"JOBBOT_API": "demo", name: value}, monkeypatch)
    assert read_back(getattr(settings, attribute)) == expected


@pytest.mark.parametrize("name", CONTRACT)
def test_each_variable_is_read_from_a_dotenv_file(workdir: Path, name: str) -> None:
    value, attribute, expected = CONTRACT[name]
    (workdir / ".env").write_text(f"JOBBOT_API=demo\n{name}={value}\n")
    assert read_back(getattr(Settings(), attribute)) == expected


@pytest.mark.parametrize("api", ["cs", "dli", "demo", "DLI"])
def test_jobbot_api_is_read_from_environment_and_dotenv(
    workdir: Path, api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**CS_BASE, "JOBBOT_API": api, "JOBBOT_AUTH_TOKEN": "t"}
    (workdir / ".env").write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    assert Settings().api is JobApi(api.lower())
    monkeypatch.setenv("JOBBOT_API", "demo")
    assert Settings().api is JobApi.DEMO, "the environment wins over .env"


def test_the_job_api_defaults_to_cs(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {k: v for k, v in CS_BASE.items() if k != "JOBBOT_API"}
    assert load({**env, "JOBBOT_AUTH_TOKEN": "t"}, monkeypatch).api is JobApi.CS


@pytest.mark.usefixtures("workdir")
def test_secrets_are_never_shown_by_repr_or_str(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"JOBBOT_API": "demo"} | {name: CONTRACT[name][0] for name in SECRETS}
    settings = load(env, monkeypatch)
    shown = repr(settings) + str(settings)
    for name in SECRETS:
        attribute = CONTRACT[name][1]
        assert isinstance(getattr(settings, attribute), SecretStr), name
        assert CONTRACT[name][0] not in shown, name


@pytest.mark.usefixtures("workdir")
@pytest.mark.parametrize(
    ("env", "scheme"),
    [
        ({"HUAWEICLOUD_SDK_AK": "a", "HUAWEICLOUD_SDK_SK": "s"}, AuthScheme.AKSK),
        (
            {
                "HUAWEICLOUD_SDK_AK": "a",
                "HUAWEICLOUD_SDK_SK": "s",
                "HUAWEICLOUD_SDK_SECURITY_TOKEN": "t",
            },
            AuthScheme.AKSK,
        ),
        ({"JOBBOT_AUTH_TOKEN": "t"}, AuthScheme.TOKEN),
        (IAM, AuthScheme.IAM_PASSWORD),
    ],
)
def test_exactly_one_sign_in_is_accepted(
    env: dict[str, str], scheme: AuthScheme, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load({**CS_BASE, **env}, monkeypatch).auth_scheme is scheme


@pytest.mark.usefixtures("workdir")
def test_an_endpoint_can_stand_in_for_the_region(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {**CS_BASE, "JOBBOT_ENDPOINT": "https://cs.example.com", "JOBBOT_AUTH_TOKEN": "t"}
    del env["JOBBOT_REGION"]
    assert load(env, monkeypatch).region is None


@pytest.mark.usefixtures("workdir")
@pytest.mark.parametrize(
    ("env", "named"),
    [
        pytest.param(
            {"JOBBOT_API": "cs", "JOBBOT_REGION": "cn-north-4", "JOBBOT_AUTH_TOKEN": "t"},
            ["HUAWEICLOUD_SDK_PROJECT_ID"],
            id="cs-without-project",
        ),
        pytest.param(
            {"JOBBOT_API": "dli", "JOBBOT_REGION": "cn-north-4", "JOBBOT_AUTH_TOKEN": "t"},
            ["HUAWEICLOUD_SDK_PROJECT_ID"],
            id="dli-without-project",
        ),
        pytest.param(
            {"JOBBOT_REGION": "cn-north-4", "JOBBOT_AUTH_TOKEN": "t"},
            ["HUAWEICLOUD_SDK_PROJECT_ID"],
            id="default-api-is-cs",
        ),
        pytest.param(
            {"JOBBOT_API": "cs", "HUAWEICLOUD_SDK_PROJECT_ID": "p", "JOBBOT_AUTH_TOKEN": "t"},
            ["JOBBOT_REGION", "JOBBOT_ENDPOINT"],
            id="no-region-or-endpoint",
        ),
        pytest.param(
            CS_BASE, ["HUAWEICLOUD_SDK_AK", "JOBBOT_AUTH_TOKEN", "JOBBOT_IAM_USER"], id="no-sign-in"
        ),
        pytest.param(
            {
                **CS_BASE,
                "HUAWEICLOUD_SDK_AK": "a",
                "HUAWEICLOUD_SDK_SK": "s",
                "JOBBOT_AUTH_TOKEN": "t",
            },
            ["HUAWEICLOUD_SDK_AK", "JOBBOT_AUTH_TOKEN"],
            id="aksk-and-token",
        ),
        pytest.param(
            {**CS_BASE, "JOBBOT_AUTH_TOKEN": "t", **IAM},
            ["JOBBOT_AUTH_TOKEN", "JOBBOT_IAM_USER"],
            id="token-and-iam",
        ),
        pytest.param(
            {**CS_BASE, "HUAWEICLOUD_SDK_AK": "a"}, ["HUAWEICLOUD_SDK_SK"], id="ak-without-sk"
        ),
        pytest.param(
            {**CS_BASE, "HUAWEICLOUD_SDK_SK": "s"}, ["HUAWEICLOUD_SDK_AK"], id="sk-without-ak"
        ),
        pytest.param(
            {**CS_BASE, "JOBBOT_AUTH_TOKEN": "t", "HUAWEICLOUD_SDK_SECURITY_TOKEN": "x"},
            ["HUAWEICLOUD_SDK_SECURITY_TOKEN"],
            id="security-token-without-aksk",
        ),
        pytest.param(
            {**CS_BASE, "JOBBOT_IAM_USER": "u"},
            ["JOBBOT_IAM_PASSWORD", "JOBBOT_IAM_DOMAIN"],
            id="iam-user-only",
        ),
        pytest.param(
            {**CS_BASE, "JOBBOT_IAM_USER": "u", "JOBBOT_IAM_PASSWORD": "p"},
            ["JOBBOT_IAM_DOMAIN"],
            id="iam-without-domain",
        ),
    ],
)
def test_a_missing_or_conflicting_setting_is_named(
    env: dict[str, str], named: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    message = config_error(env, monkeypatch)
    for name in named:
        assert name in message
    assert "\n" not in message


@pytest.mark.usefixtures("workdir")
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("JOBBOT_TIMEOUT_S", "fast"),
        ("JOBBOT_TIMEOUT_S", "0"),
        ("JOBBOT_TIMEOUT_S", "-1"),
        ("JOBBOT_TIMEOUT_S", "3600"),
        ("JOBBOT_PORT", "http"),
        ("JOBBOT_PORT", "70000"),
        ("JOBBOT_PORT", "-1"),
        ("JOBBOT_VISIBILITY", "public"),
        ("JOBBOT_API", "aws"),
        ("JOBBOT_COMMAND", "job"),
        ("JOBBOT_REGION", "CN North 4"),
        ("JOBBOT_ENDPOINT", "cs.example.com"),
        ("SLACK_API_URL", "slack"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", "a/b"),
    ],
)
def test_a_malformed_value_names_its_variable(
    name: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = config_error({"JOBBOT_API": "demo", name: value}, monkeypatch)
    assert message.startswith(f"{name}:")
    assert "\n" not in message


@pytest.mark.usefixtures("workdir")
@pytest.mark.parametrize("value", ["ephemeral", "in_channel", " IN_CHANNEL "])
def test_visibility_values(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load({"JOBBOT_API": "demo", "JOBBOT_VISIBILITY": value}, monkeypatch)
    assert settings.visibility == value.strip().lower()


@pytest.mark.usefixtures("workdir")
def test_comma_lists_are_split_and_trimmed(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(
        {
            "JOBBOT_API": "demo",
            "JOBBOT_ALLOWED_USERS": "U1, U2,,U3 ",
            "JOBBOT_ALLOWED_CHANNELS": "C1",
            "JOBBOT_ALLOWED_USERGROUPS": "",
        },
        monkeypatch,
    )
    assert settings.allowed_users == ("U1", "U2", "U3")
    assert settings.allowed_channels == ("C1",)
    assert settings.allowed_usergroups == ()


def test_comma_lists_are_read_from_dotenv(workdir: Path) -> None:
    (workdir / ".env").write_text("JOBBOT_API=demo\nJOBBOT_ALLOWED_CHANNELS=C1,C2\n")
    assert Settings().allowed_channels == ("C1", "C2")


def test_unknown_keys_in_a_shared_dotenv_are_ignored(workdir: Path) -> None:
    (workdir / ".env").write_text("JOBBOT_API=demo\nDATABASE_URL=postgres://x\nOTHER=1\n")
    assert Settings().api is JobApi.DEMO


def test_the_demo_ignores_leftover_sign_in_variables() -> None:
    """A half AK/SK pair left in .env must not break /healthz or check in demo mode."""
    from bot.runtime import health

    settings = make_settings(JOBBOT_API="demo", HUAWEICLOUD_SDK_AK="leftover")
    assert settings.auth_scheme.value == "none (demo)"
    assert health(settings)["job_api"]["sign_in"] == "none (demo)"


def test_slack_api_url_gets_the_trailing_slash_slack_sdk_needs() -> None:
    settings = make_settings(JOBBOT_API="demo", SLACK_API_URL="https://slack.example.com/api")
    assert str(settings.slack_api_url) == "https://slack.example.com/api/"


def all_problems(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, *required: str) -> list[str]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(*required)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


@pytest.mark.usefixtures("workdir")
def test_every_job_api_problem_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    problems = all_problems({}, monkeypatch, "slack_bot_token", "slack_signing_secret")
    assert [p.split(" ")[0] for p in problems] == [
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "HUAWEICLOUD_SDK_PROJECT_ID",
        "JOBBOT_REGION",
        "no",
    ]


@pytest.mark.usefixtures("workdir")
def test_malformed_values_do_not_hide_the_other_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"JOBBOT_PORT": "http", "JOBBOT_VISIBILITY": "public", "JOBBOT_AUTH_TOKEN": "t"}
    problems = all_problems(env, monkeypatch, "slack_signing_secret")
    assert problems[0] == "SLACK_SIGNING_SECRET is required for this command"
    assert {p.split(":")[0] for p in problems[1:3]} == {"JOBBOT_PORT", "JOBBOT_VISIBILITY"}
    assert "HUAWEICLOUD_SDK_PROJECT_ID is required" in problems[3]
    assert "JOBBOT_REGION or JOBBOT_ENDPOINT is required" in problems[4]
    assert len(problems) == 5


@pytest.mark.usefixtures("workdir")
def test_a_malformed_variable_is_named_once(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {**CS_BASE, "JOBBOT_AUTH_TOKEN": "t", "JOBBOT_ENDPOINT": "cs.example.com"}
    del env["JOBBOT_REGION"]
    problems = all_problems(env, monkeypatch)
    assert len(problems) == 1
    assert problems[0].startswith("JOBBOT_ENDPOINT: ")


@pytest.mark.usefixtures("workdir")
def test_an_unknown_job_api_is_not_read_as_cs(monkeypatch: pytest.MonkeyPatch) -> None:
    problems = all_problems({"JOBBOT_API": "aws"}, monkeypatch, "slack_bot_token")
    assert problems[0] == "SLACK_BOT_TOKEN is required for this command"
    assert problems[1].startswith("JOBBOT_API: ")
    assert len(problems) == 2


@pytest.mark.usefixtures("workdir")
def test_every_half_set_sign_in_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {**CS_BASE, "HUAWEICLOUD_SDK_AK": "a", "JOBBOT_IAM_USER": "u"}
    assert all_problems(env, monkeypatch) == [
        "HUAWEICLOUD_SDK_SK is required with the other half of the AK/SK pair",
        "JOBBOT_IAM_PASSWORD and JOBBOT_IAM_DOMAIN are required for IAM password sign-in",
    ]


@pytest.mark.usefixtures("workdir")
def test_settings_that_are_right_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBBOT_API", "demo")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    assert load_settings("slack_bot_token").slack_bot_token is not None
