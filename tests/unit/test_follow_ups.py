from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from casework.application import Casework
from casework.errors import RuleViolation
from casework.journey.commands import (
    CloseJourney,
    PauseJourney,
    RecordContact,
    RecordOutreach,
    RecordWithdrawal,
)
from casework.journey.values import (
    ContactKind,
    FollowUp,
    FollowUpStatus,
    OutreachChannel,
    OutreachOutcome,
)
from casework.roles import Role
from tests.support.journeys import hold_session, ready_journey
from tests.support.staff import Staff

D0 = date(2026, 3, 1)


def follow_up(window_start: int, window_end: int) -> FollowUp:
    return FollowUp(
        uuid4(),
        uuid4(),
        "phone_check_in",
        "Call",
        D0 + timedelta(days=window_start),
        D0 + timedelta(days=window_start),
        D0 + timedelta(days=window_end),
        None,
        "integration_therapist",
    )


@pytest.mark.parametrize(
    ("today", "status"),
    [(5, "upcoming"), (6, "due"), (8, "due"), (9, "overdue")],
)
def test_a_follow_up_is_upcoming_then_due_in_its_window_then_overdue(
    today: int, status: str
) -> None:
    assert follow_up(6, 8).status_on(D0 + timedelta(days=today)).value == status


def test_a_follow_up_done_late_stays_late_and_keeps_its_dates() -> None:
    late = follow_up(6, 8)
    late.done_on = D0 + timedelta(days=10)
    assert late.status_on(D0 + timedelta(days=30)) is FollowUpStatus.DONE_LATE
    assert late.due_on == D0 + timedelta(days=6)
    on_time = follow_up(6, 8)
    on_time.done_on = D0 + timedelta(days=8)
    assert on_time.status_on(D0 + timedelta(days=30)) is FollowUpStatus.DONE_ON_TIME


def held_journey(
    app: Casework, staff: Staff, days_ago: int = 10
) -> tuple[UUID, list[dict[str, Any]]]:
    journey_id = ready_journey(app, staff)
    started = datetime.now(UTC) - timedelta(days=days_ago)
    hold_session(app, staff, journey_id, started.replace(hour=9, minute=0))
    follow_ups = app.get_journey(staff[Role.INTEGRATION_THERAPIST], journey_id)["follow_ups"]
    return journey_id, follow_ups


def test_a_late_contact_marks_the_follow_up_done_late(app: Casework, staff: Staff) -> None:
    journey_id, follow_ups = held_journey(app, staff)
    first = follow_ups[0]  # window D+1 … D+2, so ten days on it is overdue
    assert first["status"] == "overdue"
    app.record_contact(
        staff[Role.INTEGRATION_THERAPIST],
        RecordContact(
            journey_id=journey_id,
            kind=ContactKind.INTEGRATION_SESSION,
            follow_up_id=first["follow_up_id"],
            duration_minutes=60,
        ),
    )
    after = app.get_journey(staff[Role.INTEGRATION_THERAPIST], journey_id)["follow_ups"][0]
    assert after["status"] == "done_late"
    assert (after["due_on"], after["window_end"]) == (first["due_on"], first["window_end"])


def test_a_contact_cannot_complete_a_follow_up_twice(app: Casework, staff: Staff) -> None:
    journey_id, follow_ups = held_journey(app, staff)
    therapist = staff[Role.INTEGRATION_THERAPIST]
    follow_up_id = follow_ups[0]["follow_up_id"]
    app.record_contact(
        therapist,
        RecordContact(
            journey_id=journey_id, kind=ContactKind.PHONE_CHECK_IN, follow_up_id=follow_up_id
        ),
    )
    with pytest.raises(RuleViolation) as refused:
        app.record_contact(
            therapist,
            RecordContact(
                journey_id=journey_id, kind=ContactKind.PHONE_CHECK_IN, follow_up_id=follow_up_id
            ),
        )
    assert refused.value.reason == "follow_up_already_done"


def test_outreach_attempts_are_counted_on_the_follow_up(app: Casework, staff: Staff) -> None:
    journey_id, follow_ups = held_journey(app, staff)
    for outcome in (OutreachOutcome.NO_ANSWER, OutreachOutcome.LEFT_MESSAGE):
        app.record_outreach(
            staff[Role.INTEGRATION_THERAPIST],
            RecordOutreach(
                journey_id=journey_id,
                follow_up_id=follow_ups[1]["follow_up_id"],
                channel=OutreachChannel.PHONE,
                outcome=outcome,
            ),
        )
    after = app.get_journey(staff[Role.INTEGRATION_THERAPIST], journey_id)["follow_ups"][1]
    assert after["outreach_attempts"] == 2
    assert after["status"] == "overdue"


def test_follow_ups_stay_owed_while_paused_and_after_withdrawal(
    app: Casework, staff: Staff
) -> None:
    journey_id, _ = held_journey(app, staff, days_ago=1)
    lead, therapist = staff[Role.CLINICAL_LEAD], staff[Role.INTEGRATION_THERAPIST]
    app.pause_journey(
        lead,
        PauseJourney(
            journey_id=journey_id,
            reason="Crisis",
            review_date=date.today() + timedelta(days=7),
            conditions_to_resume=["Stable"],
        ),
    )
    app.record_contact(
        therapist, RecordContact(journey_id=journey_id, kind=ContactKind.SAFETY_CHECK)
    )
    app.record_withdrawal(
        therapist, RecordWithdrawal(journey_id=journey_id, reason="Does not want more sessions")
    )
    statuses = [f["status"] for f in app.get_journey(therapist, journey_id)["follow_ups"]]
    assert statuses == ["due", "due", "upcoming", "upcoming", "upcoming"]


def test_closing_cancels_open_follow_ups_but_keeps_done_ones(app: Casework, staff: Staff) -> None:
    journey_id, follow_ups = held_journey(app, staff, days_ago=1)
    therapist = staff[Role.INTEGRATION_THERAPIST]
    app.record_contact(
        therapist,
        RecordContact(
            journey_id=journey_id,
            kind=ContactKind.INTEGRATION_SESSION,
            follow_up_id=follow_ups[0]["follow_up_id"],
        ),
    )
    app.close_journey(
        staff[Role.CLINICAL_LEAD], CloseJourney(journey_id=journey_id, reason="Client moved abroad")
    )
    statuses = [f["status"] for f in app.get_journey(therapist, journey_id)["follow_ups"]]
    assert statuses == ["done_on_time", "cancelled", "cancelled", "cancelled", "cancelled"]
    with pytest.raises(RuleViolation) as refused:
        app.record_outreach(
            therapist,
            RecordOutreach(
                journey_id=journey_id,
                follow_up_id=follow_ups[1]["follow_up_id"],
                channel=OutreachChannel.SMS,
                outcome=OutreachOutcome.NO_ANSWER,
            ),
        )
    assert refused.value.reason == "journey_closed"
