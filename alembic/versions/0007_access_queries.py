"""Create access_queries and access_query_journeys: every list that showed clients.

Rebuild the `access_log` projection after this migration (`casework projections rebuild
access_log`) so that queries recorded before it are in the new tables.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 06:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "access_queries",
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("endpoint", sa.String(length=32), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("journey_ids", sa.JSON(), nullable=False),
        sa.Column("accessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_access_queries")),
    )
    op.create_index(
        "ix_access_queries_clinic", "access_queries", ["clinic_id", "position"], unique=False
    )
    op.create_table(
        "access_query_journeys",
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("journey_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("position", "journey_id", name=op.f("pk_access_query_journeys")),
    )
    op.create_index(
        "ix_access_query_journeys_journey",
        "access_query_journeys",
        ["journey_id", "position"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_access_query_journeys_journey", table_name="access_query_journeys")
    op.drop_table("access_query_journeys")
    op.drop_index("ix_access_queries_clinic", table_name="access_queries")
    op.drop_table("access_queries")
