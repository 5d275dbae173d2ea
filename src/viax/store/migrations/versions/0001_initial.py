"""The initial schema: catalog, parties, the motion and its facets, audit.

Revision ID: 0001
Revises:
Created: 2026-12-03
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Frozen copies of the column types of viax.store.columns as they were at
# this revision, so later changes there cannot rewrite history.
KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)
DECIMAL_TEXT = sa.String(length=40)


def _required(
    name: str, type_: sa.types.TypeEngine[Any], *extra: sa.schema.SchemaItem
) -> sa.Column[Any]:
    return sa.Column(name, type_, *extra, nullable=False)


def _cascading(
    name: str, columns: list[str], referred: list[str]
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(columns, referred, name=name, ondelete="CASCADE")


def _referring(
    name: str, columns: list[str], referred: list[str]
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(columns, referred, name=name)


def upgrade() -> None:
    """Move the schema forward to this revision."""
    op.create_table(
        "accounts",
        _required("id", KEY),
        _required("name", sa.String(length=200)),
        _required("segment", sa.String(length=32)),
        _required("region", sa.String(length=32)),
        _required("currency", sa.String(length=3)),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    op.create_table(
        "partners",
        _required("id", KEY),
        _required("name", sa.String(length=200)),
        _required("tier", sa.String(length=32)),
        _required("regions", DOCUMENT),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
    )
    op.create_table(
        "products",
        _required("id", KEY),
        _required("sku", sa.String(length=64)),
        _required("name", sa.String(length=200)),
        _required("family", sa.String(length=64)),
        _required("kind", sa.String(length=16)),
        _required("unit_cost", sa.BigInteger()),
        _required("active", sa.Boolean()),
        _required("regions", DOCUMENT),
        _required("segments", DOCUMENT),
        _required("partner_tiers", DOCUMENT),
        sa.Column("prerequisite_sku", sa.String(length=64)),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("sku", name=op.f("uq_products_sku")),
    )
    op.create_table(
        "motions",
        _required("id", KEY, sa.Identity(always=False)),
        _required("number", sa.String(length=32)),
        _required("kind", sa.String(length=32)),
        _required("state", sa.String(length=32)),
        _required("version", sa.Integer()),
        _required("model_name", sa.String(length=64)),
        _required("model_version", sa.Integer()),
        _required("channel", sa.String(length=16)),
        _required("currency", sa.String(length=3)),
        _required("account_id", KEY),
        sa.Column("partner_id", KEY),
        sa.Column("parent_id", KEY),
        _required("owner", DOCUMENT),
        _required("owner_subject", sa.String(length=200)),
        _required("quote_revisions", sa.Integer()),
        _required("created_at", TIMESTAMP),
        _required("updated_at", TIMESTAMP),
        _referring("fk_motions_account_id_accounts", ["account_id"], ["accounts.id"]),
        _referring("fk_motions_parent_id_motions", ["parent_id"], ["motions.id"]),
        _referring("fk_motions_partner_id_partners", ["partner_id"], ["partners.id"]),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_motions")),
        sa.UniqueConstraint("number", name=op.f("uq_motions_number")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_motions_account_id"), "motions", ["account_id"])
    op.create_index(op.f("ix_motions_channel"), "motions", ["channel"])
    op.create_index(op.f("ix_motions_kind"), "motions", ["kind"])
    op.create_index(op.f("ix_motions_partner_id"), "motions", ["partner_id"])
    op.create_index(op.f("ix_motions_state"), "motions", ["state"])
    op.create_index(op.f("ix_motions_updated_at"), "motions", ["updated_at"])
    op.create_table(
        "product_prices",
        _required("product_id", KEY),
        _required("currency", sa.String(length=3)),
        _required("amount", sa.BigInteger()),
        _cascading(
            "fk_product_prices_product_id_products", ["product_id"], ["products.id"]
        ),
        sa.PrimaryKeyConstraint(
            "product_id", "currency", name=op.f("pk_product_prices")
        ),
    )
    op.create_table(
        "agreements",
        _required("motion_id", KEY),
        _required("number", sa.String(length=32)),
        _required("start_date", sa.Date()),
        _required("end_date", sa.Date()),
        _required("signed_by", sa.String(length=200)),
        _required("signed_at", TIMESTAMP),
        _required("payment_days", sa.Integer()),
        _required("uplift_cap_percent", DECIMAL_TEXT),
        _cascading("fk_agreements_motion_id_motions", ["motion_id"], ["motions.id"]),
        sa.PrimaryKeyConstraint("motion_id", name=op.f("pk_agreements")),
    )
    op.create_table(
        "entitlements",
        _required("motion_id", KEY),
        _required("position", sa.Integer()),
        _required("account_id", KEY),
        _required("product_id", KEY),
        _required("quantity", sa.Integer()),
        _required("starts_on", sa.Date()),
        sa.Column("ends_on", sa.Date()),
        _required("status", sa.String(length=16)),
        _referring(
            "fk_entitlements_account_id_accounts", ["account_id"], ["accounts.id"]
        ),
        _cascading("fk_entitlements_motion_id_motions", ["motion_id"], ["motions.id"]),
        _referring(
            "fk_entitlements_product_id_products", ["product_id"], ["products.id"]
        ),
        sa.PrimaryKeyConstraint("motion_id", "position", name=op.f("pk_entitlements")),
    )
    op.create_index(op.f("ix_entitlements_account_id"), "entitlements", ["account_id"])
    op.create_table(
        "fulfilments",
        _required("motion_id", KEY),
        _required("position", sa.Integer()),
        _required("at", TIMESTAMP),
        _required("actor", sa.String(length=200)),
        _cascading("fk_fulfilments_motion_id_motions", ["motion_id"], ["motions.id"]),
        sa.PrimaryKeyConstraint("motion_id", "position", name=op.f("pk_fulfilments")),
    )
    op.create_table(
        "invoices",
        _required("motion_id", KEY),
        _required("number", sa.String(length=64)),
        _required("amount", sa.BigInteger()),
        _required("issued_on", sa.Date()),
        _cascading("fk_invoices_motion_id_motions", ["motion_id"], ["motions.id"]),
        sa.PrimaryKeyConstraint("motion_id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
    )
    op.create_table(
        "motion_events",
        _required("sequence", KEY, sa.Identity(always=False)),
        _required("motion_id", KEY),
        _required("version", sa.Integer()),
        _required("action", sa.String(length=32)),
        sa.Column("from_state", sa.String(length=32)),
        _required("to_state", sa.String(length=32)),
        _required("actor", DOCUMENT),
        _required("at", TIMESTAMP),
        sa.Column("idempotency_key", sa.String(length=200)),
        _required("input_digest", sa.String(length=128)),
        _required("payload", DOCUMENT),
        _cascading("fk_motion_events_motion_id_motions", ["motion_id"], ["motions.id"]),
        sa.PrimaryKeyConstraint("sequence", name=op.f("pk_motion_events")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_motion_events_motion_id_sequence"),
        "motion_events",
        ["motion_id", "sequence"],
    )
    op.create_table(
        "motion_lines",
        _required("motion_id", KEY),
        _required("position", sa.Integer()),
        _required("product_id", KEY),
        _required("quantity", sa.Integer()),
        _required("discount_percent", DECIMAL_TEXT),
        _cascading("fk_motion_lines_motion_id_motions", ["motion_id"], ["motions.id"]),
        _referring(
            "fk_motion_lines_product_id_products", ["product_id"], ["products.id"]
        ),
        sa.PrimaryKeyConstraint("motion_id", "position", name=op.f("pk_motion_lines")),
    )
    op.create_table(
        "orders",
        _required("motion_id", KEY),
        _required("number", sa.String(length=32)),
        _required("status", sa.String(length=32)),
        _required("placed_at", TIMESTAMP),
        _required("total", sa.BigInteger()),
        _required("price_hash", sa.String(length=128)),
        _cascading("fk_orders_motion_id_motions", ["motion_id"], ["motions.id"]),
        sa.PrimaryKeyConstraint("motion_id", name=op.f("pk_orders")),
    )
    op.create_table(
        "payments",
        _required("motion_id", KEY),
        _required("reference", sa.String(length=64)),
        _required("amount", sa.BigInteger()),
        _required("paid_on", sa.Date()),
        _cascading("fk_payments_motion_id_motions", ["motion_id"], ["motions.id"]),
        sa.PrimaryKeyConstraint("motion_id", name=op.f("pk_payments")),
    )
    op.create_table(
        "quotes",
        _required("motion_id", KEY),
        _required("revision", sa.Integer()),
        _required("number", sa.String(length=32)),
        _required("status", sa.String(length=16)),
        _required("issued_at", TIMESTAMP),
        _required("expires_at", TIMESTAMP),
        _required("term_months", sa.Integer()),
        _required("currency", sa.String(length=3)),
        _required("list_total", sa.BigInteger()),
        _required("total", sa.BigInteger()),
        _required("price_hash", sa.String(length=128)),
        sa.Column("accepted_by", sa.String(length=200)),
        sa.Column("accepted_at", TIMESTAMP),
        _cascading("fk_quotes_motion_id_motions", ["motion_id"], ["motions.id"]),
        sa.PrimaryKeyConstraint("motion_id", "revision", name=op.f("pk_quotes")),
    )
    op.create_table(
        "approvals",
        _required("motion_id", KEY),
        _required("revision", sa.Integer()),
        _required("status", sa.String(length=16)),
        _required("tiers", DOCUMENT),
        sa.Column("current_tier", sa.Integer()),
        _cascading(
            "fk_approvals_motion_id_revision_quotes",
            ["motion_id", "revision"],
            ["quotes.motion_id", "quotes.revision"],
        ),
        sa.PrimaryKeyConstraint("motion_id", "revision", name=op.f("pk_approvals")),
    )
    op.create_table(
        "idempotency_keys",
        _required("subject", sa.String(length=200)),
        _required("key", sa.String(length=200)),
        _required("motion_id", KEY),
        _required("action", sa.String(length=32)),
        _required("input_digest", sa.String(length=128)),
        _required("sequence", KEY),
        _required("created_at", TIMESTAMP),
        _cascading(
            "fk_idempotency_keys_motion_id_motions", ["motion_id"], ["motions.id"]
        ),
        _referring(
            "fk_idempotency_keys_sequence_motion_events",
            ["sequence"],
            ["motion_events.sequence"],
        ),
        sa.PrimaryKeyConstraint("subject", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "order_lines",
        _required("motion_id", KEY),
        _required("position", sa.Integer()),
        _required("product_id", KEY),
        _required("quantity", sa.Integer()),
        _required("fulfilled_quantity", sa.Integer()),
        _required("unit_net", sa.BigInteger()),
        _required("net", sa.BigInteger()),
        _cascading(
            "fk_order_lines_motion_id_orders", ["motion_id"], ["orders.motion_id"]
        ),
        _referring(
            "fk_order_lines_product_id_products", ["product_id"], ["products.id"]
        ),
        sa.PrimaryKeyConstraint("motion_id", "position", name=op.f("pk_order_lines")),
    )
    op.create_table(
        "quote_lines",
        _required("motion_id", KEY),
        _required("revision", sa.Integer()),
        _required("position", sa.Integer()),
        _required("product_id", KEY),
        _required("sku", sa.String(length=64)),
        _required("quantity", sa.Integer()),
        _required("discount_percent", DECIMAL_TEXT),
        _required("unit_list", sa.BigInteger()),
        _required("steps", DOCUMENT),
        _required("unit_net", sa.BigInteger()),
        _required("net", sa.BigInteger()),
        _cascading(
            "fk_quote_lines_motion_id_revision_quotes",
            ["motion_id", "revision"],
            ["quotes.motion_id", "quotes.revision"],
        ),
        _referring(
            "fk_quote_lines_product_id_products", ["product_id"], ["products.id"]
        ),
        sa.PrimaryKeyConstraint(
            "motion_id", "revision", "position", name=op.f("pk_quote_lines")
        ),
    )
    op.create_table(
        "approval_decisions",
        _required("motion_id", KEY),
        _required("revision", sa.Integer()),
        _required("seq", sa.Integer()),
        _required("tier", sa.Integer()),
        _required("role", sa.String(length=32)),
        _required("actor", sa.String(length=200)),
        _required("verdict", sa.String(length=16)),
        sa.Column("comment", sa.Text()),
        _required("at", TIMESTAMP),
        _cascading(
            "fk_approval_decisions_motion_id_revision_approvals",
            ["motion_id", "revision"],
            ["approvals.motion_id", "approvals.revision"],
        ),
        sa.PrimaryKeyConstraint(
            "motion_id", "revision", "seq", name=op.f("pk_approval_decisions")
        ),
    )
    op.create_table(
        "fulfilment_lines",
        _required("motion_id", KEY),
        _required("fulfilment", sa.Integer()),
        _required("seq", sa.Integer()),
        _required("order_line", sa.Integer()),
        _required("quantity", sa.Integer()),
        _cascading(
            "fk_fulfilment_lines_motion_id_fulfilment_fulfilments",
            ["motion_id", "fulfilment"],
            ["fulfilments.motion_id", "fulfilments.position"],
        ),
        _referring(
            "fk_fulfilment_lines_motion_id_order_line_order_lines",
            ["motion_id", "order_line"],
            ["order_lines.motion_id", "order_lines.position"],
        ),
        sa.PrimaryKeyConstraint(
            "motion_id", "fulfilment", "seq", name=op.f("pk_fulfilment_lines")
        ),
    )


def downgrade() -> None:
    """Move the schema back to the previous revision."""
    op.drop_table("fulfilment_lines")
    op.drop_table("approval_decisions")
    op.drop_table("quote_lines")
    op.drop_table("order_lines")
    op.drop_table("idempotency_keys")
    op.drop_table("approvals")
    op.drop_table("quotes")
    op.drop_table("payments")
    op.drop_table("orders")
    op.drop_table("motion_lines")
    op.drop_index(
        op.f("ix_motion_events_motion_id_sequence"), table_name="motion_events"
    )
    op.drop_table("motion_events")
    op.drop_table("invoices")
    op.drop_table("fulfilments")
    op.drop_index(op.f("ix_entitlements_account_id"), table_name="entitlements")
    op.drop_table("entitlements")
    op.drop_table("agreements")
    op.drop_table("product_prices")
    op.drop_index(op.f("ix_motions_updated_at"), table_name="motions")
    op.drop_index(op.f("ix_motions_state"), table_name="motions")
    op.drop_index(op.f("ix_motions_partner_id"), table_name="motions")
    op.drop_index(op.f("ix_motions_kind"), table_name="motions")
    op.drop_index(op.f("ix_motions_channel"), table_name="motions")
    op.drop_index(op.f("ix_motions_account_id"), table_name="motions")
    op.drop_table("motions")
    op.drop_table("products")
    op.drop_table("partners")
    op.drop_table("accounts")
