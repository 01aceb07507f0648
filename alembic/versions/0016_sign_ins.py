"""Create sign_ins: browser sign-ins, failures, sign-outs and invitations, for the auditor.

A new projection: `casework projections rebuild sign_ins` fills it from the log.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 04:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_ins",
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("happened", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_sign_ins")),
    )
    op.create_index("ix_sign_ins_clinic", "sign_ins", ["clinic_id", "position"])


def downgrade() -> None:
    op.drop_index("ix_sign_ins_clinic", table_name="sign_ins")
    op.drop_table("sign_ins")
