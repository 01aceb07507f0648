"""Reading a client's record, and the auditor's questions: integrity and the export."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from casework.access_log import Purpose
from casework.base import CaseworkBase
from casework.clock import aware, utc_now
from casework.errors import NotFound
from casework.export import exported_events
from casework.integrity import IntegrityReport, check_store, check_stream, seal_log
from casework.journey import Journey
from casework.journey.state import describe_journey
from casework.permissions import acting_role
from casework.roles import Actor


class RecordReads(CaseworkBase):
    """Reads of a journey (each logged), the integrity check, seals and the export."""

    # -- reads -----------------------------------------------------------------------------

    def get_journey(
        self,
        actor: Actor,
        journey_id: UUID,
        version: int | None = None,
        as_of: datetime | None = None,
        purpose: Purpose | None = None,
    ) -> dict[str, Any]:
        """Return a journey's state now, at a version, or as recorded at a moment (`as_of`).

        Follow-up states are judged on the clinic's date today, or on the date of `as_of`.
        """
        journey = self.record_access(actor, journey_id, "journey", purpose)
        moment = utc_now() if as_of is None else aware(as_of, "as_of")
        if as_of is not None:
            recorded = [
                event.originator_version
                for event in self.events.get(journey_id)
                if isinstance(event, Journey.Event) and event.timestamp <= moment
            ]
            if not recorded:
                raise NotFound("The journey had not been recorded yet at that moment.")
            version = recorded[-1]
        if version is not None:
            if not 1 <= version <= journey.version:
                raise NotFound(f"The journey has versions 1 to {journey.version}.")
            journey = self.repository.get(journey_id, version=version)
        state = describe_journey(journey, today=self._local_date(journey, moment))
        revealed: dict[str, Any] = self.vault.reveal_all(state)
        return revealed

    # -- integrity -------------------------------------------------------------------------

    def seal_log(self) -> int:
        """Seal every event written so far; return how many events the new seals cover."""
        return seal_log(self, self.seal_key)

    def check_integrity(
        self, actor: Actor | None, journey_id: UUID | None = None
    ) -> IntegrityReport:
        """Check the whole store, or one journey's stream, against its chain and seals.

        `actor` None is the operator (the command line); over HTTP an auditor or admin asks.
        """
        if actor is not None:
            acting_role(actor, "read_integrity")
        if journey_id is None:
            return check_store(self, self.seal_key)
        if actor is not None:
            self._journey(actor, journey_id)
        return check_stream(self, self.seal_key, journey_id)

    def export_journey(
        self, actor: Actor, journey_id: UUID, purpose: Purpose | None = None
    ) -> dict[str, Any]:
        """Return a journey's complete record: state, every event, corrections, integrity proof.

        The export is logged as a read of the record, like every other.
        """
        journey = self.record_access(actor, journey_id, "export", purpose)
        state = describe_journey(journey, today=self._local_date(journey, utc_now()))
        record = {
            "journey": state,
            "events": exported_events(self.events.get(journey_id)),
            "integrity": check_stream(self, self.seal_key, journey_id),
        }
        revealed: dict[str, Any] = self.vault.reveal_all(record)
        return revealed
