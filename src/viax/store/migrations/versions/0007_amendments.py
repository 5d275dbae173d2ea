"""Amendments: the day an amendment's change takes effect.

Revision ID: 0007
Revises: 0006
Created: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Move the schema forward to this revision."""
    with op.batch_alter_table("motions") as batch:
        batch.add_column(sa.Column("effective_date", sa.Date()))


def downgrade() -> None:
    """Move the schema back to the previous revision."""
    with op.batch_alter_table("motions") as batch:
        batch.drop_column("effective_date")
