"""Clients: identifying details, sealed under the client's key, and erasure by destroying it."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from casework.access_log import Purpose
from casework.base import CaseworkBase, Written
from casework.client import Client
from casework.clinic import Clinic
from casework.clock import local_date
from casework.commands import EraseClient, RecordClientDetails
from casework.errors import NotFound, RuleViolation
from casework.journey import Journey
from casework.permissions import Read, acting_role
from casework.personal import reveal_payload
from casework.refusals import Refusal
from casework.roles import Actor


class ClientService(CaseworkBase):
    """Record and read a client's details; erase them after the retention period."""

    # -- clients: identifying details and erasure ------------------------------------------

    def record_client_details(self, actor: Actor, command: RecordClientDetails) -> Written:
        """Record (or replace) a client's identifying details, each sealed under its key."""
        acting = self._acting(actor, command)
        client = self._client(actor, command.client_id)
        details = {
            "name": command.name,
            "date_of_birth": command.date_of_birth.isoformat(),
            "contact": command.contact,
            "support_contact": command.support_contact,
        }
        sealed = self._sealed(client.clinic_id, client.id, Client.DetailsRecorded, details=details)
        client.record_details(*acting, details=sealed["details"])
        return self._save(client)

    def get_client(
        self, actor: Actor, client_id: UUID, purpose: Purpose | None = None
    ) -> dict[str, Any]:
        """Return a client's pseudonym, journeys and details (logged as a read of each journey)."""
        acting_role(actor, Read.JOURNEY)
        client = self._client(actor, client_id)
        journeys = dict.fromkeys(client.journey_ids, client.id)
        self.record_accesses(actor, journeys, "client_details", purpose)
        described = {
            "id": client.id,
            "pseudonym": client.pseudonym,
            "journey_ids": list(client.journey_ids),
            "details": reveal_payload(
                self.vault.reader(),
                client.clinic_id,
                client.id,
                Client.DetailsRecorded,
                {"details": client.details},
            )["details"],
            "erased_at": client.erased_at,
            "erasure": dict(client.erasure) or None,
        }
        return described

    def erase_client(self, actor: Actor, command: EraseClient) -> Written:
        """Destroy the client's key: every sealed value of the client reads as erased from now.

        Refused while the clinic's retention period, counted from the client's last journey
        closure, runs (or while a journey is open), unless `retention_override` says why.
        """
        acting = self._acting(actor, command)
        client = self._client(actor, command.client_id)
        if client.erased_at is not None:
            self.vault.destroy(client.id)  # finish an erasure whose key outlived its event
            raise RuleViolation(Refusal.CLIENT_ALREADY_ERASED, "The client was erased already.")
        clinic = self._clinic(client.clinic_id)
        ends_on = self._retention_ends_on(client, clinic)
        today = local_date(acting.occurred_at, clinic.time_zone)
        ends_on_text = None if ends_on is None else ends_on.isoformat()
        if (ends_on is None or today < ends_on) and not (command.retention_override or "").strip():
            until = "until every journey is closed" if ends_on is None else f"until {ends_on}"
            raise RuleViolation(
                Refusal.RETENTION_PERIOD_RUNNING,
                f"The clinic must keep this record {until}; give retention_override to erase now.",
                {"retention_ends_on": ends_on_text},
            )
        client.erase(
            *acting,
            reason=command.reason,
            retention_ends_on=ends_on_text,
            retention_override=command.retention_override,
        )
        written = self._save(client)
        self.vault.destroy(client.id)
        return written

    def _retention_ends_on(self, client: Client, clinic: Clinic) -> date | None:
        """Return the day the retention period ends: None while a journey is still open."""
        closed_on: list[date] = []
        for journey_id in client.journey_ids:
            journey = self._get(Journey, journey_id)
            closures = [each.decided for each in journey.decisions if each.kind == "closure"]
            if not closures:
                return None
            closed_on.append(local_date(closures[-1].occurred_at, clinic.time_zone))
        last = max(closed_on)
        try:
            return last.replace(year=last.year + clinic.retention_years)
        except ValueError:  # 29 February, and the year it ends in is not a leap year
            return last.replace(year=last.year + clinic.retention_years, day=28)

    def _client(self, actor: Actor, client_id: UUID) -> Client:
        client = self._get(Client, client_id)
        if client.clinic_id != actor.clinic_id:
            raise NotFound("No such client.")  # never reveal another clinic's records
        return client
