"""Index the timeline by entry type, for the clinic-wide list of corrections.

Nothing to rebuild: the index covers rows the timeline projection already writes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 22:35:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_timeline_kind", "timeline", ["clinic_id", "event_type", "position"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_timeline_kind", table_name="timeline")
