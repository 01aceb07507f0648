"""Erasure waits for the clinic's retention period, counted from the client's last closure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from casework.application import Casework
from casework.commands import EraseClient
from casework.errors import RuleViolation
from casework.journey.commands import CloseJourney, RecordIntake
from casework.roles import Role
from casework.vault import ERASED
from tests.support.staff import Staff, register_staff


def closed_client(app: Casework, closures_days_ago: list[int]) -> tuple[Staff, UUID]:
    """A client of a clinic keeping records for one year, with a journey closed per entry."""
    staff = register_staff(app, retention_years=1)
    lead, intake = staff[Role.CLINICAL_LEAD], staff[Role.INTAKE_COORDINATOR]
    now = datetime.now(UTC)
    journey_id = None
    for days_ago in closures_days_ago:
        journey_id = app.record_intake(
            intake,
            RecordIntake(
                client_pseudonym="CW-OLD",
                referral_source="GP",
                primary_need="Panic",
                occurred_at=now - timedelta(days=days_ago + 30),
            ),
        ).id
        app.close_journey(
            lead,
            CloseJourney(
                journey_id=journey_id, reason="Done", occurred_at=now - timedelta(days=days_ago)
            ),
        )
    assert journey_id is not None
    return staff, journey_id


def test_once_the_retention_period_has_passed_no_override_is_needed(app: Casework) -> None:
    staff, journey_id = closed_client(app, [600, 400])
    client_id = app.get_journey(staff[Role.AUDITOR], journey_id)["client_id"]
    app.erase_client(
        staff[Role.ADMIN], EraseClient(client_id=client_id, reason="Retention period ended")
    )
    shown = app.get_client(staff[Role.AUDITOR], client_id)
    closed = datetime.now(UTC) - timedelta(days=400)
    expected_end = closed.astimezone(ZoneInfo(staff.time_zone)).date()  # the clinic's day
    assert shown["erasure"]["retention_ends_on"] == str(expected_end.replace(expected_end.year + 1))
    assert shown["erasure"]["retention_override"] is None
    assert app.get_journey(staff[Role.AUDITOR], journey_id)["primary_need"] == ERASED


def test_the_last_closure_counts_so_a_recent_journey_keeps_the_client(app: Casework) -> None:
    staff, journey_id = closed_client(app, [600, 100])
    client_id = app.get_journey(staff[Role.AUDITOR], journey_id)["client_id"]
    with pytest.raises(RuleViolation) as refused:
        app.erase_client(
            staff[Role.ADMIN], EraseClient(client_id=client_id, reason="Retention period ended")
        )
    assert refused.value.reason == "retention_period_running"
    assert app.get_journey(staff[Role.AUDITOR], journey_id)["primary_need"] == "Panic"
