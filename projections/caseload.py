"""The caseload: one row per journey (status, counts, last activity), its care team, its clinic.

A care-team place is marked `lacks_role` when its practitioner's role is revoked, until replaced.
"""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import Connection, delete, insert, select, update

from casework.access_log import AccessQuery, AccessRecord
from casework.access_token import AccessToken
from casework.calendar_feed import CalendarFeed
from casework.client import Client
from casework.clinic import Clinic
from casework.idempotent_request import IdempotentRequest
from casework.journey import Journey
from casework.practitioner import Practitioner
from casework.sign_in import Invitation, SignInAccount
from projections.base import Projection, handles, upsertable_insert
from projections.tables import care_team, journeys

Row = dict[str, Any]


class CaseloadProjection(Projection):
    """What a caseload list needs of each journey, without replaying it.

    A batch keeps the rows of the journeys it touches in memory (read once, or made by the
    intake), lets each handler change its journey's row, and writes them all in one statement
    at the end (`flush`): one round trip per batch instead of one per event.
    """

    name: ClassVar[str] = "caseload"
    tables = (journeys, care_team)
    reads_all = (Journey.Event, Practitioner.RoleGranted, Practitioner.RoleRevoked)
    ignores = (
        SignInAccount.Event,
        Invitation.Event,
        CalendarFeed.Event,
        AccessRecord.Event,
        AccessQuery.Event,
        AccessToken.Event,
        Client.Event,
        Clinic.Event,  # a clinic's time zone is read from its events (casework.base)
        IdempotentRequest.Event,
        Practitioner.Registered,
        Practitioner.Renamed,
        Practitioner.CredentialsRecorded,
        Practitioner.Deactivated,
    )

    def process(self, connection: Connection, event: object, position: int) -> None:
        """Keep a journey's row: every event is activity; its handler, if any, changes the row."""
        if isinstance(event, Practitioner.RoleGranted | Practitioner.RoleRevoked):
            self._role_changed(connection, event)
        elif isinstance(event, Journey.IntakeRecorded):
            self._rows(connection)[event.originator_id] = self._opened(event)
        elif isinstance(event, Journey.Event):
            row = self._row(connection, event.originator_id)
            if row is None:
                return  # a journey whose intake this table never saw: nothing to keep current
            handler = self.handlers.get(type(event))
            if handler is not None:
                handler(self, connection, event, row)
            row["last_activity_at"] = max(row["last_activity_at"], event.occurred_at)

    def flush(self, connection: Connection) -> None:
        """Write the batch's journey rows in one upsert."""
        rows = list(connection.info.pop(self.name, {}).values())
        if not rows:
            return
        upsert = upsertable_insert(connection, journeys)
        kept = {name: upsert.excluded[name] for name in rows[0] if name != "journey_id"}
        connection.execute(
            upsert.on_conflict_do_update(index_elements=["journey_id"], set_=kept), rows
        )

    @staticmethod
    def _rows(connection: Connection) -> dict[UUID, Row]:
        rows: dict[UUID, Row] = connection.info.setdefault(CaseloadProjection.name, {})
        return rows  # see Projection.flush

    def _row(self, connection: Connection, journey_id: UUID) -> Row | None:
        rows = self._rows(connection)
        if journey_id not in rows:
            query = select(journeys).where(journeys.c.journey_id == journey_id)
            found = connection.execute(query).mappings().first()
            if found is None:
                return None
            rows[journey_id] = dict(found)
        return rows[journey_id]

    @staticmethod
    def _opened(event: Any) -> Row:
        return {
            "journey_id": event.originator_id,
            "clinic_id": event.clinic_id,
            "client_id": event.client_id,
            "client_pseudonym": event.client_pseudonym,
            "status": "active",
            "opened_at": event.occurred_at,
            "last_activity_at": event.occurred_at,
            "screening_outcome": None,
            "screening_version": None,
            "screening_valid_until": None,
            "screening_occurred_at": None,
            "preparation_count": 0,
            "treatment_consent": False,
            "safety_plan": False,
            "sessions_scheduled": 0,
            "sessions_held": 0,
            "contacts_count": 0,
        }

    @handles(Journey.CareTeamMemberAssigned)
    def care_team_member_assigned(self, connection: Connection, event: Any, row: Row) -> None:
        connection.execute(
            insert(care_team).values(
                journey_id=event.originator_id,
                practitioner_id=event.practitioner_id,
                role=event.role,
                lacks_role=False,  # the journey checked they hold the role
            )
        )

    @staticmethod
    def _role_changed(connection: Connection, event: Any) -> None:
        """Mark (or clear) `lacks_role` on every care-team place the practitioner holds in it."""
        connection.execute(
            update(care_team)
            .where(
                care_team.c.practitioner_id == event.originator_id,
                care_team.c.role == event.role,
            )
            .values(lacks_role=isinstance(event, Practitioner.RoleRevoked))
        )

    @handles(Journey.CareTeamMemberUnassigned)
    def care_team_member_unassigned(self, connection: Connection, event: Any, row: Row) -> None:
        connection.execute(
            delete(care_team).where(
                care_team.c.journey_id == event.originator_id,
                care_team.c.practitioner_id == event.practitioner_id,
            )
        )

    @handles(Journey.ScreeningDecisionRecorded)
    def screening_decision_recorded(self, connection: Connection, event: Any, row: Row) -> None:
        in_force = row["screening_occurred_at"]
        if in_force is not None and event.occurred_at < in_force:
            return  # a late-entered older decision: the latest by clinical time stays in force
        row["screening_occurred_at"] = event.occurred_at
        row["screening_outcome"] = event.outcome
        row["screening_valid_until"] = event.valid_until
        row["screening_version"] = event.originator_version

    @handles(Journey.CorrectionRecorded)
    def correction_recorded(self, connection: Connection, event: Any, row: Row) -> None:
        if (
            event.entry_type == Journey.ScreeningDecisionRecorded.__name__
            and event.field == "valid_until"
            and event.corrected_version == row["screening_version"]
        ):
            row["screening_valid_until"] = event.new_value  # a date: the store keeps its type

    @handles(Journey.ConsentGiven)
    def consent_given(self, connection: Connection, event: Any, row: Row) -> None:
        if event.kind == "treatment":
            row["treatment_consent"] = True

    @handles(Journey.ConsentWithdrawn)
    def consent_withdrawn(self, connection: Connection, event: Any, row: Row) -> None:
        if event.kind == "treatment":
            row["treatment_consent"] = False

    @handles(Journey.PreparationSessionRecorded)
    def preparation_session_recorded(self, connection: Connection, event: Any, row: Row) -> None:
        row["preparation_count"] += 1

    @handles(Journey.SafetyPlanRecorded)
    def safety_plan_recorded(self, connection: Connection, event: Any, row: Row) -> None:
        row["safety_plan"] = True

    @handles(Journey.SessionScheduled)
    def session_scheduled(self, connection: Connection, event: Any, row: Row) -> None:
        row["sessions_scheduled"] += 1

    @handles(Journey.SessionCancelled)
    def session_cancelled(self, connection: Connection, event: Any, row: Row) -> None:
        row["sessions_scheduled"] -= 1

    @handles(Journey.SessionOutcomeRecorded)
    def session_outcome_recorded(self, connection: Connection, event: Any, row: Row) -> None:
        row["sessions_scheduled"] -= 1
        row["sessions_held"] += 1

    @handles(Journey.ContactRecorded)
    def contact_recorded(self, connection: Connection, event: Any, row: Row) -> None:
        row["contacts_count"] += 1

    @handles(Journey.JourneyPaused)
    def journey_paused(self, connection: Connection, event: Any, row: Row) -> None:
        row["status"] = "paused"

    @handles(Journey.JourneyResumed)
    def journey_resumed(self, connection: Connection, event: Any, row: Row) -> None:
        row["status"] = "active"

    @handles(Journey.JourneyStopped)
    def journey_stopped(self, connection: Connection, event: Any, row: Row) -> None:
        row.update(status="stopped", sessions_scheduled=0)

    @handles(Journey.ClientWithdrew)
    def client_withdrew(self, connection: Connection, event: Any, row: Row) -> None:
        row.update(status="withdrawn", sessions_scheduled=0)

    @handles(Journey.JourneyClosed)
    def journey_closed(self, connection: Connection, event: Any, row: Row) -> None:
        row.update(status="closed", sessions_scheduled=0)
