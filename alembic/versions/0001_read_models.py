"""Create the read-model tables: timeline, follow-ups, decisions, caseload, care team, clinics.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 13:46:31.176917
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "care_team",
        sa.Column("journey_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("journey_id", "practitioner_id", "role", name=op.f("pk_care_team")),
    )
    with op.batch_alter_table("care_team", schema=None) as batch_op:
        batch_op.create_index("ix_care_team_practitioner", ["practitioner_id"], unique=False)

    op.create_table(
        "clinics",
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("clinic_id", name=op.f("pk_clinics")),
    )
    op.create_table(
        "decisions",
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("journey_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decider_id", sa.Uuid(), nullable=False),
        sa.Column("decider_role", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("rationale", sa.String(), nullable=True),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("co_signer_id", sa.Uuid(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_decisions_decider", ["clinic_id", "decider_id", "position"], unique=False
        )
        batch_op.create_index("ix_decisions_register", ["clinic_id", "position"], unique=False)

    op.create_table(
        "follow_ups",
        sa.Column("follow_up_id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("journey_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("owner_role", sa.String(length=32), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("contact_id", sa.Uuid(), nullable=True),
        sa.Column("outreach_attempts", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("follow_up_id", name=op.f("pk_follow_ups")),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index("ix_follow_ups_journey", ["journey_id"], unique=False)
        batch_op.create_index(
            "ix_follow_ups_worklist", ["clinic_id", "owner_id", "window_end"], unique=False
        )

    op.create_table(
        "journeys",
        sa.Column("journey_id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("client_pseudonym", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("screening_outcome", sa.String(length=32), nullable=True),
        sa.Column("screening_valid_until", sa.Date(), nullable=True),
        sa.Column("preparation_count", sa.Integer(), nullable=False),
        sa.Column("treatment_consent", sa.Boolean(), nullable=False),
        sa.Column("safety_plan", sa.Boolean(), nullable=False),
        sa.Column("sessions_scheduled", sa.Integer(), nullable=False),
        sa.Column("sessions_held", sa.Integer(), nullable=False),
        sa.Column("contacts_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("journey_id", name=op.f("pk_journeys")),
    )
    with op.batch_alter_table("journeys", schema=None) as batch_op:
        batch_op.create_index(
            "ix_journeys_caseload", ["clinic_id", "last_activity_at", "journey_id"], unique=False
        )

    op.create_table(
        "projection_positions",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_projection_positions")),
    )
    op.create_table(
        "timeline",
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("journey_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("actor_role", sa.String(length=32), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("late_entry", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_timeline")),
    )
    with op.batch_alter_table("timeline", schema=None) as batch_op:
        batch_op.create_index("ix_timeline_journey", ["journey_id", "position"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("timeline", schema=None) as batch_op:
        batch_op.drop_index("ix_timeline_journey")

    op.drop_table("timeline")
    op.drop_table("projection_positions")
    with op.batch_alter_table("journeys", schema=None) as batch_op:
        batch_op.drop_index("ix_journeys_caseload")

    op.drop_table("journeys")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_ups_worklist")
        batch_op.drop_index("ix_follow_ups_journey")

    op.drop_table("follow_ups")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_decisions_register")
        batch_op.drop_index("ix_decisions_decider")

    op.drop_table("decisions")
    op.drop_table("clinics")
    with op.batch_alter_table("care_team", schema=None) as batch_op:
        batch_op.drop_index("ix_care_team_practitioner")

    op.drop_table("care_team")
