"""Checks on a journey command's input that need no state: field consistency, doses, touch."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from casework.errors import InvalidInput, RuleViolation
from casework.journey.values import (
    AdverseEventSeverity,
    CriterionResult,
    DoseKind,
    ScreeningOutcome,
)
from casework.refusals import Refusal


def check_screening_input(
    outcome: ScreeningOutcome,
    criteria: list[dict[str, Any]],
    rationale: str | None,
    conditions: list[str],
    valid_until: date | None,
    decided_on: date,
) -> None:
    """Refuse a screening decision whose fields do not fit its outcome."""
    errors: dict[str, list[str]] = {}
    if not criteria:
        errors["criteria"] = ["List at least one criterion checked."]
    if outcome is not ScreeningOutcome.ELIGIBLE and not (rationale or "").strip():
        errors["rationale"] = ["Required unless the outcome is eligible."]
    if outcome is ScreeningOutcome.ELIGIBLE_WITH_CONDITIONS and not conditions:
        errors["conditions"] = ["Required when eligible with conditions."]
    if outcome is not ScreeningOutcome.ELIGIBLE_WITH_CONDITIONS and conditions:
        errors["conditions"] = ["Only allowed when eligible with conditions."]
    if outcome.value.startswith("eligible") and valid_until is None:
        errors["valid_until"] = ["Required when the outcome is eligible."]
    if errors:
        raise InvalidInput(errors)


def check_doses(doses: list[dict[str, Any]], started_at: datetime, ended_at: datetime) -> None:
    """Refuse doses outside the session, no initial dose, or a dose withheld with no reason."""
    errors: dict[str, list[str]] = {}
    initial = 0
    for index, dose in enumerate(doses):
        kind = DoseKind(dose["kind"])
        where = f"doses.{index}"
        if kind is DoseKind.SUPPLEMENTAL_WITHHELD:
            if not (dose.get("reason") or "").strip():
                errors[f"{where}.reason"] = ["Required when a supplemental dose is withheld."]
            continue
        initial += kind is DoseKind.INITIAL
        amount = dose.get("amount_mg")
        if not isinstance(amount, Decimal) or amount <= 0:
            errors[f"{where}.amount_mg"] = ["Required: a positive amount in milligrams."]
        given_at = dose.get("given_at")
        if not isinstance(given_at, datetime) or not started_at <= given_at <= ended_at:
            errors[f"{where}.given_at"] = ["Required: a time within the session."]
    if initial != 1:
        errors["doses"] = ["A held session records exactly one initial dose."]
    if errors:
        raise InvalidInput(errors)


def check_touch(used: bool, areas: list[str], consent_scope: list[str] | None) -> None:
    """Refuse supportive touch without active consent, or outside the scope agreed in it."""
    if not used:
        if areas:
            raise InvalidInput.field("touch_areas", "Only allowed when supportive touch was used.")
        return
    if consent_scope is None:
        raise RuleViolation(
            Refusal.TOUCH_CONSENT_MISSING,
            "Supportive touch was recorded, but no supportive-touch consent is active.",
        )
    if not areas:
        raise InvalidInput.field("touch_areas", "Name where touch was used.")
    agreed = {area.casefold() for area in consent_scope}
    outside = [index for index, area in enumerate(areas) if area.casefold() not in agreed]
    if outside:
        # Named by position in the request: the agreed scope is the client's clinical content.
        raise RuleViolation(
            Refusal.TOUCH_OUTSIDE_AGREED_SCOPE,
            "Supportive touch was used outside the scope the client agreed to.",
            {"touch_areas_outside_scope": outside},
        )


def criteria_values(criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return screening criteria as plain values (enums by value)."""
    return [
        {
            "category": c["category"],
            "result": CriterionResult(c["result"]).value,
            "note": c.get("note"),
        }
        for c in criteria
    ]


def dose_values(doses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return doses as plain values (enums by value)."""
    return [
        {
            "kind": DoseKind(d["kind"]).value,
            "amount_mg": d.get("amount_mg"),
            "given_at": d.get("given_at"),
            "reason": d.get("reason"),
        }
        for d in doses
    ]


def adverse_event_values(adverse_event: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return an adverse event as plain values (enums by value), or None."""
    if adverse_event is None:
        return None
    return {
        "severity": AdverseEventSeverity(adverse_event["severity"]).value,
        "description": adverse_event["description"],
        "action_taken": adverse_event.get("action_taken"),
    }
