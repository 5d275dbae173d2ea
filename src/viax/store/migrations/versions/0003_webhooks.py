"""Outbound webhooks: endpoints and their deliveries.

Revision ID: 0003
Revises: 0001
Created: 2026-12-03
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None

KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)


def _required(
    name: str, type_: sa.types.TypeEngine[Any], *extra: sa.schema.SchemaItem
) -> sa.Column[Any]:
    return sa.Column(name, type_, *extra, nullable=False)


def upgrade() -> None:
    """Move the schema forward to this revision."""
    op.create_table(
        "webhook_endpoints",
        _required("id", KEY, sa.Identity(always=False)),
        _required("url", sa.String(length=2000)),
        _required("secret", sa.String(length=200)),
        _required("active", sa.Boolean()),
        _required("cursor", KEY),
        _required("created_at", TIMESTAMP),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoints")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "webhook_deliveries",
        _required("id", KEY, sa.Identity(always=False)),
        _required("endpoint_id", KEY),
        _required("sequence", KEY),
        _required("motion_id", KEY),
        _required("status", sa.String(length=16)),
        _required("attempts", sa.Integer()),
        _required("next_attempt_at", TIMESTAMP),
        sa.Column("last_error", sa.Text()),
        sa.Column("delivered_at", TIMESTAMP),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["webhook_endpoints.id"],
            name="fk_webhook_deliveries_endpoint_id_webhook_endpoints",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sequence"],
            ["motion_events.sequence"],
            name="fk_webhook_deliveries_sequence_motion_events",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_webhook_deliveries_endpoint_id_sequence"),
        "webhook_deliveries",
        ["endpoint_id", "sequence"],
        unique=True,
    )
    op.create_index(
        op.f("ix_webhook_deliveries_status_next_attempt_at"),
        "webhook_deliveries",
        ["status", "next_attempt_at"],
    )


def downgrade() -> None:
    """Move the schema back to the previous revision."""
    op.drop_index(
        op.f("ix_webhook_deliveries_status_next_attempt_at"),
        table_name="webhook_deliveries",
    )
    op.drop_index(
        op.f("ix_webhook_deliveries_endpoint_id_sequence"),
        table_name="webhook_deliveries",
    )
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_endpoints")
