"""The menu's pages, each opened by a permission (casework.permissions), and who lands where."""

from __future__ import annotations

from typing import NamedTuple

from casework.commands import ChangeClinicSettings, Command, RegisterPractitioner
from casework.journey.commands import RecordContact, RecordIntake
from casework.permissions import PERMISSIONS, Read
from casework.roles import Actor, Role


class Place(NamedTuple):
    label: str
    endpoint: str
    needs: type[Command] | Read
    """What the page is for: whoever may do or read it sees the page in the menu."""


PLACES = (
    Place("My day", "web.my_day", RecordContact),
    Place("Intake", "web.intake", RecordIntake),
    Place("Journeys", "web.journeys", Read.JOURNEY),
    Place("Pause reviews", "web.pause_reviews", Read.PAUSE_REVIEWS),
    Place("Decisions", "web.decisions", Read.JOURNEY),
    Place("Corrections", "web.corrections", Read.JOURNEY),
    Place("Access log", "web.access_log", Read.ACCESS_LOG),
    Place("Sign-ins", "web.sign_ins", Read.ACCESS_LOG),
    Place("Integrity", "web.integrity", Read.INTEGRITY),
    Place("Staff", "web.staff", RegisterPractitioner),
    Place("Clinic settings", "web.clinic_settings", ChangeClinicSettings),
)

HOME = {
    Role.INTEGRATION_THERAPIST: "web.my_day",
    Role.FACILITATOR: "web.my_day",
    Role.CLINICAL_LEAD: "web.pause_reviews",
    Role.INTAKE_COORDINATOR: "web.intake",
    Role.AUDITOR: "web.decisions",
    Role.ADMIN: "web.staff",
}
"""Where each role starts its day; someone with several roles lands on their first here."""


def places_of(actor: Actor) -> list[Place]:
    """Return the pages the actor's roles open, in menu order."""
    return [place for place in PLACES if actor.roles & set(PERMISSIONS[place.needs])]


def home_of(actor: Actor) -> str:
    """Return the endpoint a person lands on after signing in."""
    for role, endpoint in HOME.items():
        if role in actor.roles:
            return endpoint
    return "web.journeys"
