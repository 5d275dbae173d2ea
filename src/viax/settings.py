"""One typed settings object, read from `VIAX_*` environment variables."""

from __future__ import annotations

import enum
import logging
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.exc import ArgumentError

from viax.errors import ConfigurationError
from viax.store.database import async_url

logger = logging.getLogger(__name__)

DEVELOPMENT_SECRET = "viax-development-secret-not-for-production"


class LogFormat(enum.StrEnum):
    TEXT = "text"
    JSON = "json"


class Settings(BaseSettings):
    """Everything the gateway, the migrations and the CLI are configured by."""

    model_config = SettingsConfigDict(env_prefix="VIAX_", extra="ignore", frozen=True)

    database_url: str = "sqlite:///viax.db"
    jwt_secret: str = Field(default=DEVELOPMENT_SECRET, min_length=32)
    jwt_public_key: str | None = None
    jwt_jwks_url: str | None = None
    jwt_issuer: str = "viax"
    jwt_audience: str = "viax"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_format: LogFormat = LogFormat.TEXT
    log_level: str = "INFO"
    expiry_interval_seconds: float = Field(default=60, gt=0)
    persisted_query_cache_size: int = Field(default=1000, ge=1, le=1_000_000)
    trusted_documents: Path | None = None
    model_dir: Path | None = None
    ws_init_timeout_seconds: float = Field(default=10.0, gt=0)
    ws_max_subscriptions: int = Field(default=20, ge=1)
    events_poll_seconds: float = Field(default=1.0, gt=0)
    webhook_max_attempts: int = Field(default=8, ge=1)
    webhook_backoff_seconds: float = Field(default=2.0, ge=0)
    production: bool = False
    allow_introspection: bool = False
    gateway_credential: str | None = Field(default=None, min_length=16)
    max_query_depth: int = Field(default=12, ge=1)
    max_aliases: int = Field(default=100, ge=0)
    max_tokens: int = Field(default=5_000, ge=100)
    max_body_bytes: int = Field(default=1_000_000, ge=1_024)
    max_list_items: int = Field(default=500, ge=1)
    # The store never returns more than 100 rows a page, whatever is set.
    max_page_size: int = Field(default=100, ge=1, le=100)
    max_query_cost: int = Field(default=100_000, ge=1)
    cost_budget: int = Field(default=1_000_000, ge=1)
    cost_refill_per_second: float = Field(default=10_000.0, gt=0)

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        try:
            async_url(value)
        except (ConfigurationError, ArgumentError) as error:
            raise ValueError(str(error)) from error
        return value

    @field_validator("trusted_documents")
    @classmethod
    def _document_directory(cls, value: Path | None) -> Path | None:
        if value is not None and not any(value.glob("*.graphql")):
            raise ValueError(f"no *.graphql file in {value}")
        return value

    @field_validator("model_dir")
    @classmethod
    def _model_directory(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"{value} is not a directory")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError(f"unknown log level {value!r}")
        return level

    @property
    def uses_development_secret(self) -> bool:
        external = self.jwt_public_key is not None or self.jwt_jwks_url is not None
        return not external and self.jwt_secret == DEVELOPMENT_SECRET


def load_settings() -> Settings:
    """Read the settings, failing with the name of every bad variable."""
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"VIAX_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in error.errors()
        )
        raise ConfigurationError(f"invalid settings: {problems}") from error
