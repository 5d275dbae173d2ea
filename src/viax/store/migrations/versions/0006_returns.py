"""Returns: how many units of each order line came back.

Revision ID: 0006
Revises: 0005
Created: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
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
