"""The read models equal a straightforward fold over the events, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from casework.application import Casework
from casework.errors import CaseworkError
from casework.journey.commands import (
    AssignCareTeamMember,
    CancelSession,
    CloseJourney,
    GiveConsent,
    PauseJourney,
    RecordAddendum,
    RecordContact,
    RecordCorrection,
    RecordIntake,
    RecordOutreach,
    RecordPreparationSession,
    RecordSafetyPlan,
    RecordScreeningDecision,
    RecordSessionOutcome,
    RecordWithdrawal,
    ResumeJourney,
    ScheduleSession,
    StopJourney,
    UnassignCareTeamMember,
    WithdrawConsent,
)
from casework.journey.values import (
    CareRole,
    ConsentKind,
    ContactKind,
    OutreachChannel,
    OutreachOutcome,
    ScreeningOutcome,
)
from casework.persistence import persistence_environment
from casework.roles import Role
from projections import PROJECTIONS, queries
from projections.runner import catch_up
from projections.store import create_read_engine
from tests.support.journeys import ELIGIBLE_CRITERIA, initial_dose, open_journey, ready_journey
from tests.support.read_models import folded_view, project_all, read_model_view
from tests.support.staff import Staff, register_staff

Step = Callable[[Casework, Staff, UUID], object]
SOON = date.today() + timedelta(days=60)
PAST = (datetime.now(UTC) - timedelta(days=9)).replace(microsecond=0)
BEFORE = PAST - timedelta(days=10)
"""When the steps date what a session held at PAST relies on: times cannot contradict the record."""


def _open_follow_up(app: Casework, staff: Staff, journey_id: UUID) -> UUID:
    state = app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)
    open_ = [
        f["follow_up_id"]
        for f in state["follow_ups"]
        if f["status"] in ("due", "overdue", "upcoming")
    ]
    if not open_:
        raise CaseworkError("no open follow-up")
    return UUID(str(open_[0]))


def _latest(app: Casework, staff: Staff, journey_id: UUID, records: str) -> int:
    state = app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)
    if not state[records]:
        raise CaseworkError("nothing to correct")
    recorded = state[records][-1]
    return int((recorded.get("decided") or {})["version"])


def _scheduled(app: Casework, staff: Staff, journey_id: UUID) -> UUID:
    state = app.get_journey(staff[Role.CLINICAL_LEAD], journey_id)
    planned = [s["session_id"] for s in state["sessions"] if s["status"] == "scheduled"]
    if not planned:
        raise CaseworkError("no scheduled session")
    return UUID(str(planned[0]))


STEPS: dict[str, Step] = {
    "assign_facilitator": lambda a, s, j: a.assign_care_team_member(
        s[Role.CLINICAL_LEAD],
        AssignCareTeamMember(
            journey_id=j, practitioner_id=s.id(Role.FACILITATOR), role=CareRole.FACILITATOR
        ),
    ),
    "assign_therapist": lambda a, s, j: a.assign_care_team_member(
        s[Role.CLINICAL_LEAD],
        AssignCareTeamMember(
            journey_id=j,
            practitioner_id=s.id(Role.INTEGRATION_THERAPIST),
            role=CareRole.INTEGRATION_THERAPIST,
        ),
    ),
    "unassign_facilitator": lambda a, s, j: a.unassign_care_team_member(
        s[Role.CLINICAL_LEAD],
        UnassignCareTeamMember(journey_id=j, practitioner_id=s.id(Role.FACILITATOR)),
    ),
    "eligible": lambda a, s, j: a.record_screening_decision(
        s[Role.CLINICAL_LEAD],
        RecordScreeningDecision(
            journey_id=j,
            outcome=ScreeningOutcome.ELIGIBLE,
            criteria=ELIGIBLE_CRITERIA,
            valid_until=SOON,
            occurred_at=BEFORE,
        ),
    ),
    "deferred": lambda a, s, j: a.record_screening_decision(
        s[Role.CLINICAL_LEAD],
        RecordScreeningDecision(
            journey_id=j,
            outcome=ScreeningOutcome.DEFERRED,
            criteria=ELIGIBLE_CRITERIA,
            rationale="Later",
            occurred_at=BEFORE,
        ),
    ),
    "consent": lambda a, s, j: a.give_consent(
        s[Role.INTAKE_COORDINATOR],
        GiveConsent(journey_id=j, kind=ConsentKind.TREATMENT, occurred_at=BEFORE),
    ),
    "withdraw_consent": lambda a, s, j: a.withdraw_consent(
        s[Role.INTAKE_COORDINATOR], WithdrawConsent(journey_id=j, kind=ConsentKind.TREATMENT)
    ),
    "preparation": lambda a, s, j: a.record_preparation_session(
        s[Role.FACILITATOR],
        RecordPreparationSession(journey_id=j, duration_minutes=60, occurred_at=BEFORE),
    ),
    "safety_plan": lambda a, s, j: a.record_safety_plan(
        s[Role.FACILITATOR],
        RecordSafetyPlan(
            journey_id=j, emergency_contact="Partner", transport_plan="Taxi", occurred_at=BEFORE
        ),
    ),
    "schedule": lambda a, s, j: a.schedule_session(
        s[Role.FACILITATOR],
        ScheduleSession(
            journey_id=j,
            planned_start=PAST,
            planned_end=PAST + timedelta(hours=8),
            occurred_at=BEFORE,
        ),
    ),
    "cancel": lambda a, s, j: a.cancel_session(
        s[Role.FACILITATOR],
        CancelSession(journey_id=j, session_id=_scheduled(a, s, j), reason="Unwell"),
    ),
    "hold": lambda a, s, j: a.record_session_outcome(
        s[Role.FACILITATOR],
        RecordSessionOutcome(
            journey_id=j,
            session_id=_scheduled(a, s, j),
            started_at=PAST,
            ended_at=PAST + timedelta(hours=8),
            facilitator_ids=[s.id(Role.FACILITATOR)],
            doses=[initial_dose(PAST)],
        ),
    ),
    "contact": lambda a, s, j: a.record_contact(
        s[Role.INTEGRATION_THERAPIST],
        RecordContact(
            journey_id=j, kind=ContactKind.PHONE_CHECK_IN, follow_up_id=_open_follow_up(a, s, j)
        ),
    ),
    "ad_hoc_contact": lambda a, s, j: a.record_contact(
        s[Role.INTEGRATION_THERAPIST], RecordContact(journey_id=j, kind=ContactKind.OTHER)
    ),
    "outreach": lambda a, s, j: a.record_outreach(
        s[Role.INTEGRATION_THERAPIST],
        RecordOutreach(
            journey_id=j,
            follow_up_id=_open_follow_up(a, s, j),
            channel=OutreachChannel.SMS,
            outcome=OutreachOutcome.NO_ANSWER,
        ),
    ),
    "pause": lambda a, s, j: a.pause_journey(
        s[Role.CLINICAL_LEAD],
        PauseJourney(
            journey_id=j, reason="Stress", review_date=SOON, conditions_to_resume=["Calm"]
        ),
    ),
    "resume": lambda a, s, j: a.resume_journey(
        s[Role.CLINICAL_LEAD], ResumeJourney(journey_id=j, rationale="Calm again")
    ),
    "stop": lambda a, s, j: a.stop_journey(
        s[Role.CLINICAL_LEAD], StopJourney(journey_id=j, rationale="Cardiac finding")
    ),
    "withdraw": lambda a, s, j: a.record_withdrawal(
        s[Role.INTAKE_COORDINATOR], RecordWithdrawal(journey_id=j, reason=None)
    ),
    "close": lambda a, s, j: a.close_journey(
        s[Role.CLINICAL_LEAD], CloseJourney(journey_id=j, reason="Done")
    ),
    "expire_screening": lambda a, s, j: a.record_correction(
        s[Role.CLINICAL_LEAD],
        RecordCorrection(
            journey_id=j,
            field="valid_until",
            new_value="2020-01-01",
            reason="Wrong year",
            corrects_version=_latest(a, s, j, "screening_decisions"),
        ),
    ),
    "correct_decision": lambda a, s, j: a.record_correction(
        s[Role.CLINICAL_LEAD],
        RecordCorrection(
            journey_id=j,
            field="reason",
            new_value="Corrected reason",
            reason="Clearer",
            corrects_version=_latest(a, s, j, "decisions"),
        ),
    ),
    "addendum": lambda a, s, j: a.record_addendum(
        s[Role.INTEGRATION_THERAPIST],
        RecordAddendum(journey_id=j, entry_version=1, text="Later note"),
    ),
}

LIKELY_PATH = [
    "assign_facilitator",
    "assign_therapist",
    "eligible",
    "consent",
    "preparation",
    "safety_plan",
    "schedule",
    "hold",
    "contact",
    "outreach",
]

journey_plans = st.lists(
    st.one_of(
        st.just(LIKELY_PATH) | st.lists(st.sampled_from(LIKELY_PATH), max_size=10),
    ).flatmap(lambda path: st.lists(st.sampled_from(sorted(STEPS)), max_size=8).map(path.__add__)),
    min_size=1,
    max_size=4,
)


@pytest.fixture
def stores(database_url: str) -> Iterator[tuple[Casework, Engine]]:
    app = Casework(env=persistence_environment(database_url))
    engine = create_read_engine(database_url)
    yield app, engine
    engine.dispose()
    app.close()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plans=journey_plans, time_zone=st.sampled_from(["Pacific/Auckland", "America/Los_Angeles"]))
def test_read_models_equal_a_fold_over_the_events(
    stores: tuple[Casework, Engine], plans: list[list[str]], time_zone: str
) -> None:
    app, engine = stores
    staff = register_staff(app, time_zone=time_zone)
    journey_ids = []
    for number, plan in enumerate(plans):
        journey_id = open_journey(app, staff, f"CW-{number}")
        journey_ids.append(journey_id)
        for step in plan:
            with suppress(CaseworkError):  # a refused command records nothing: so must the fold
                STEPS[step](app, staff, journey_id)
    project_all(engine, app)
    today = datetime.now(ZoneInfo(time_zone)).date()
    assert read_model_view(engine, staff.clinic_id, today) == folded_view(app, journey_ids, today)


def test_each_event_is_projected_exactly_once_by_racing_runners(
    stores: tuple[Casework, Engine],
) -> None:
    app, engine = stores
    staff = register_staff(app)
    journey_ids = [open_journey(app, staff, f"CW-{n}") for n in range(3)]
    for journey_id in journey_ids:
        for step in LIKELY_PATH:
            STEPS[step](app, staff, journey_id)
    runners = [
        threading.Thread(target=catch_up, args=(engine, app, projection), kwargs={"batch_size": 7})
        for projection in PROJECTIONS
        for _ in range(3)
    ]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join(timeout=60)
    project_all(engine, app)
    today = datetime.now(ZoneInfo(staff.time_zone)).date()
    assert read_model_view(engine, staff.clinic_id, today) == folded_view(app, journey_ids, today)


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
            assert by_label["Integration session 1"] == expected, moment.isoformat()


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


def test_the_caseload_takes_the_latest_screening_by_clinical_time(
    stores: tuple[Casework, Engine],
) -> None:
    app, engine = stores
    staff = register_staff(app)
    journey_id = ready_journey(app, staff)  # eligible, decided 30 days ago
    old = datetime.now(UTC) - timedelta(days=45)
    app.record_screening_decision(
        staff[Role.CLINICAL_LEAD],
        RecordScreeningDecision(
            journey_id=journey_id,
            outcome=ScreeningOutcome.DEFERRED,
            criteria=ELIGIBLE_CRITERIA,
            rationale="Waiting for ECG",
            occurred_at=old,
        ),
    )
    project_all(engine, app)
    today = datetime.now(ZoneInfo(staff.time_zone)).date()
    shown = read_model_view(engine, staff.clinic_id, today)
    assert shown[journey_id]["phase"] == "ready"
    assert shown == folded_view(app, [journey_id], today)
