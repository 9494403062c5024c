"""vendor_sboms: vendors' product SBOMs attached to a model and release, or to an image

The system SBOM references them (BOM-Link / externalReferences type ``bom``, SPDX 3
ExternalMap); ``content`` holds the document only when it was attached with ``--embed``.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vendor_sboms",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("match_model", sa.String(255), nullable=True),
        sa.Column("match_version", sa.String(255), nullable=True),
        sa.Column("match_family", sa.String(64), nullable=True),
        sa.Column("match_image", sa.String(255), nullable=True),
        sa.Column("match_image_sha256", sa.String(64), nullable=True),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("spec_version", sa.String(16), nullable=True),
        sa.Column("serial", sa.String(512), nullable=True),
        sa.Column("bom_version", sa.Integer, nullable=True),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("component_version", sa.String(255), nullable=True),
        sa.Column("supplier", sa.String(512), nullable=True),
        sa.Column("filename", sa.String(512), nullable=False),
        sa.Column("url", sa.String(2048), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("sha512", sa.String(128), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=True),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("match_key", sa.String(1024), nullable=False),
        sa.UniqueConstraint("match_key", "sha256", name="uq_vendor_sboms_match_document"),
    )


def downgrade() -> None:
    op.drop_table("vendor_sboms")
