"""The application service: every command and single-record read of Casework.

It knows nothing of HTTP or SQL. Each part lives in a module of its own; this class puts them
together: sign_in_service, staff_service, journey.service, client_service and record_reads, on base.
"""

from __future__ import annotations

from casework.base import CaseworkBase, Written
from casework.client_service import ClientService
from casework.journey.service import JourneyService
from casework.record_reads import RecordReads
from casework.sign_in_service import SignInService
from casework.staff_service import StaffService

__all__ = ["Casework", "Written"]


class Casework(
    SignInService, StaffService, JourneyService, ClientService, RecordReads, CaseworkBase
):
    """Every command and single-record read of Casework."""

    name = "Casework"
