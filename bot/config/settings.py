"""Settings: every knob of jobbot, read from the environment and from `.env`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    Field,
    HttpUrl,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from bot.config.access import AkSk, CloudAccess, IamPassword, IamToken, JobApi, SignIn
from bot.config.database_url import database_url
from bot.config.projects import ProjectSignInSource, ProjectSpec, parse_projects, variable_suffix


class AuthScheme(StrEnum):
    """How jobbot signs in to the job API."""

    AKSK = "AK/SK signing"
    TOKEN = "IAM token"  # noqa: S105
    IAM_PASSWORD = "IAM password sign-in"  # noqa: S105
    NONE = "none (demo)"


CommaList = Annotated[tuple[str, ...], NoDecode]
# The variables behind each sign-in scheme, to name them when two are set at once.
_SCHEME_VARIABLES = {
    AuthScheme.AKSK: "HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK",
    AuthScheme.TOKEN: "JOBBOT_AUTH_TOKEN",
    AuthScheme.IAM_PASSWORD: "JOBBOT_IAM_USER/JOBBOT_IAM_PASSWORD/JOBBOT_IAM_DOMAIN",
}


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    """All of jobbot's configuration, validated once at start-up."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        # A shared .env may feed other tools too; keys we do not know are not ours to reject.
        extra="ignore",
        # `SLACK_SIGNING_SECRET=` in a .env means "not set", not "the empty secret".
        env_ignore_empty=True,
        case_sensitive=False,
        populate_by_name=True,
        frozen=True,
    )

    slack_bot_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=_env("SLACK_SIGNING_SECRET")
    )
    slack_app_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_api_url: HttpUrl = Field(
        HttpUrl("https://slack.com/api/"), validation_alias=_env("SLACK_API_URL")
    )

    api: JobApi = Field(JobApi.CS, validation_alias=_env("JOBBOT_API"))
    region: str | None = Field(
        None, validation_alias=_env("JOBBOT_REGION"), pattern=r"^[a-z0-9-]+$"
    )
    endpoint: HttpUrl | None = Field(None, validation_alias=_env("JOBBOT_ENDPOINT"))
    project_id: str | None = Field(
        None, validation_alias=_env("HUAWEICLOUD_SDK_PROJECT_ID"), pattern=r"^[A-Za-z0-9_-]+$"
    )
    ak: SecretStr | None = Field(None, validation_alias=_env("HUAWEICLOUD_SDK_AK"))
    sk: SecretStr | None = Field(None, validation_alias=_env("HUAWEICLOUD_SDK_SK"))
    security_token: SecretStr | None = Field(
        None, validation_alias=_env("HUAWEICLOUD_SDK_SECURITY_TOKEN")
    )
    auth_token: SecretStr | None = Field(None, validation_alias=_env("JOBBOT_AUTH_TOKEN"))
    iam_endpoint: HttpUrl | None = Field(None, validation_alias=_env("JOBBOT_IAM_ENDPOINT"))
    iam_user: str | None = Field(None, validation_alias=_env("JOBBOT_IAM_USER"))
    iam_password: SecretStr | None = Field(None, validation_alias=_env("JOBBOT_IAM_PASSWORD"))
    iam_domain: str | None = Field(None, validation_alias=_env("JOBBOT_IAM_DOMAIN"))

    timeout_s: float = Field(5.0, gt=0, le=60, validation_alias=_env("JOBBOT_TIMEOUT_S"))
    cache_ttl_s: float = Field(2.0, ge=0, le=300, validation_alias=_env("JOBBOT_CACHE_TTL_S"))
    host: str = Field("0.0.0.0", validation_alias=_env("JOBBOT_HOST"))  # noqa: S104
    port: int = Field(3000, ge=0, le=65535, validation_alias=_env("JOBBOT_PORT"))
    command: str = Field("/job", validation_alias=_env("JOBBOT_COMMAND"), pattern=r"^/[\w-]{1,31}$")
    visibility: Literal["ephemeral", "in_channel"] = Field(
        "ephemeral", validation_alias=_env("JOBBOT_VISIBILITY")
    )

    allowed_users: CommaList = Field((), validation_alias=_env("JOBBOT_ALLOWED_USERS"))
    allowed_channels: CommaList = Field((), validation_alias=_env("JOBBOT_ALLOWED_CHANNELS"))
    allowed_usergroups: CommaList = Field((), validation_alias=_env("JOBBOT_ALLOWED_USERGROUPS"))
    projects: Annotated[tuple[ProjectSpec, ...], NoDecode] = Field(
        (), validation_alias=_env("JOBBOT_PROJECTS")
    )
    # Per-project sign-in: project suffix (`PROD`) -> global variable name -> value.
    project_sign_in: dict[str, dict[str, SecretStr]] = Field(default_factory=dict)

    db: str = Field("jobbot.db", validation_alias=_env("JOBBOT_DB"))
    watch_interval_s: float = Field(
        30.0, gt=0, le=3600, validation_alias=_env("JOBBOT_WATCH_INTERVAL_S")
    )
    watch_max_days: float = Field(7.0, gt=0, le=366, validation_alias=_env("JOBBOT_WATCH_MAX_DAYS"))
    watch_max_per_channel: int = Field(
        50, ge=1, le=1000, validation_alias=_env("JOBBOT_WATCH_MAX_PER_CHANNEL")
    )
    # How long a replica may hold a job it is polling before another may take it over.
    watch_lease_s: float = Field(30.0, gt=0, le=300, validation_alias=_env("JOBBOT_WATCH_LEASE_S"))
    log_format: Literal["text", "json"] = Field("text", validation_alias=_env("JOBBOT_LOG_FORMAT"))
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", validation_alias=_env("JOBBOT_LOG_LEVEL")
    )

    @field_validator("allowed_users", "allowed_channels", "allowed_usergroups", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Add the per-project sign-in variables, whose names depend on the projects."""
        overrides = ProjectSignInSource(settings_cls, dotenv_settings, env_settings)
        return init_settings, env_settings, dotenv_settings, overrides, file_secret_settings

    @field_validator("projects", mode="before")
    @classmethod
    def _parse_projects(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_projects(value) if value.strip() else ()
        return value

    @field_validator("db", mode="after")
    @classmethod
    def _database(cls, value: str) -> str:
        database_url(value)  # raises ValueError saying what is wrong (never the password)
        return value.strip()

    @field_validator("slack_api_url", mode="after")
    @classmethod
    def _trailing_slash(cls, value: HttpUrl) -> HttpUrl:
        # slack_sdk joins method names onto it: without the slash, ".../api" + "auth.test"
        # would become ".../auth.test".
        text = str(value)
        return value if text.endswith("/") else HttpUrl(text + "/")

    @field_validator("visibility", "log_format", "api", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_way_to_sign_in(self) -> Settings:
        problems = self.job_api_problems()
        if problems:
            # One line per problem: a new user fixes them all in one go.
            raise ValueError("\n".join(problems))
        return self

    def job_api_problems(self) -> list[str]:
        """List every problem with the job API settings (none for the demo)."""
        if self.projects:
            return project_problems(self)
        if self.project_sign_in:
            variables = next(iter(self.project_sign_in.values()))
            suffix = next(iter(self.project_sign_in))
            return [f"{next(iter(variables))}__{suffix}: per-project sign-in needs JOBBOT_PROJECTS"]
        if self.api is JobApi.DEMO:
            return []
        problems = []
        if self.project_id is None:
            problems.append(
                f"HUAWEICLOUD_SDK_PROJECT_ID is required when JOBBOT_API={self.api} "
                "(set JOBBOT_API=demo to try jobbot without a cloud account)"
            )
        if self.endpoint is None and self.region is None:
            problems.append(
                f"JOBBOT_REGION or JOBBOT_ENDPOINT is required when JOBBOT_API={self.api}"
            )
        schemes, scheme_problems = self._schemes()
        problems += scheme_problems
        if not schemes and not scheme_problems:
            problems.append(
                "no job API sign-in is configured: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, "
                "or JOBBOT_AUTH_TOKEN, or JOBBOT_IAM_USER/JOBBOT_IAM_PASSWORD/JOBBOT_IAM_DOMAIN"
            )
        if len(schemes) > 1:
            names = " and ".join(f"{s.value} ({_SCHEME_VARIABLES[s]})" for s in schemes)
            problems.append(f"configure exactly one job API sign-in, not {names}")
        return problems

    def for_project(self, spec: ProjectSpec) -> Settings:
        """Return these settings as one project of JOBBOT_PROJECTS sees them."""
        return project_settings(self, spec)

    def configured_schemes(self) -> list[AuthScheme]:
        """List the sign-in schemes whose variables are set, raising on half-set ones."""
        schemes, problems = self._schemes()
        if problems:
            raise ValueError(problems[0])
        return schemes

    def _schemes(self) -> tuple[list[AuthScheme], list[str]]:
        """Return the sign-in schemes wholly set, and a line for each one half set."""
        schemes, problems = [], []
        if self.ak or self.sk:
            if self.ak and self.sk:
                schemes.append(AuthScheme.AKSK)
            else:
                missing = "HUAWEICLOUD_SDK_SK" if self.ak else "HUAWEICLOUD_SDK_AK"
                problems.append(f"{missing} is required with the other half of the AK/SK pair")
        elif self.security_token:
            problems.append("HUAWEICLOUD_SDK_SECURITY_TOKEN needs HUAWEICLOUD_SDK_AK/SK")
        if self.auth_token:
            schemes.append(AuthScheme.TOKEN)
        iam = {
            "JOBBOT_IAM_USER": self.iam_user,
            "JOBBOT_IAM_PASSWORD": self.iam_password,
            "JOBBOT_IAM_DOMAIN": self.iam_domain,
        }
        if any(iam.values()):
            missing_iam = [name for name, value in iam.items() if not value]
            if missing_iam:
                verb = "are" if len(missing_iam) > 1 else "is"
                problems.append(
                    f"{' and '.join(missing_iam)} {verb} required for IAM password sign-in"
                )
            else:
                schemes.append(AuthScheme.IAM_PASSWORD)
        return schemes, problems

    def secret_values(self) -> list[str]:
        """Return every configured secret, for redaction wherever text leaves the process."""
        secrets = [
            self.slack_bot_token,
            self.slack_signing_secret,
            self.slack_app_token,
            self.ak,
            self.sk,
            self.security_token,
            self.auth_token,
            self.iam_password,
        ]
        for variables in self.project_sign_in.values():
            secrets += list(variables.values())
        found = [s.get_secret_value() for s in secrets if s is not None]
        db_password = database_url(self.db).password
        return [*found, db_password] if db_password else found

    def cloud_access(self) -> CloudAccess:
        """Return what a cloud client needs of these settings (one project's)."""
        sign_in: SignIn | None = None
        scheme = self.auth_scheme
        if scheme is AuthScheme.AKSK and self.ak is not None and self.sk is not None:
            sign_in = AkSk(self.ak, self.sk, self.security_token)
        elif scheme is AuthScheme.TOKEN and self.auth_token is not None:
            sign_in = IamToken(self.auth_token)
        elif scheme is AuthScheme.IAM_PASSWORD:
            # Validated at construction: all three are set for this scheme.
            assert self.iam_user
            assert self.iam_password
            assert self.iam_domain
            iam = str(self.iam_endpoint).rstrip("/") if self.iam_endpoint else None
            sign_in = IamPassword(self.iam_user, self.iam_password, self.iam_domain, iam)
        return CloudAccess(
            api=self.api,
            project_id=self.project_id,
            region=self.region,
            endpoint=str(self.endpoint).rstrip("/") if self.endpoint else None,
            sign_in=sign_in,
            timeout_s=self.timeout_s,
        )

    @property
    def auth_scheme(self) -> AuthScheme:
        """Return the one sign-in scheme in use (none for the demo, whatever else is set)."""
        if self.api is JobApi.DEMO:
            return AuthScheme.NONE
        # Validated at construction for cs/dli: exactly one, none half-set.
        return self.configured_schemes()[0]


# Sign-in field -> its variable, for the per-project overrides.
_SIGN_IN_FIELDS = {
    "ak": "HUAWEICLOUD_SDK_AK",
    "sk": "HUAWEICLOUD_SDK_SK",
    "security_token": "HUAWEICLOUD_SDK_SECURITY_TOKEN",
    "auth_token": "JOBBOT_AUTH_TOKEN",
    "iam_user": "JOBBOT_IAM_USER",
    "iam_password": "JOBBOT_IAM_PASSWORD",
    "iam_domain": "JOBBOT_IAM_DOMAIN",
}


def project_problems(settings: Settings) -> list[str]:
    """List the problems of JOBBOT_PROJECTS' sign-ins, one line each."""
    problems = []
    suffixes = {variable_suffix(spec.name)[2:] for spec in settings.projects}
    for suffix, variables in settings.project_sign_in.items():
        if suffix not in suffixes:
            problems.append(
                f"{next(iter(variables))}__{suffix}: JOBBOT_PROJECTS has no project {suffix!r}"
            )
    for spec in settings.projects:
        schemes, half_set = project_settings(settings, spec)._schemes()
        problems += [f"project {spec.name!r}: {problem}" for problem in half_set]
        if len(schemes) != 1 and not half_set:
            own = settings.project_sign_in.get(variable_suffix(spec.name)[2:])
            where = "its own sign-in variables" if own else "the global sign-in variables"
            count = "no" if not schemes else "more than one"
            problems.append(
                f"project {spec.name!r}: {count} job API sign-in in {where} "
                "(set exactly one of AK/SK, JOBBOT_AUTH_TOKEN or IAM password)"
            )
    return problems


def project_settings(settings: Settings, spec: ProjectSpec) -> Settings:
    """Return these settings as one project of JOBBOT_PROJECTS sees them."""
    update: dict[str, Any] = {
        "api": JobApi(spec.api),
        "project_id": spec.project_id,
        "endpoint": HttpUrl(spec.endpoint) if spec.endpoint else None,
        "region": spec.region or settings.region,
        "projects": (),
    }
    own = settings.project_sign_in.get(variable_suffix(spec.name)[2:])
    if own:
        for field, env in _SIGN_IN_FIELDS.items():
            value = own.get(env)
            plain = field in ("iam_user", "iam_domain") and value is not None
            update[field] = value.get_secret_value() if plain and value else value
    return settings.model_copy(update=update)


# Field name -> the environment variable a user sets, for error messages.
ENV_NAMES: dict[str, str] = {
    name: str(field.validation_alias.choices[0])
    for name, field in Settings.model_fields.items()
    if isinstance(field.validation_alias, AliasChoices)
}
