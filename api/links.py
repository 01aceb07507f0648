"""OpenAPI links: where a client finds the ids the next operations need in their path.

One table says, for the operations whose answer (or request) names a record, which path
parameter each value fills. Every operation whose path parameters are all filled by one of
them gets a link from that operation's success answer, so generated clients and schemathesis'
stateful phase can follow a journey from intake on (intake, then its care team, sessions,
follow-ups and decisions), without a link written by hand for each pair.
"""

from __future__ import annotations

import re
from typing import Any

NAMES: dict[str, dict[str, str]] = {
    "record_intake": {"journey_id": "$response.body#/id"},
    "register_practitioner": {"practitioner_id": "$response.body#/id"},
    "schedule_session": {
        "journey_id": "$response.body#/id",
        "session_id": "$response.body#/created_id",
    },
    "give_consent": {"journey_id": "$response.body#/id", "kind": "$request.body#/kind"},
    "assign_care_team_member": {
        "journey_id": "$response.body#/id",
        "practitioner_id": "$request.body#/practitioner_id",
    },
    "grant_role": {
        "practitioner_id": "$request.path.practitioner_id",
        "role": "$request.body#/role",
    },
    "get_journey": {
        "journey_id": "$response.body#/id",
        "client_id": "$response.body#/client_id",
        "session_id": "$response.body#/sessions/0/session_id",
        "follow_up_id": "$response.body#/follow_ups/0/follow_up_id",
    },
}
"""By operationId: the path parameters its answer names, as OpenAPI runtime expressions."""

PATH_PARAMETER = re.compile(r"{([^{}]+)}")


def link_operations(source: tuple[str, dict[str, Any]], target: tuple[str, dict[str, Any]]) -> None:
    """Link `source`'s success answer to `target` if it names all of target's path parameters.

    Each is (path, operation); the link is added to the source's operation in place.
    """
    (_, operation), (target_path, target_operation) = source, target
    names = NAMES.get(operation.get("operationId", ""))
    needed = set(PATH_PARAMETER.findall(target_path))
    if not names or not needed or not needed <= set(names) or operation is target_operation:
        return
    success = next(
        (answer for status, answer in operation["responses"].items() if status.startswith("2")),
        None,
    )
    if not isinstance(success, dict):
        return
    target_id = target_operation["operationId"]
    success.setdefault("links", {})[target_id] = {
        "operationId": target_id,
        "parameters": {name: names[name] for name in sorted(needed)},
    }
