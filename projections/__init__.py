"""Read models: projections of the event log into tables that lists and dashboards read."""

from __future__ import annotations

from projections.access_log import AccessLogProjection
from projections.base import Projection
from projections.caseload import CaseloadProjection
from projections.clients import ClientsProjection
from projections.decisions import DecisionsProjection
from projections.follow_ups import FollowUpsProjection
from projections.sign_ins import SignInsProjection
from projections.staff import StaffProjection
from projections.timeline import TimelineProjection

PROJECTIONS: tuple[Projection, ...] = (
    TimelineProjection(),
    FollowUpsProjection(),
    DecisionsProjection(),
    CaseloadProjection(),
    AccessLogProjection(),
    StaffProjection(),
    ClientsProjection(),
    SignInsProjection(),
)


def projection_named(name: str) -> Projection:
    """Return the projection called `name`; raise KeyError naming the known ones."""
    for projection in PROJECTIONS:
        if projection.name == name:
            return projection
    raise KeyError(f"{name!r}: the projections are {', '.join(p.name for p in PROJECTIONS)}")
