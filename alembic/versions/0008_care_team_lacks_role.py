"""Mark a care-team place whose practitioner lost the role (`care_team.lacks_role`).

Rebuild the `caseload` projection after this migration (`casework projections rebuild
caseload`) so that roles revoked before it are marked.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 07:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("care_team") as batch:
        batch.add_column(
            sa.Column("lacks_role", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("care_team") as batch:
        batch.drop_column("lacks_role")
