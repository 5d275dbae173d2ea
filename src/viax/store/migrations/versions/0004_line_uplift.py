"""The uplift of a renewal line, in a column of its own.

Lines written before it keep an uplift as a negative discount percent; the
new column reads 0 for them, and the domain still reads their uplift from
the discount, so no stored row or price hash is rewritten.

Revision ID: 0004
Revises: 0003
Created: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("motion_lines", "quote_lines")


def upgrade() -> None:
    """Move the schema forward to this revision."""
    for table in TABLES:
        op.add_column(
            table,
            sa.Column(
                "uplift_percent",
                sa.String(length=40),
                nullable=False,
                server_default="0",
            ),
        )


def downgrade() -> None:
    """Move the schema back to the revision before."""
    # SQLite drops a column only by copying its table.
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("uplift_percent")
