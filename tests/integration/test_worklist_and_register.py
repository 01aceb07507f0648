"""The follow-up worklist and the decisions register, on SQLite and PostgreSQL: a follow-up turns
overdue at the clinic's local midnight, and both lists are served by their indexes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text

from casework.application import Casework
from casework.journey.commands import (
    GiveConsent,
    RecordIntake,
    RecordPreparationSession,
    RecordSafetyPlan,
    RecordScreeningDecision,
    RecordSessionOutcome,
    ScheduleSession,
)
from casework.journey.values import ConsentKind, ScreeningOutcome
from casework.persistence import persistence_environment
from casework.roles import Role
from projections import queries
from projections.store import create_read_engine
from tests.support.journey_steps import LIKELY_PATH, STEPS
from tests.support.journeys import ELIGIBLE_CRITERIA, initial_dose
from tests.support.read_models import project_all
from tests.support.staff import register_staff


@pytest.mark.parametrize(
    ("time_zone", "day"),
    [
        ("Pacific/Auckland", date(2026, 4, 5)),  # DST ends: 03:00 NZDT becomes 02:00 NZST
        ("Pacific/Auckland", date(2026, 9, 27)),  # DST starts
        ("America/Los_Angeles", date(2026, 3, 8)),  # DST starts
        ("America/Los_Angeles", date(2026, 11, 1)),  # DST ends
    ],
)
def test_a_follow_up_turns_overdue_at_the_clinic_local_midnight(
    stores: tuple[Casework, Engine], time_zone: str, day: date
) -> None:
    app, engine = stores
    zone = ZoneInfo(time_zone)
    staff = register_staff(app, time_zone=time_zone)
    session_day = day - timedelta(days=2)  # its first follow-up's window closes on `day`
    started = datetime.combine(session_day, datetime.min.time(), zone) + timedelta(hours=10)
    journey_id = app.record_intake(
        staff[Role.INTAKE_COORDINATOR],
        RecordIntake(
            client_pseudonym="CW-DST",
            referral_source="GP",
            primary_need="Need",
            occurred_at=started - timedelta(days=30),
        ),
    ).id
    for step in LIKELY_PATH[:2]:
        STEPS[step](app, staff, journey_id)
    before = started - timedelta(days=1)  # what the session relies on, dated before it
    lead, facilitator = staff[Role.CLINICAL_LEAD], staff[Role.FACILITATOR]
    app.record_screening_decision(
        lead,
        RecordScreeningDecision(
            journey_id=journey_id,
            outcome=ScreeningOutcome.ELIGIBLE,
            criteria=ELIGIBLE_CRITERIA,
            valid_until=session_day + timedelta(days=30),
            occurred_at=before,
        ),
    )
    app.give_consent(
        staff[Role.INTAKE_COORDINATOR],
        GiveConsent(journey_id=journey_id, kind=ConsentKind.TREATMENT, occurred_at=before),
    )
    app.record_preparation_session(
        facilitator,
        RecordPreparationSession(journey_id=journey_id, duration_minutes=60, occurred_at=before),
    )
    app.record_safety_plan(
        facilitator,
        RecordSafetyPlan(
            journey_id=journey_id,
            emergency_contact="Partner",
            transport_plan="Taxi",
            occurred_at=before,
        ),
    )
    session = app.schedule_session(
        facilitator,
        ScheduleSession(
            journey_id=journey_id,
            planned_start=started,
            planned_end=started + timedelta(hours=8),
            occurred_at=before,
        ),
    ).created_id
    app.record_session_outcome(
        staff[Role.FACILITATOR],
        RecordSessionOutcome(
            journey_id=journey_id,
            session_id=session,
            started_at=started,
            ended_at=started + timedelta(hours=8),
            facilitator_ids=[staff.id(Role.FACILITATOR)],
            doses=[initial_dose(started)],
        ),
    )
    project_all(engine, app)
    midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), zone)
    with engine.connect() as connection:
        for moment, expected in ((midnight - timedelta(seconds=1), "due"), (midnight, "overdue")):
            today = moment.astimezone(ZoneInfo(app.get_clinic(staff.clinic_id).time_zone)).date()
            first = queries.follow_up_worklist(connection, staff.clinic_id, today, limit=5).items
            by_label = {row["label"]: row["status"] for row in first}
            assert by_label["Session 1 · integration session 1"] == expected, moment.isoformat()


@pytest.mark.postgres
def test_the_worklist_and_the_register_are_served_by_their_indexes(
    postgres_database_url: str,
) -> None:
    app = Casework(env=persistence_environment(postgres_database_url))
    engine = create_read_engine(postgres_database_url)
    staff = register_staff(app)
    with engine.connect() as connection:
        connection.execute(
            text("SET enable_seqscan = off")
        )  # tiny tables: ask for the plan at scale
        plans = {}
        for name, query in (
            (
                "worklist",
                "SELECT * FROM follow_ups WHERE clinic_id = :c AND owner_id = :o"
                " ORDER BY window_end",
            ),
            (
                "register",
                "SELECT * FROM decisions WHERE clinic_id = :c ORDER BY position DESC LIMIT 51",
            ),
        ):
            rows = connection.execute(
                text(f"EXPLAIN {query}"),
                {"c": staff.clinic_id, "o": staff.id(Role.INTEGRATION_THERAPIST)},
            )
            plans[name] = "\n".join(row[0] for row in rows)
    print(plans["worklist"], plans["register"], sep="\n\n")
    assert "ix_follow_ups_worklist" in plans["worklist"]
    assert "ix_decisions_register" in plans["register"]
    engine.dispose()
    app.close()
