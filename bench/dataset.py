"""A realistic synthetic data set, built through the application: clinics, staff and journeys.

Journeys are spread over every phase: intake only, screened, ready, in integration after a held
session with contacts and outreach, paused, stopped, and closed, some with corrections. Worker
processes record them in parallel, each through an application of its own on the same store.
"""

from __future__ import annotations

import multiprocessing
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from api import create_app
from casework.application import Casework
from casework.journey import Journey
from casework.journey.commands import (
    AssignCareTeamMember,
    CloseJourney,
    GiveConsent,
    PauseJourney,
    RecordContact,
    RecordCorrection,
    RecordIntake,
    RecordPreparationSession,
    RecordSafetyPlan,
    RecordScreeningDecision,
    RecordSessionOutcome,
    ResumeJourney,
    ScheduleSession,
    StopJourney,
)
from casework.journey.values import CareRole, ConsentKind, ContactKind, ScreeningOutcome
from casework.roles import Role
from tests.support.staff import Staff, register_staff

JOURNEYS_PER_CLINIC = 500
PROCESSES = 2  # one per core; each overlaps its store round trips with a second thread
THREADS = 2
ELIGIBLE = [{"category": "cardiovascular", "result": "met", "note": None}]


@dataclass(frozen=True)
class ClinicJourneys:
    """A clinic's staff and the journeys recorded for it."""

    staff: Staff
    journeys: list[UUID]


def build(
    app: Casework, config: Mapping[str, str], journeys: int, seed: int = 0
) -> list[ClinicJourneys]:
    """Register clinics and record `journeys` journeys across them; return them by clinic.

    `config` is the API's (DATABASE_URL and the keys): each worker process opens it anew.
    """
    clinics = [
        ClinicJourneys(register_staff(app), [])
        for _ in range(max(1, journeys // JOURNEYS_PER_CLINIC))
    ]
    staff = [clinic.staff for clinic in clinics]
    jobs = [(dict(config), staff, journeys, seed, worker) for worker in range(PROCESSES)]
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        for recorded in pool.starmap(_record_share, jobs):
            for clinic_index, journey_id in recorded:
                clinics[clinic_index].journeys.append(journey_id)
    return clinics


def _record_share(
    config: dict[str, str], staff: list[Staff], journeys: int, seed: int, worker: int
) -> list[tuple[int, UUID]]:
    """Record this worker's share of the journeys; return (clinic index, journey id) pairs."""
    flask_app = create_app(config)
    app: Casework = flask_app.extensions["casework"]
    recorded: list[tuple[int, UUID]] = []
    lock = threading.Lock()

    def work(lane: int) -> None:
        chance = random.Random(seed + lane)
        for number in range(lane, journeys, PROCESSES * THREADS):
            clinic = number % len(staff)
            journey_id = one_journey(app, staff[clinic], seed + number, chance)
            with lock:
                recorded.append((clinic, journey_id))

    lanes = [worker * THREADS + thread for thread in range(THREADS)]
    pool = [threading.Thread(target=work, args=(lane,)) for lane in lanes]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    flask_app.extensions["read_models"].engine.dispose()
    app.close()
    return recorded


def one_journey(app: Casework, staff: Staff, number: int, chance: random.Random) -> UUID:
    """Record one journey, taken as far as a weighted draw says."""
    actors, now = staff.actors, datetime.now(UTC)
    lead, facilitator = actors[Role.CLINICAL_LEAD], actors[Role.FACILITATOR]
    therapist, intake = actors[Role.INTEGRATION_THERAPIST], actors[Role.INTAKE_COORDINATOR]
    started = now - timedelta(days=chance.randint(60, 700))
    journey_id = app.record_intake(
        intake,
        RecordIntake(
            client_pseudonym=f"BENCH-{number}",
            referral_source="GP",
            primary_need="Trauma",
            existing_support="Partner",
            occurred_at=started,
        ),
    ).id
    stage = chance.choices(["intake", "ready", "integration", "closed"], [1, 2, 5, 2])[0]
    if stage == "intake":
        return journey_id
    for actor, role in (
        (facilitator, CareRole.FACILITATOR),
        (staff.second_facilitator, CareRole.FACILITATOR),
        (therapist, CareRole.INTEGRATION_THERAPIST),
    ):
        app.assign_care_team_member(
            lead,
            AssignCareTeamMember(
                journey_id=journey_id, practitioner_id=actor.practitioner_id, role=role
            ),
        )
    # Clinical times cannot contradict the record: what a session relies on is dated before it,
    # and a screening holds at most a year (a journey left ready is screened within that year).
    screened = started + timedelta(days=2)
    if stage == "ready":
        screened = max(screened, now - timedelta(days=300))
    app.record_screening_decision(
        lead,
        RecordScreeningDecision(
            journey_id=journey_id,
            outcome=ScreeningOutcome.ELIGIBLE,
            criteria=ELIGIBLE,
            valid_until=screened.date() + timedelta(days=364),
            occurred_at=screened,
        ),
    )
    prepared = screened + timedelta(hours=1)
    app.give_consent(
        intake, GiveConsent(journey_id=journey_id, kind=ConsentKind.TREATMENT, occurred_at=prepared)
    )
    app.record_preparation_session(
        facilitator,
        RecordPreparationSession(
            journey_id=journey_id,
            duration_minutes=90,
            topics=["intentions"],
            notes="Went well",
            occurred_at=prepared,
        ),
    )
    app.record_safety_plan(
        facilitator,
        RecordSafetyPlan(
            journey_id=journey_id,
            emergency_contact="Partner",
            transport_plan="Partner drives",
            occurred_at=prepared,
        ),
    )
    if stage == "ready":
        return journey_id
    held = started + timedelta(days=20)
    session = app.schedule_session(
        facilitator,
        ScheduleSession(
            journey_id=journey_id,
            planned_start=held,
            planned_end=held + timedelta(hours=8),
            occurred_at=prepared,
        ),
    )
    assert session.created_id is not None
    app.record_session_outcome(
        facilitator,
        RecordSessionOutcome(
            journey_id=journey_id,
            session_id=session.created_id,
            started_at=held,
            ended_at=held + timedelta(hours=8),
            facilitator_ids=[facilitator.practitioner_id],
            doses=[{"kind": "initial", "amount_mg": Decimal("120"), "given_at": held}],
            notes="Calm session",
        ),
    )
    journey: Journey = app.repository.get(journey_id)
    follow_ups = journey.follow_ups
    for follow_up_id in list(follow_ups)[: chance.randint(0, 4)]:
        contact = app.record_contact(
            therapist,
            RecordContact(
                journey_id=journey_id,
                kind=ContactKind.INTEGRATION_SESSION,
                follow_up_id=follow_up_id,
                duration_minutes=50,
                notes="Integrating",
            ),
        )
        if chance.random() < 0.1:
            app.record_correction(
                therapist,
                RecordCorrection(
                    journey_id=journey_id,
                    field="notes",
                    new_value="Integrating well",
                    reason="Fuller note",
                    corrects_version=contact.version,
                ),
            )
    if chance.random() < 0.15:
        app.pause_journey(
            lead,
            PauseJourney(
                journey_id=journey_id,
                reason="Rest",
                review_date=date.today() + timedelta(days=14),
                conditions_to_resume=["Rest"],
            ),
        )
        if chance.random() < 0.5:
            app.resume_journey(lead, ResumeJourney(journey_id=journey_id, rationale="Rested"))
    if stage == "closed":
        if chance.random() < 0.3 and app.repository.get(journey_id).status.value == "active":
            app.stop_journey(lead, StopJourney(journey_id=journey_id, rationale="Medical advice"))
        app.close_journey(lead, CloseJourney(journey_id=journey_id, reason="Completed"))
    return journey_id
