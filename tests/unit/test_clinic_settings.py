"""A clinic's settings change over the years: recorded with a reason, applied from then on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from casework.application import Casework
from casework.commands import ChangeClinicSettings
from casework.errors import Forbidden, InvalidInput, NotFound
from casework.roles import Role
from tests.support.journeys import hold_session, ready_journey
from tests.support.staff import Staff, register_staff

NEXT_DAY_CALL = [
    {
        "kind": "phone_check_in",
        "label": "Next-day call",
        "due_day": 1,
        "window_start_day": 1,
        "window_end_day": 1,
        "owner_role": "integration_therapist",
    }
]


def change(app: Casework, staff: Staff, **settings: Any) -> None:
    command = ChangeClinicSettings(clinic_id=staff.clinic_id, reason="Protocol v2", **settings)
    app.change_clinic_settings(staff[Role.ADMIN], command)


def labels(app: Casework, staff: Staff, journey_id: UUID) -> list[str]:
    journey = app.get_journey(staff[Role.INTEGRATION_THERAPIST], journey_id)
    return [f["label"] for f in journey["follow_ups"]]


def test_a_new_schedule_applies_to_sessions_held_after_it_and_re_dates_nothing(
    app: Casework, staff: Staff
) -> None:
    now = datetime.now(UTC)
    before = ready_journey(app, staff, "CW-BEFORE")
    hold_session(app, staff, before, now - timedelta(days=3))
    owed_before = app.get_journey(staff[Role.INTEGRATION_THERAPIST], before)["follow_ups"]
    held_earlier = ready_journey(app, staff, "CW-EARLIER")
    # In effect since two days ago; recorded now.
    change(app, staff, follow_up_schedule=NEXT_DAY_CALL, occurred_at=now - timedelta(days=2))
    after = ready_journey(app, staff, "CW-AFTER")
    hold_session(app, staff, after, now - timedelta(days=1))
    # Recorded after the change, but held before it took effect: the schedule then in force.
    hold_session(app, staff, held_earlier, now - timedelta(days=2, hours=12))
    assert app.get_journey(staff[Role.INTEGRATION_THERAPIST], before)["follow_ups"] == owed_before
    assert labels(app, staff, after) == ["Session 1 · next-day call"]
    assert len(labels(app, staff, held_earlier)) == len(owed_before) == 5


def test_each_change_is_recorded_with_who_and_why_and_the_rest_stays(
    app: Casework, staff: Staff
) -> None:
    change(app, staff, time_zone="Europe/Lisbon", retention_years=15)
    clinic = app.read_clinic(staff[Role.AUDITOR], staff.clinic_id)
    assert (clinic.time_zone, clinic.retention_years, clinic.min_facilitators) == (
        "Europe/Lisbon",
        15,
        1,
    )
    (recorded,) = clinic.settings_changes
    assert recorded["reason"] == "Protocol v2"
    assert recorded["actor_id"] == staff.id(Role.ADMIN)
    with pytest.raises(InvalidInput):  # nothing changes
        change(app, staff, time_zone="Europe/Lisbon")
    with pytest.raises(InvalidInput) as refused:
        change(app, staff, time_zone="Mars/Olympus")
    assert "time_zone" in refused.value.errors
    with pytest.raises(Forbidden):
        app.change_clinic_settings(
            staff[Role.CLINICAL_LEAD],
            ChangeClinicSettings(clinic_id=staff.clinic_id, reason="x", min_facilitators=2),
        )
    other = register_staff(app)
    with pytest.raises(NotFound):
        app.read_clinic(other[Role.AUDITOR], staff.clinic_id)
    with pytest.raises(NotFound):
        app.change_clinic_settings(
            other[Role.ADMIN],
            ChangeClinicSettings(clinic_id=staff.clinic_id, reason="x", min_facilitators=2),
        )
