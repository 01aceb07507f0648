"""One scenario that makes every event class Casework has, for persistence tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from casework.application import Casework
from casework.journey.values import (
    CareRole,
    ConsentKind,
    ContactKind,
    OutreachChannel,
    OutreachOutcome,
)
from casework.roles import Role
from tests.support.journeys import hold_session, ready_journey, schedule
from tests.support.staff import Staff, register_staff


def every_event_scenario(app: Casework) -> tuple[Staff, list[UUID]]:
    """Run commands that record every event class; return the staff and the aggregate ids."""
    staff = register_staff(app, time_zone="Pacific/Auckland")
    lead, therapist = staff[Role.CLINICAL_LEAD], staff[Role.INTEGRATION_THERAPIST]
    auditor = staff.id(Role.AUDITOR)
    app.grant_role(staff[Role.ADMIN], auditor, Role.INTAKE_COORDINATOR, "Covers intake in May")
    app.revoke_role(staff[Role.ADMIN], auditor, Role.INTAKE_COORDINATOR, "Cover ended")
    _, token_id = app.issue_token(staff.id(Role.AUDITOR), "audit laptop")
    app.revoke_token(token_id, "Audit finished")

    journey_id = ready_journey(app, staff, "CW-EVERY")
    app.assign_care_team_member(
        lead, journey_id, staff.id(Role.CLINICAL_LEAD), CareRole.CLINICAL_LEAD
    )
    app.unassign_care_team_member(lead, journey_id, staff.id(Role.CLINICAL_LEAD), "Rotation")
    app.give_consent(staff[Role.INTAKE_COORDINATOR], journey_id, ConsentKind.RECORDING)
    app.withdraw_consent(staff[Role.INTAKE_COORDINATOR], journey_id, ConsentKind.RECORDING)
    started = (datetime.now(UTC) - timedelta(days=5)).replace(microsecond=0)
    first = schedule(app, staff, journey_id, started + timedelta(days=40))
    app.reschedule_session(
        staff[Role.FACILITATOR],
        journey_id,
        first,
        started + timedelta(days=41),
        started + timedelta(days=41, hours=8),
        "Room unavailable",
    )
    app.cancel_session(staff[Role.FACILITATOR], journey_id, first, "Client unwell")
    hold_session(app, staff, journey_id, started)
    follow_ups = app.get_journey(therapist, journey_id)["follow_ups"]
    app.record_contact(
        therapist,
        journey_id,
        ContactKind.INTEGRATION_SESSION,
        follow_up_id=follow_ups[0]["follow_up_id"],
        duration_minutes=50,
        notes="Slept well",
    )
    app.record_outreach(
        therapist,
        journey_id,
        follow_ups[1]["follow_up_id"],
        OutreachChannel.PHONE,
        OutreachOutcome.NO_ANSWER,
    )
    review = datetime.now(UTC).date() + timedelta(days=7)
    app.pause_journey(lead, journey_id, "Grief", review, ["Support in place"])
    app.resume_journey(lead, journey_id, "Support in place")
    app.stop_journey(lead, journey_id, "New cardiac finding")
    closed = app.close_journey(lead, journey_id, "Follow-up complete")
    app.record_correction(
        lead, journey_id, "reason", "Follow-up completed", "Tense", corrects_version=closed.version
    )
    app.record_addendum(therapist, journey_id, closed.version, "Letter sent")

    withdrawn_id = ready_journey(app, staff, "CW-WITHDRAWN")
    app.record_withdrawal(staff[Role.INTAKE_COORDINATOR], withdrawn_id, "Moving abroad")
    withdrawn_client = app.get_journey(lead, withdrawn_id)["client_id"]
    app.record_client_details(
        lead, withdrawn_client, {"name": "Test Person", "date_of_birth": "1980-01-01"}
    )
    app.erase_client(
        staff[Role.ADMIN], withdrawn_client, "Asked to be forgotten", "Consent withdrawn in full"
    )
    aggregate_ids = [staff.clinic_id, token_id, journey_id, withdrawn_id]
    aggregate_ids += [actor.practitioner_id for actor in staff.actors.values()]
    return staff, aggregate_ids
