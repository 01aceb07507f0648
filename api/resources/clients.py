"""Clients: identifying details (encrypted per client) and erasure by destroying the key.

The search's body is a plain function of the actor and the query, so the page for people finds
clients as the API does: the same role check, query and access-log record.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from flask.views import MethodView

from api.auth import current_actor
from api.read_models import projected
from api.resources.blueprint import Blueprint
from api.resources.reads import purpose_of_use
from api.schemas.clients import (
    ClientDetailsSchema,
    ClientPageSchema,
    ClientSchema,
    ClientSearchSchema,
    ErasureSchema,
)
from api.schemas.common import WrittenSchema
from api.services import casework
from casework.client import pseudonym_key
from casework.commands import EraseClient, RecordClientDetails
from casework.permissions import Read, acting_role
from casework.roles import Actor
from projections import queries
from projections.pages import Page

blp = Blueprint("clients", __name__, url_prefix="/clients", description="Clients")


@blp.route("")
class Clients(MethodView):
    @blp.arguments(ClientSearchSchema, location="query")
    @blp.response(200, ClientPageSchema)
    @blp.doc(operationId="list_clients")
    def get(self, query: dict[str, Any]) -> Page:
        """Find clients by the start of their pseudonym, by pseudonym (`CW-00` finds `cw-0042`).

        Every clinical role and the auditor. Pseudonyms are compared as intake compares them:
        case, fullwidth forms and Unicode compositions aside. Only pseudonyms and journey ids,
        never identifying details; recorded in the access log as one query, with the journeys
        of every client it showed.
        """
        min_position = query.pop("min_position")
        return list_clients(current_actor(), query, min_position=min_position)


def list_clients(actor: Actor, query: dict[str, Any], *, min_position: int | None = None) -> Page:
    """Return a page of the clients whose pseudonym starts so; logged as one query (`clients`)."""
    acting_role(actor, Read.JOURNEY)
    given = query["pseudonym"]
    prefix = pseudonym_key(given) if given else ""
    paging = {name: value for name, value in query.items() if name != "pseudonym"}
    with projected(("clients",), min_position) as connection:
        page = queries.clients_by_pseudonym(connection, actor.clinic_id, prefix, **paging)
    journeys = [UUID(j) for client in page.items for j in client["journey_ids"]]
    casework().record_query(
        actor, "clients", {"pseudonym": prefix or None}, journeys, purpose_of_use()
    )
    return page


@blp.route("/<uuid:client_id>")
class ClientById(MethodView):
    @blp.response(200, ClientSchema)
    @blp.doc(operationId="get_client")
    def get(self, client_id: UUID) -> dict[str, Any]:
        """Show a client: pseudonym, journeys, identifying details (a logged read).

        Every clinical role and the auditor; one access record per journey of the client. Once the
        client's key is destroyed the identifying details read `[erased]`.
        """
        return casework().get_client(current_actor(), client_id, purpose_of_use())


@blp.route("/<uuid:client_id>/details")
class ClientDetails(MethodView):
    @blp.arguments(ClientDetailsSchema)
    @blp.response(200, WrittenSchema)
    @blp.doc(operationId="record_client_details")
    def put(self, command: RecordClientDetails, client_id: UUID) -> dict[str, Any]:
        """Record or replace a client's identifying details (encrypted under the client's key).

        Intake coordinator or clinical lead. An erased client's details cannot be recorded again
        (409 `client_erased`).
        """
        return asdict(casework().record_client_details(current_actor(), command))


@blp.route("/<uuid:client_id>/erasure")
class ClientErasure(MethodView):
    @blp.arguments(ErasureSchema)
    @blp.response(200, WrittenSchema)
    @blp.doc(operationId="erase_client")
    def post(self, command: EraseClient, client_id: UUID) -> dict[str, Any]:
        """Erase a client's personal data by destroying its key (admin; after retention).

        Admin only. Refused while the retention period runs (409 `retention_period_running`, with
        `details.retention_ends_on`) unless `retention_override` says why; a second erasure is 409
        `client_already_erased`. Ids, codes and times stay; every text under the key reads
        `[erased]`.
        """
        return asdict(casework().erase_client(current_actor(), command))
