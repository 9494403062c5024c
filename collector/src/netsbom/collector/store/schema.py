"""Tables of the observation store. Changes go through an Alembic migration in migrations/."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# One row per received report, never updated or deleted: the audit trail.
observations = Table(
    "observations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report_id", String(64), nullable=False, unique=True),
    Column("agent_id", String(255), nullable=False),
    Column("target_id", String(255), nullable=False),
    Column("network", String(255), nullable=True),  # the target's `network` label
    Column("hostname", String(255), nullable=True),
    Column("vendor", String(255), nullable=True),
    Column("model", String(255), nullable=True),
    Column("serial", String(255), nullable=True),
    Column("os_family", String(64), nullable=True),
    Column("os_version", String(255), nullable=True),
    Column("complete", Boolean, nullable=False),
    Column("collected_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("labels", JSON, nullable=False),
    Column("record", Text, nullable=True),  # rows of revision 0001: the record as JSON
    Column("payload", LargeBinary, nullable=True),  # the report as serialized DeviceReport
    Index("ix_observations_network_time", "network", "collected_at"),
    Index("ix_observations_target_time", "agent_id", "target_id", "collected_at"),
)

# Where an admin placed each node of a network's topology picture (the web console); the picture
# lays out the nodes without a row itself (by site and role).
topology_positions = Table(
    "topology_positions",
    metadata,
    Column("network", String(255), primary_key=True),
    Column("node", String(512), primary_key=True),
    Column("x", Float, nullable=False),
    Column("y", Float, nullable=False),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    Column("saved_by", String(255), nullable=False),
)

# Vendors' product SBOMs attached to a model + release or an image (migration 0004).
vendor_sboms = Table(
    "vendor_sboms",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("match_model", String(255), nullable=True),
    Column("match_version", String(255), nullable=True),
    Column("match_family", String(64), nullable=True),
    Column("match_image", String(255), nullable=True),
    Column("match_image_sha256", String(64), nullable=True),
    Column("format", String(32), nullable=False),  # CycloneDX, SPDX-2, SPDX-3
    Column("spec_version", String(16), nullable=True),
    Column("serial", String(512), nullable=True),  # serialNumber / documentNamespace / spdxId
    Column("bom_version", Integer, nullable=True),
    Column("name", String(512), nullable=False),
    Column("component_version", String(255), nullable=True),
    Column("supplier", String(512), nullable=True),
    Column("filename", String(512), nullable=False),
    Column("url", String(2048), nullable=True),  # where the vendor publishes it
    Column("sha256", String(64), nullable=False),
    Column("sha512", String(128), nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=True),  # only when attached with --embed
    Column("attached_at", DateTime(timezone=True), nullable=False),
    Column("match_key", String(1024), nullable=False),  # canonical --match text
    UniqueConstraint("match_key", "sha256", name="uq_vendor_sboms_match_document"),
)
