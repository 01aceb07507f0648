"""Reading a client's record, and the auditor's questions: integrity and the export."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from casework.access_log import Purpose
from casework.checkpoints import LOG_SCOPE, Checkpoint
from casework.clock import aware, utc_now
from casework.errors import NotFound
from casework.export import exported_events
from casework.integrity import check_history, check_stream
from casework.integrity_report import IntegrityReport
from casework.journey import Journey
from casework.journey.state import describe_journey
from casework.permissions import Read, acting_role
from casework.personal import reveal_exported
from casework.role_checks import RoleChecks
from casework.roles import Actor
from casework.sealing import newest_checkpoint, seal_log


class RecordReads(RoleChecks):
    """Reads of a journey (each logged), the integrity check, checkpoints and the export."""

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
        if version is not None and not 1 <= version <= journey.version:
            raise NotFound(f"The journey has versions 1 to {journey.version}.")
        revealed = self._revealed(journey, version)  # the declared personal text, in clear
        # Roles as they stood then: at `as_of`, or when version `version` was recorded.
        roles_at: datetime | None = None
        if as_of is not None:
            roles_at = moment
        elif version is not None:
            roles_at = revealed.modified_on
        return describe_journey(
            revealed,
            today=self._local_date(journey, moment),
            lacking_role=self._places_lacking_role(revealed, roles_at),
        )

    # -- integrity -------------------------------------------------------------------------

    def seal_log(self) -> int:
        """Checkpoint every event written so far; return how many events the new ones cover.

        Raises RuntimeError without the signing key: only the sealer holds it.
        """
        if self.signer is None:
            raise RuntimeError("CASEWORK_SIGNING_KEY is not set: only the sealer can checkpoint.")
        return seal_log(self, self.signer, self.sink)

    def check_integrity(
        self,
        actor: Actor | None,
        journey_id: UUID | None = None,
        kept: Checkpoint | None = None,
        clinic_id: UUID | None = None,
    ) -> IntegrityReport:
        """Check a history, or one journey's stream, against its chain and checkpoints.

        Over HTTP an auditor, admin or clinical lead asks, of their clinic's history alone;
        `actor` None is the operator (the command line): the whole log, or `clinic_id`'s.
        `kept` is a checkpoint the asker kept: the store must still hold all it covered.
        """
        scope = self._integrity_scope(actor, clinic_id)
        if journey_id is None:
            return check_history(self, self.verifier, self.sink, scope, kept)
        if actor is not None:
            self._journey(actor, journey_id)
        return check_stream(self, self.verifier, self.sink, journey_id)

    def latest_checkpoint(self, actor: Actor | None) -> Checkpoint | None:
        """Return the newest checkpoint of the asker's clinic (the operator's: the whole log)."""
        return newest_checkpoint(self, self.sink, self._integrity_scope(actor, None))

    @staticmethod
    def _integrity_scope(actor: Actor | None, clinic_id: UUID | None) -> str:
        if actor is not None:
            acting_role(actor, Read.INTEGRITY)
            return str(actor.clinic_id)
        return LOG_SCOPE if clinic_id is None else str(clinic_id)

    def export_journey(
        self, actor: Actor, journey_id: UUID, purpose: Purpose | None = None
    ) -> dict[str, Any]:
        """Return a journey's complete record: state, every event, corrections, integrity proof.

        The export is logged as a read of the record, like every other.
        """
        journey = self.record_access(actor, journey_id, "export", purpose)
        lacking = self._places_lacking_role(journey)
        state = describe_journey(journey, self._local_date(journey, utc_now()), lacking)
        record = {
            "journey": state,
            "events": exported_events(self.mapper, self.recorder.select_events(journey_id)),
            "integrity": check_stream(self, self.verifier, self.sink, journey_id),
        }
        revealed: dict[str, Any] = {
            **record,
            "journey": describe_journey(
                self._revealed(journey), self._local_date(journey, utc_now()), lacking
            ),
            "events": reveal_exported(
                self.vault.reader(), journey.clinic_id, journey.client_id, record["events"]
            ),
        }
        return revealed
