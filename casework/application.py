"""The application service: every command and single-record read of Casework.

It knows nothing of HTTP or SQL. Each part lives in a module of its own; this class puts them
together: staff_commands, journey.service, client_commands and record_reads, on base.
"""

from __future__ import annotations

from casework.base import CaseworkBase, Written
from casework.client_commands import ClientCommands
from casework.journey.service import JourneyCommands
from casework.record_reads import RecordReads
from casework.staff_commands import StaffCommands

__all__ = ["Casework", "Written"]


class Casework(StaffCommands, JourneyCommands, ClientCommands, RecordReads, CaseworkBase):
    """Every command and single-record read of Casework."""

    name = "Casework"
