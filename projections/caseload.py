"""The caseload: one row per journey (status, counts, last activity), its care team, its clinic."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Connection, case, delete, insert, update

from casework.clinic import Clinic
from casework.journey import Journey
from projections.base import Projection, handler_name
from projections.tables import care_team, clinics, journeys

Changes = dict[str, Any]


class CaseloadProjection(Projection):
    """What a caseload list needs of each journey, without replaying it.

    Each handler returns the changes an event makes to its journey's row; `process` adds the
    last activity and writes them in one statement.
    """

    name: ClassVar[str] = "caseload"
    tables = (journeys, care_team, clinics)

    def process(self, connection: Connection, event: object, position: int) -> None:
        if isinstance(event, Clinic.Registered):
            connection.execute(
                insert(clinics).values(
                    clinic_id=event.originator_id, name=event.name, time_zone=event.time_zone
                )
            )
        elif isinstance(event, Journey.IntakeRecorded):
            self.intake_recorded(connection, event)
        elif isinstance(event, Journey.Event):
            handler = getattr(self, handler_name(event), None)
            changes: Changes = handler(connection, event) if handler else {}
            latest = case(
                (journeys.c.last_activity_at < event.occurred_at, event.occurred_at),
                else_=journeys.c.last_activity_at,
            )
            connection.execute(
                update(journeys)
                .where(journeys.c.journey_id == event.originator_id)
                .values(last_activity_at=latest, **changes)
            )

    def intake_recorded(self, connection: Connection, event: Any) -> None:
        connection.execute(
            insert(journeys).values(
                journey_id=event.originator_id,
                clinic_id=event.clinic_id,
                client_id=event.client_id,
                client_pseudonym=event.client_pseudonym,
                status="active",
                opened_at=event.occurred_at,
                last_activity_at=event.occurred_at,
                screening_outcome=None,
                screening_version=None,
                screening_valid_until=None,
                preparation_count=0,
                treatment_consent=False,
                safety_plan=False,
                sessions_scheduled=0,
                sessions_held=0,
                contacts_count=0,
            )
        )

    def care_team_member_assigned(self, connection: Connection, event: Any) -> Changes:
        connection.execute(
            insert(care_team).values(
                journey_id=event.originator_id,
                practitioner_id=event.practitioner_id,
                role=event.role,
            )
        )
        return {}

    def care_team_member_unassigned(self, connection: Connection, event: Any) -> Changes:
        connection.execute(
            delete(care_team).where(
                care_team.c.journey_id == event.originator_id,
                care_team.c.practitioner_id == event.practitioner_id,
            )
        )
        return {}

    def screening_decision_recorded(self, connection: Connection, event: Any) -> Changes:
        return {
            "screening_outcome": event.outcome,
            "screening_valid_until": event.valid_until,
            "screening_version": event.originator_version,
        }

    def correction_recorded(self, connection: Connection, event: Any) -> Changes:
        if event.entry_type == "ScreeningDecisionRecorded" and event.field == "valid_until":
            latest = journeys.c.screening_version == event.corrected_version
            return {
                "screening_valid_until": case(
                    (latest, event.new_value), else_=journeys.c.screening_valid_until
                )
            }
        return {}

    def consent_given(self, connection: Connection, event: Any) -> Changes:
        return {"treatment_consent": True} if event.kind == "treatment" else {}

    def consent_withdrawn(self, connection: Connection, event: Any) -> Changes:
        return {"treatment_consent": False} if event.kind == "treatment" else {}

    def preparation_session_recorded(self, connection: Connection, event: Any) -> Changes:
        return {"preparation_count": journeys.c.preparation_count + 1}

    def safety_plan_recorded(self, connection: Connection, event: Any) -> Changes:
        return {"safety_plan": True}

    def session_scheduled(self, connection: Connection, event: Any) -> Changes:
        return {"sessions_scheduled": journeys.c.sessions_scheduled + 1}

    def session_cancelled(self, connection: Connection, event: Any) -> Changes:
        return {"sessions_scheduled": journeys.c.sessions_scheduled - 1}

    def session_outcome_recorded(self, connection: Connection, event: Any) -> Changes:
        return {
            "sessions_scheduled": journeys.c.sessions_scheduled - 1,
            "sessions_held": journeys.c.sessions_held + 1,
        }

    def contact_recorded(self, connection: Connection, event: Any) -> Changes:
        return {"contacts_count": journeys.c.contacts_count + 1}

    def journey_paused(self, connection: Connection, event: Any) -> Changes:
        return {"status": "paused"}

    def journey_resumed(self, connection: Connection, event: Any) -> Changes:
        return {"status": "active"}

    def journey_stopped(self, connection: Connection, event: Any) -> Changes:
        return {"status": "stopped", "sessions_scheduled": 0}

    def client_withdrew(self, connection: Connection, event: Any) -> Changes:
        return {"status": "withdrawn", "sessions_scheduled": 0}

    def journey_closed(self, connection: Connection, event: Any) -> Changes:
        return {"status": "closed", "sessions_scheduled": 0}
