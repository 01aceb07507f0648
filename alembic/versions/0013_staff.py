"""Create the staff read model (practitioners, access_tokens) and token_uses.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "practitioners",
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("sort_name", sa.String(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("credentials", sa.JSON(), nullable=False),
        sa.Column("modalities", sa.JSON(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("practitioner_id", name=op.f("pk_practitioners")),
    )
    op.create_index(
        "ix_practitioners_clinic",
        "practitioners",
        ["clinic_id", "sort_name", "practitioner_id"],
    )
    op.create_table(
        "access_tokens",
        sa.Column("token_id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_access_tokens")),
    )
    op.create_index(
        "ix_access_tokens_practitioner", "access_tokens", ["practitioner_id", "issued_at"]
    )
    op.create_table(
        "token_uses",
        sa.Column("token_id", sa.Uuid(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_token_uses")),
    )


def downgrade() -> None:
    op.drop_table("token_uses")
    op.drop_index("ix_access_tokens_practitioner", table_name="access_tokens")
    op.drop_table("access_tokens")
    op.drop_index("ix_practitioners_clinic", table_name="practitioners")
    op.drop_table("practitioners")
