"""Returns: how many units of each order line came back.

Revision ID: 0005_returns
Revises: 0004_line_uplift
Created: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_returns"
down_revision = "0004_line_uplift"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Move the schema forward to this revision."""
    # Lines ordered before returns existed have had nothing returned.
    op.add_column(
        "order_lines",
        sa.Column(
            "returned_quantity", sa.Integer(), nullable=False, server_default="0"
        ),
    )


def downgrade() -> None:
    """Move the schema back to the previous revision."""
    with op.batch_alter_table("order_lines") as table:
        table.drop_column("returned_quantity")
