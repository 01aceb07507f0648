"""The follow-ups owed: one row each, its state judged at read time in the clinic's time zone."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Connection, insert, update

from casework.journey import Journey
from projections.base import OTHER_RECORDS, Projection, handles
from projections.tables import follow_ups


class FollowUpsProjection(Projection):
    """Follow-ups planned by held sessions, completed by contacts, counted by outreach."""

    name: ClassVar[str] = "follow_ups"
    tables = (follow_ups,)
    ignores = OTHER_RECORDS
    reads_journey_events_declaring = "changes_follow_ups"

    @handles(Journey.SessionOutcomeRecorded)
    def session_outcome_recorded(self, connection: Connection, event: Any, position: int) -> None:
        rows = [
            {
                **planned,
                "clinic_id": event.clinic_id,
                "journey_id": event.originator_id,
                "session_id": event.session_id,
                "outreach_attempts": 0,
                "cancelled": False,
                "done_on": None,
                "contact_id": None,
            }
            for planned in event.follow_ups
        ]
        if rows:
            connection.execute(insert(follow_ups), rows)

    @handles(Journey.ContactRecorded)
    def contact_recorded(self, connection: Connection, event: Any, position: int) -> None:
        if event.follow_up_id is not None:
            connection.execute(
                update(follow_ups)
                .where(follow_ups.c.follow_up_id == event.follow_up_id)
                .values(done_on=event.contact_day, contact_id=event.contact_id)
            )

    @handles(Journey.OutreachRecorded)
    def outreach_recorded(self, connection: Connection, event: Any, position: int) -> None:
        connection.execute(
            update(follow_ups)
            .where(follow_ups.c.follow_up_id == event.follow_up_id)
            .values(outreach_attempts=follow_ups.c.outreach_attempts + 1)
        )

    @handles(Journey.JourneyClosed)
    def journey_closed(self, connection: Connection, event: Any, position: int) -> None:
        connection.execute(
            update(follow_ups)
            .where(follow_ups.c.journey_id == event.originator_id, follow_ups.c.done_on.is_(None))
            .values(cancelled=True)
        )

    @handles(Journey.FollowUpsReassigned)
    def follow_ups_reassigned(self, connection: Connection, event: Any, position: int) -> None:
        connection.execute(
            update(follow_ups)
            .where(follow_ups.c.follow_up_id.in_(event.follow_up_ids))
            .values(owner_id=event.to_id)
        )
