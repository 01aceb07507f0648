"""One scenario that makes every event class Casework has, for persistence tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from casework.application import Casework
from casework.commands import (
    ChangeClinicSettings,
    DeactivatePractitioner,
    EraseClient,
    GrantRole,
    IssueCalendarFeed,
    IssueToken,
    RecordClientDetails,
    RecordCredentials,
    RegisterPractitioner,
    RenamePractitioner,
    RevokeCalendarFeed,
    RevokeRole,
    RevokeToken,
)
from casework.journey.commands import (
    AssignCareTeamMember,
    CancelSession,
    CloseJourney,
    GiveConsent,
    PauseJourney,
    ReassignFollowUp,
    RecordAddendum,
    RecordContact,
    RecordCorrection,
    RecordOutreach,
    RecordWithdrawal,
    RescheduleSession,
    ResumeJourney,
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
)
from casework.roles import Role
from tests.support.journeys import hold_session, ready_journey, schedule
from tests.support.staff import Staff, register_staff


def every_event_scenario(app: Casework) -> tuple[Staff, list[UUID]]:
    """Run commands that record every event class; return the staff and the aggregate ids."""
    staff = register_staff(app, time_zone="Pacific/Auckland")
    lead, therapist = staff[Role.CLINICAL_LEAD], staff[Role.INTEGRATION_THERAPIST]
    auditor = staff.id(Role.AUDITOR)
    app.grant_role(
        staff[Role.ADMIN],
        GrantRole(
            practitioner_id=auditor, role=Role.INTAKE_COORDINATOR, reason="Covers intake in May"
        ),
    )
    app.revoke_role(
        staff[Role.ADMIN],
        RevokeRole(practitioner_id=auditor, role=Role.INTAKE_COORDINATOR, reason="Cover ended"),
    )
    auditor_id = staff.id(Role.AUDITOR)
    app.change_clinic_settings(
        staff[Role.ADMIN],
        ChangeClinicSettings(
            clinic_id=staff.clinic_id, reason="Two facilitators", min_facilitators=2
        ),
    )
    app.change_clinic_settings(
        staff[Role.ADMIN],
        ChangeClinicSettings(clinic_id=staff.clinic_id, reason="Back to one", min_facilitators=1),
    )
    issued = app.issue_token(
        staff[Role.ADMIN], IssueToken(practitioner_id=auditor_id, label="audit laptop")
    )
    app.revoke_token(
        staff[Role.AUDITOR],
        RevokeToken(practitioner_id=auditor_id, token_id=issued.written.id, reason="Finished"),
    )
    app.rename_practitioner(
        staff[Role.ADMIN], RenamePractitioner(practitioner_id=auditor_id, display_name="Auditor")
    )
    app.record_credentials(
        staff[Role.ADMIN],
        RecordCredentials(
            practitioner_id=auditor_id,
            credentials=[{"kind": "registration", "number": "A-1", "valid_until": None}],
            modalities=["audit"],
        ),
    )

    journey_id = ready_journey(app, staff, "CW-EVERY")
    app.assign_care_team_member(
        lead,
        AssignCareTeamMember(
            journey_id=journey_id,
            practitioner_id=staff.id(Role.CLINICAL_LEAD),
            role=CareRole.CLINICAL_LEAD,
        ),
    )
    app.unassign_care_team_member(
        lead,
        UnassignCareTeamMember(
            journey_id=journey_id, practitioner_id=staff.id(Role.CLINICAL_LEAD), reason="Rotation"
        ),
    )
    app.give_consent(
        staff[Role.INTAKE_COORDINATOR],
        GiveConsent(journey_id=journey_id, kind=ConsentKind.RECORDING),
    )
    app.withdraw_consent(
        staff[Role.INTAKE_COORDINATOR],
        WithdrawConsent(journey_id=journey_id, kind=ConsentKind.RECORDING),
    )
    started = (datetime.now(UTC) - timedelta(days=5)).replace(microsecond=0)
    first = schedule(app, staff, journey_id, started + timedelta(days=40))
    app.reschedule_session(
        staff[Role.FACILITATOR],
        RescheduleSession(
            journey_id=journey_id,
            session_id=first,
            planned_start=started + timedelta(days=41),
            planned_end=started + timedelta(days=41, hours=8),
            reason="Room unavailable",
        ),
    )
    app.cancel_session(
        staff[Role.FACILITATOR],
        CancelSession(journey_id=journey_id, session_id=first, reason="Client unwell"),
    )
    hold_session(app, staff, journey_id, started)
    follow_ups = app.get_journey(therapist, journey_id)["follow_ups"]
    app.record_contact(
        therapist,
        RecordContact(
            journey_id=journey_id,
            kind=ContactKind.INTEGRATION_SESSION,
            follow_up_id=follow_ups[0]["follow_up_id"],
            duration_minutes=50,
            notes="Slept well",
        ),
    )
    app.record_outreach(
        therapist,
        RecordOutreach(
            journey_id=journey_id,
            follow_up_id=follow_ups[1]["follow_up_id"],
            channel=OutreachChannel.PHONE,
            outcome=OutreachOutcome.NO_ANSWER,
        ),
    )
    covering = app.register_practitioner(
        staff[Role.ADMIN],
        RegisterPractitioner(display_name="Cover", roles=[Role.INTEGRATION_THERAPIST]),
    ).id
    app.reassign_follow_up(
        lead,
        ReassignFollowUp(
            journey_id=journey_id,
            follow_up_id=follow_ups[1]["follow_up_id"],
            practitioner_id=covering,
            reason="On leave",
        ),
    )
    review = datetime.now(UTC).date() + timedelta(days=7)
    app.pause_journey(
        lead,
        PauseJourney(
            journey_id=journey_id,
            reason="Grief",
            review_date=review,
            conditions_to_resume=["Support in place"],
        ),
    )
    app.resume_journey(lead, ResumeJourney(journey_id=journey_id, rationale="Support in place"))
    app.stop_journey(lead, StopJourney(journey_id=journey_id, rationale="New cardiac finding"))
    closed = app.close_journey(
        lead, CloseJourney(journey_id=journey_id, reason="Follow-up complete")
    )
    app.record_correction(
        lead,
        RecordCorrection(
            journey_id=journey_id,
            field="reason",
            new_value="Follow-up completed",
            reason="Tense",
            corrects_version=closed.version,
        ),
    )
    app.record_addendum(
        therapist,
        RecordAddendum(journey_id=journey_id, entry_version=closed.version, text="Letter sent"),
    )

    withdrawn_id = ready_journey(app, staff, "CW-WITHDRAWN")
    app.record_withdrawal(
        staff[Role.INTAKE_COORDINATOR],
        RecordWithdrawal(journey_id=withdrawn_id, reason="Moving abroad"),
    )
    withdrawn_client = app.get_journey(lead, withdrawn_id)["client_id"]
    app.record_client_details(
        lead,
        RecordClientDetails(
            client_id=withdrawn_client,
            name="Test Person",
            date_of_birth=date(1980, 1, 1),
        ),
    )
    app.erase_client(
        staff[Role.ADMIN],
        EraseClient(
            client_id=withdrawn_client,
            reason="Asked to be forgotten",
            retention_override="Consent withdrawn in full",
        ),
    )
    own = therapist.practitioner_id
    feed = app.issue_calendar_feed(therapist, IssueCalendarFeed(practitioner_id=own))
    app.revoke_calendar_feed(
        therapist,
        RevokeCalendarFeed(practitioner_id=own, feed_id=feed.written.id, reason="New phone"),
    )
    app.deactivate_practitioner(
        staff[Role.ADMIN],
        DeactivatePractitioner(practitioner_id=auditor_id, reason="Contract ended"),
    )
    aggregate_ids = [staff.clinic_id, issued.written.id, journey_id, withdrawn_id]
    aggregate_ids += [actor.practitioner_id for actor in staff.actors.values()]
    aggregate_ids.append(feed.written.id)
    return staff, aggregate_ids
