"""Cost budgets shared by every replica on one database.

Revision ID: 0005
Revises: 0004
Created: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Move the schema forward to this revision."""
    op.create_table(
        "cost_budgets",
        sa.Column("principal", sa.Text(), nullable=False),
        sa.Column("level", sa.Double(), nullable=False),
        sa.Column("refilled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("principal", name=op.f("pk_cost_budgets")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # A draw then waits for no WAL flush. After a crash (or on a standby
        # promoted after a failover) the table is empty: every budget starts
        # full again, which costs nothing but a moment's leniency.
        op.execute("ALTER TABLE cost_budgets SET UNLOGGED")


def downgrade() -> None:
    """Move the schema back to the previous revision."""
    op.drop_table("cost_budgets")
