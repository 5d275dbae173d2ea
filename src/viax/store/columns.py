"""Column types that make SQLite and PostgreSQL return the same values."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from viax.motion.snapshot import Principal

# SQLite only autoincrements a column declared exactly INTEGER PRIMARY KEY.
Key: TypeEngine[int] = BigInteger().with_variant(Integer(), "sqlite")
Document: TypeEngine[Any] = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every dialect.

    SQLite has no time zones, so it stores the UTC wall time and the zone is
    put back on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ExactDecimal(TypeDecorator[Decimal]):
    """A decimal kept as its exact text, so no dialect rounds it."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(
        self, value: str | None, dialect: Dialect
    ) -> Decimal | None:
        return None if value is None else Decimal(value)


def principal_document(principal: Principal) -> dict[str, Any]:
    """The JSON form of a principal, as stored on motions and events."""
    return {
        "subject": principal.subject,
        "roles": sorted(principal.roles),
        "partner_id": principal.partner_id,
        "account_id": principal.account_id,
    }


def principal_from_document(document: dict[str, Any]) -> Principal:
    """Rebuild a principal from its stored JSON form."""
    return Principal(
        subject=document["subject"],
        roles=frozenset(document["roles"]),
        partner_id=document.get("partner_id"),
        account_id=document.get("account_id"),
    )
