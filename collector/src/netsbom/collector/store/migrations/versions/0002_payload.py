"""observations.payload: the report as serialized netsbom.v1.DeviceReport

Ingest stores the received message's bytes instead of building and JSON-encoding a record (the
collector's hot path); rows written before keep their JSON ``record``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("observations") as batch:
        batch.add_column(sa.Column("payload", sa.LargeBinary, nullable=True))
        batch.alter_column("record", existing_type=sa.Text, nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("observations") as batch:
        batch.drop_column("payload")
        batch.alter_column("record", existing_type=sa.Text, nullable=False)
