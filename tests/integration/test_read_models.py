"""The read models equal a straightforward fold over the events, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from casework.application import Casework
from casework.errors import CaseworkError
from casework.journey.commands import RecordScreeningDecision
from casework.journey.values import ScreeningOutcome
from casework.roles import Role
from projections import PROJECTIONS
from projections.runner import catch_up
from tests.support.journey_steps import LIKELY_PATH, STEPS
from tests.support.journeys import ELIGIBLE_CRITERIA, open_journey, ready_journey
from tests.support.read_models import folded_view, project_all, read_model_view
from tests.support.staff import register_staff

journey_plans = st.lists(
    st.one_of(
        st.just(LIKELY_PATH) | st.lists(st.sampled_from(LIKELY_PATH), max_size=10),
    ).flatmap(lambda path: st.lists(st.sampled_from(sorted(STEPS)), max_size=8).map(path.__add__)),
    min_size=1,
    max_size=4,
)


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
