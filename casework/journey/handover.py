"""Handover: which open follow-ups change hands when the care team changes, and to whom."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from casework.journey.values import CareRole, FollowUp

if TYPE_CHECKING:
    from casework.journey.aggregate import Journey


def open_follow_ups(journey: Journey, owner_role: str) -> list[FollowUp]:
    """Return the journey's follow-ups of `owner_role` not yet done nor cancelled."""
    return [
        f
        for f in journey.follow_ups.values()
        if f.owner_role == owner_role and f.done_on is None and not f.cancelled
    ]


def orphaned(journey: Journey, role: CareRole) -> list[FollowUp]:
    """Return the open follow-ups of `role` whose owner is not on the care team in that role."""
    return [
        f
        for f in open_follow_ups(journey, role.value)
        if f.owner_id is None or journey.care_team_member(f.owner_id, role) is None
    ]


def successors(journey: Journey, leaving: UUID) -> dict[UUID, list[FollowUp]]:
    """Return, for a practitioner leaving the care team, who takes which of their open
    follow-ups: the first member still holding each follow-up's role (none: they stay)."""
    taken: dict[UUID, list[FollowUp]] = {}
    for role in {m.role for m in journey.care_team if m.practitioner_id != leaving}:
        successor = next(
            m.practitioner_id
            for m in journey.care_team
            if m.role == role and m.practitioner_id != leaving
        )
        theirs = [f for f in open_follow_ups(journey, role) if f.owner_id == leaving]
        if theirs:
            taken[successor] = theirs
    return taken


def by_previous_owner(follow_ups: list[FollowUp], to_id: UUID) -> dict[UUID | None, list[FollowUp]]:
    """Group the follow-ups that change hands by their owner now (one handover each)."""
    groups: dict[UUID | None, list[FollowUp]] = {}
    for follow_up in follow_ups:
        if follow_up.owner_id != to_id:
            groups.setdefault(follow_up.owner_id, []).append(follow_up)
    return groups
