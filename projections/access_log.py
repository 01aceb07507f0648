"""The read-access log, for auditors: one row per read of a client's record."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import Connection, insert

from casework.access_log import AccessRecord
from projections.base import Projection
from projections.tables import access_log


class AccessLogProjection(Projection):
    """Every logged read: who, in which role, which client, which endpoint, why, when."""

    name: ClassVar[str] = "access_log"
    tables = (access_log,)

    def process(self, connection: Connection, event: object, position: int) -> None:
        if isinstance(event, AccessRecord.Recorded):
            connection.execute(
                insert(access_log).values(
                    position=position,
                    clinic_id=event.clinic_id,
                    practitioner_id=event.practitioner_id,
                    role=event.role,
                    journey_id=event.journey_id,
                    client_id=event.client_id,
                    endpoint=event.endpoint,
                    purpose=event.purpose,
                    accessed_at=event.timestamp,
                )
            )
