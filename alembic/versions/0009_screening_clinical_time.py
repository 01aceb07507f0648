"""The caseload's screening in force is the latest by clinical time (`screening_occurred_at`).

Rebuild the `caseload` projection after this migration (`casework projections rebuild
caseload`): a late-entered older screening may have been taken as the one in force before it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 08:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("journeys") as batch:
        batch.add_column(
            sa.Column("screening_occurred_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("journeys") as batch:
        batch.drop_column("screening_occurred_at")
