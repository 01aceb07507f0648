"""Let corrections reach the read models: the register's entry version, the latest screening's.

Rows projected before this migration get version 0 and no screening version: run
`casework projections rebuild decisions` and `casework projections rebuild caseload` after it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 14:29:59.055356
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )

    with op.batch_alter_table("journeys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("screening_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("journeys", schema=None) as batch_op:
        batch_op.drop_column("screening_version")

    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("version")
