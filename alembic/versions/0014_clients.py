"""Create the client index (clients): pseudonyms, folded for search, and their journeys.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 02:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("pseudonym", sa.String(), nullable=False),
        sa.Column("pseudonym_key", sa.String(), nullable=False),
        sa.Column("journey_ids", sa.JSON(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_clients")),
    )
    op.create_index("ix_clients_search", "clients", ["clinic_id", "pseudonym_key", "client_id"])


def downgrade() -> None:
    op.drop_index("ix_clients_search", table_name="clients")
    op.drop_table("clients")
