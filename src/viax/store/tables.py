"""The schema: one table per facet of the motion, plus catalog and audit.

Facets are keyed by the motion id and a position or revision the engine
chose, so writing an effect never needs a generated key. Money columns are
integer minor units.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from viax.store.columns import Document, ExactDecimal, Key, UTCDateTime

# Named constraints keep migrations reproducible across dialects.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _motion_key() -> Column[int]:
    return Column(
        "motion_id",
        Key,
        ForeignKey("motions.id", ondelete="CASCADE"),
        primary_key=True,
    )


def _money(name: str) -> Column[int]:
    return Column(name, BigInteger, nullable=False)


# --- catalog and parties ---------------------------------------------------

products = Table(
    "products",
    metadata,
    Column("id", Key, primary_key=True),
    Column("sku", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("family", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    _money("unit_cost"),
    Column("active", Boolean, nullable=False),
    Column("regions", Document, nullable=False),
    Column("segments", Document, nullable=False),
    Column("partner_tiers", Document, nullable=False),
    Column("prerequisite_sku", String(64)),
)

product_prices = Table(
    "product_prices",
    metadata,
    Column(
        "product_id",
        Key,
        ForeignKey("products.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("currency", String(3), primary_key=True),
    _money("amount"),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Key, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("segment", String(32), nullable=False),
    Column("region", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
)

partners = Table(
    "partners",
    metadata,
    Column("id", Key, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("tier", String(32), nullable=False),
    Column("regions", Document, nullable=False),
)

# --- the motion --------------------------------------------------------------

motions = Table(
    "motions",
    metadata,
    Column("id", Key, Identity(), primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("kind", String(32), nullable=False, index=True),
    Column("state", String(32), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("model_name", String(64), nullable=False),
    Column("model_version", Integer, nullable=False),
    Column("channel", String(16), nullable=False, index=True),
    Column("currency", String(3), nullable=False),
    Column("account_id", Key, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("partner_id", Key, ForeignKey("partners.id"), index=True),
    Column("parent_id", Key, ForeignKey("motions.id")),
    Column("effective_date", Date),
    Column("owner", Document, nullable=False),
    Column("owner_subject", String(200), nullable=False),
    Column("quote_revisions", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False, index=True),
    sqlite_autoincrement=True,
)

motion_lines = Table(
    "motion_lines",
    metadata,
    _motion_key(),
    Column("position", Integer, primary_key=True),
    Column("product_id", Key, ForeignKey("products.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("discount_percent", ExactDecimal, nullable=False),
    Column("uplift_percent", ExactDecimal, nullable=False, server_default="0"),
)

quotes = Table(
    "quotes",
    metadata,
    _motion_key(),
    Column("revision", Integer, primary_key=True),
    Column("number", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("term_months", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    _money("list_total"),
    _money("total"),
    Column("price_hash", String(128), nullable=False),
    Column("accepted_by", String(200)),
    Column("accepted_at", UTCDateTime),
)

quote_lines = Table(
    "quote_lines",
    metadata,
    Column("motion_id", Key, primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("product_id", Key, ForeignKey("products.id"), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("discount_percent", ExactDecimal, nullable=False),
    Column("uplift_percent", ExactDecimal, nullable=False, server_default="0"),
    _money("unit_list"),
    Column("steps", Document, nullable=False),
    _money("unit_net"),
    _money("net"),
    ForeignKeyConstraint(
        ["motion_id", "revision"],
        ["quotes.motion_id", "quotes.revision"],
        ondelete="CASCADE",
    ),
)

approvals = Table(
    "approvals",
    metadata,
    Column("motion_id", Key, primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("status", String(16), nullable=False),
    Column("tiers", Document, nullable=False),
    Column("current_tier", Integer),
    ForeignKeyConstraint(
        ["motion_id", "revision"],
        ["quotes.motion_id", "quotes.revision"],
        ondelete="CASCADE",
    ),
)

approval_decisions = Table(
    "approval_decisions",
    metadata,
    Column("motion_id", Key, primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("tier", Integer, nullable=False),
    Column("role", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("comment", Text),
    Column("at", UTCDateTime, nullable=False),
    ForeignKeyConstraint(
        ["motion_id", "revision"],
        ["approvals.motion_id", "approvals.revision"],
        ondelete="CASCADE",
    ),
)

agreements = Table(
    "agreements",
    metadata,
    _motion_key(),
    Column("number", String(32), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("signed_by", String(200), nullable=False),
    Column("signed_at", UTCDateTime, nullable=False),
    Column("payment_days", Integer, nullable=False),
    Column("uplift_cap_percent", ExactDecimal, nullable=False),
)

orders = Table(
    "orders",
    metadata,
    _motion_key(),
    Column("number", String(32), nullable=False),
    Column("status", String(32), nullable=False),
    Column("placed_at", UTCDateTime, nullable=False),
    _money("total"),
    Column("price_hash", String(128), nullable=False),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column(
        "motion_id",
        Key,
        ForeignKey("orders.motion_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("position", Integer, primary_key=True),
    Column("product_id", Key, ForeignKey("products.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("fulfilled_quantity", Integer, nullable=False),
    _money("unit_net"),
    _money("net"),
    Column("returned_quantity", Integer, nullable=False, server_default="0"),
)

fulfilments = Table(
    "fulfilments",
    metadata,
    _motion_key(),
    Column("position", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
)

fulfilment_lines = Table(
    "fulfilment_lines",
    metadata,
    Column("motion_id", Key, primary_key=True),
    Column("fulfilment", Integer, primary_key=True),
    # The line's place within its fulfilment, so the lines read back in order.
    Column("seq", Integer, primary_key=True),
    Column("order_line", Integer, nullable=False),
    Column("quantity", Integer, nullable=False),
    ForeignKeyConstraint(
        ["motion_id", "fulfilment"],
        ["fulfilments.motion_id", "fulfilments.position"],
        ondelete="CASCADE",
    ),
    ForeignKeyConstraint(
        ["motion_id", "order_line"],
        ["order_lines.motion_id", "order_lines.position"],
    ),
)

entitlements = Table(
    "entitlements",
    metadata,
    _motion_key(),
    Column("position", Integer, primary_key=True),
    Column("account_id", Key, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("product_id", Key, ForeignKey("products.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date),
    Column("status", String(16), nullable=False),
)

invoices = Table(
    "invoices",
    metadata,
    _motion_key(),
    Column("number", String(64), nullable=False, unique=True),
    _money("amount"),
    Column("issued_on", Date, nullable=False),
)

payments = Table(
    "payments",
    metadata,
    _motion_key(),
    Column("reference", String(64), nullable=False),
    _money("amount"),
    Column("paid_on", Date, nullable=False),
)

# --- audit -------------------------------------------------------------------

motion_events = Table(
    "motion_events",
    metadata,
    Column("sequence", Key, Identity(), primary_key=True),
    Column(
        "motion_id",
        Key,
        ForeignKey("motions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("version", Integer, nullable=False),
    Column("action", String(32), nullable=False),
    Column("from_state", String(32)),
    Column("to_state", String(32), nullable=False),
    Column("actor", Document, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("idempotency_key", String(200)),
    Column("input_digest", String(128), nullable=False),
    Column("payload", Document, nullable=False),
    # A motion's history is read by motion, in sequence order.
    Index(None, "motion_id", "sequence"),
    sqlite_autoincrement=True,
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("subject", String(200), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column(
        "motion_id",
        Key,
        ForeignKey("motions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("action", String(32), nullable=False),
    Column("input_digest", String(128), nullable=False),
    Column("sequence", Key, ForeignKey("motion_events.sequence"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# --- outbound webhooks -------------------------------------------------------

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", Key, Identity(), primary_key=True),
    Column("url", String(2000), nullable=False),
    Column("secret", String(200), nullable=False),
    Column("active", Boolean, nullable=False),
    # Deliveries are scheduled for every event up to this sequence.
    Column("cursor", Key, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    sqlite_autoincrement=True,
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Key, Identity(), primary_key=True),
    Column(
        "endpoint_id",
        Key,
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column(
        "sequence",
        Key,
        ForeignKey("motion_events.sequence", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("motion_id", Key, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_error", Text),
    Column("delivered_at", UTCDateTime),
    # One delivery per endpoint and event, however often scheduling runs.
    Index(None, "endpoint_id", "sequence", unique=True),
    Index(None, "status", "next_attempt_at"),
    sqlite_autoincrement=True,
)

# --- cost budgets -------------------------------------------------------------

# One row per principal that spent, so that every PostgreSQL replica draws on
# the same budget; a SQLite gateway is one process and keeps them in memory.
cost_budgets = Table(
    "cost_budgets",
    metadata,
    Column("principal", Text, primary_key=True),
    Column("level", Double, nullable=False),
    Column("refilled_at", UTCDateTime, nullable=False),
    # Whether the latest draw was taken, which its level alone cannot tell.
    Column("taken", Boolean, nullable=False),
)
