"""topology_positions: where an admin placed each node of a network's topology picture

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "topology_positions",
        sa.Column("network", sa.String(255), primary_key=True),
        sa.Column("node", sa.String(512), primary_key=True),
        sa.Column("x", sa.Float, nullable=False),
        sa.Column("y", sa.Float, nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by", sa.String(255), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("topology_positions")
