"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Created: ${create_date}
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import viax.store.columns
${imports if imports else ""}
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    """Move the schema forward to this revision."""
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    """Move the schema back to the previous revision."""
    ${downgrades if downgrades else "pass"}
