"""Record a projection's failure on an event in `projection_positions` (no content, only ids).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 07:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("projection_positions") as batch:
        batch.add_column(sa.Column("failed_position", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("failure", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("failures", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch.add_column(sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("projection_positions") as batch:
        for column in ("retry_at", "failures", "failed_at", "failure", "failed_position"):
            batch.drop_column(column)
