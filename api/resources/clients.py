"""Clients: identifying details (encrypted per client) and erasure by destroying the key."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import current_actor
from api.resources.reads import purpose_of_use
from api.schemas.clients import ClientDetailsSchema, ClientSchema, ErasureSchema
from api.schemas.common import WrittenSchema
from api.services import casework

blp = Blueprint("clients", __name__, url_prefix="/clients", description="Clients")


@blp.route("/<uuid:client_id>")
class ClientById(MethodView):
    @blp.response(200, ClientSchema)
    def get(self, client_id: UUID) -> dict[str, Any]:
        """Show a client: pseudonym, journeys, identifying details (a logged read)."""
        return casework().get_client(current_actor(), client_id, purpose_of_use())


@blp.route("/<uuid:client_id>/details")
class ClientDetails(MethodView):
    @blp.arguments(ClientDetailsSchema)
    @blp.response(200, WrittenSchema)
    def put(self, data: dict[str, Any], client_id: UUID) -> dict[str, Any]:
        """Record or replace a client's identifying details (encrypted under the client's key)."""
        details = {**data, "date_of_birth": data["date_of_birth"].isoformat()}
        return asdict(casework().record_client_details(current_actor(), client_id, details))


@blp.route("/<uuid:client_id>/erasure")
class ClientErasure(MethodView):
    @blp.arguments(ErasureSchema)
    @blp.response(200, WrittenSchema)
    def post(self, data: dict[str, Any], client_id: UUID) -> dict[str, Any]:
        """Erase a client's personal data by destroying its key (admin; after retention)."""
        return asdict(casework().erase_client(current_actor(), client_id, **data))
