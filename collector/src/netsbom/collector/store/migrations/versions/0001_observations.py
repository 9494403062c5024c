"""observations: one row per device report

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "observations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("report_id", sa.String(64), nullable=False, unique=True),
        sa.Column("agent_id", sa.String(255), nullable=False),
        sa.Column("target_id", sa.String(255), nullable=False),
        sa.Column("network", sa.String(255), nullable=True),
        sa.Column("hostname", sa.String(255), nullable=True),
        sa.Column("vendor", sa.String(255), nullable=True),
        sa.Column("model", sa.String(255), nullable=True),
        sa.Column("serial", sa.String(255), nullable=True),
        sa.Column("os_family", sa.String(64), nullable=True),
        sa.Column("os_version", sa.String(255), nullable=True),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("collected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("labels", sa.JSON, nullable=False),
        sa.Column("record", sa.Text, nullable=False),
    )
    op.create_index("ix_observations_network_time", "observations", ["network", "collected_at"])
    op.create_index(
        "ix_observations_target_time", "observations", ["agent_id", "target_id", "collected_at"]
    )


def downgrade() -> None:
    op.drop_table("observations")
