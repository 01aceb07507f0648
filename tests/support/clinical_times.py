"""Clinical times for the tests of PRODUCT.md invariant 10: days back from now, a refusal by its
reason, a session held and a screening decided at the times a test gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from casework.application import Casework
from casework.errors import RuleViolation
from casework.journey.commands import RecordScreeningDecision, RecordSessionOutcome
from casework.journey.values import ScreeningOutcome
from casework.roles import Role
from tests.support.journeys import ELIGIBLE_CRITERIA, initial_dose
from tests.support.staff import Staff

NOW = datetime.now(UTC).replace(microsecond=0)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def refused(reason: str) -> Any:
    return pytest.raises(RuleViolation, check=lambda e: e.reason == reason)


def hold(
    app: Casework, staff: Staff, journey_id: UUID, session_id: UUID, start: datetime, **kw: Any
) -> None:
    app.record_session_outcome(
        staff[Role.FACILITATOR],
        RecordSessionOutcome(
            journey_id=journey_id,
            session_id=session_id,
            started_at=start,
            ended_at=kw.pop("ended_at", start + timedelta(hours=8)),
            facilitator_ids=[staff.id(Role.FACILITATOR)],
            doses=[initial_dose(start)],
            **kw,
        ),
    )


def decide(app: Casework, staff: Staff, journey_id: UUID, **kw: Any) -> Any:
    return app.record_screening_decision(
        staff[Role.CLINICAL_LEAD],
        RecordScreeningDecision(
            journey_id=journey_id,
            outcome=kw.pop("outcome", ScreeningOutcome.ELIGIBLE),
            criteria=ELIGIBLE_CRITERIA,
            **kw,
        ),
    )
