"""Personal data is erased by destroying its client's key: only by an admin once the record need not
be kept; then no answer or dump shows it, while decisions, dates and integrity remain."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient

from casework.application import Casework
from casework.roles import Role
from casework.vault import ERASED
from tests.api.conftest import ApiStaff
from tests.support.clinic_day import (
    PERSONAL,
    admin_erases,
    clinic_day,
    everything_a_reader_sees,
    stored_after_projecting,
)
from tests.support.dump import dump_database, found_in


def closure_request_hashes(flask_app: Flask, paths: dict[str, str]) -> tuple[str, str]:
    """Return the closure request's hash as kept (keyed) and as a guesser would take it (plain).

    The request: path, query and body, as `api.idempotency` reads them.
    """
    body = json.dumps({"reason": PERSONAL["closure_reason"]}).encode()
    request = b"\n".join([f"{paths['journey']}/closure".encode(), b"", body])
    key = flask_app.extensions["idempotency_hash_key"]
    keyed = hmac.new(key, request, hashlib.sha256).hexdigest()
    return keyed, hashlib.sha256(request).hexdigest()


def test_erasure_is_refused_while_the_record_must_be_kept_and_by_anyone_but_an_admin(
    client: FlaskClient, api_staff: ApiStaff
) -> None:
    paths = clinic_day(client, api_staff)
    refused = admin_erases(client, api_staff, paths["client"])
    assert refused.status_code == 409
    assert refused.json["reason"] == "retention_period_running"
    # The clinic keeps records ten years from the last closure, a day of the clinic's own.
    closed_on = datetime.now(ZoneInfo(api_staff.staff.time_zone)).date()
    assert refused.json["details"]["retention_ends_on"] == str(
        closed_on.replace(closed_on.year + 10)
    )
    by_lead = client.post(
        f"{paths['client']}/erasure",
        json={"reason": "Asked", "retention_override": "Court order"},
        headers=api_staff.headers(Role.CLINICAL_LEAD),
    )
    assert by_lead.status_code == 403
    assert PERSONAL["name"] in everything_a_reader_sees(client, api_staff, paths)


def test_after_erasure_every_answer_shows_erased_while_decisions_dates_and_integrity_remain(
    flask_app: Flask, client: FlaskClient, api_staff: ApiStaff, database_url: str
) -> None:
    paths = clinic_day(client, api_staff)
    before = client.get(paths["journey"], headers=api_staff.headers(Role.AUDITOR)).json
    erased = admin_erases(client, api_staff, paths["client"], retention_override="Court order 12")
    assert erased.status_code == 200, erased.json

    seen = everything_a_reader_sees(client, api_staff, paths)
    assert [text for text in PERSONAL.values() if text in seen] == []
    after = client.get(paths["journey"], headers=api_staff.headers(Role.AUDITOR)).json
    assert after["primary_need"] == after["safety_plan"]["emergency_contact"] == ERASED
    assert after["sessions"][0]["notes"] == ERASED
    assert after["status"] == "closed"
    # Decisions' outcomes and kinds, and every date, remain; their text is erased with the key.
    for part in ("follow_ups", "intake", "phase"):
        assert after[part] == before[part]
    screening, screened = after["screening_decisions"][0], before["screening_decisions"][0]
    assert (screening["outcome"], screening["valid_until"], screening["criteria"][0]["result"]) == (
        screened["outcome"],
        screened["valid_until"],
        "met",
    )
    assert screening["rationale"] == screening["criteria"][0]["note"] == ERASED
    assert screening["conditions"] == [ERASED]
    assert [d["kind"] for d in after["decisions"]] == [d["kind"] for d in before["decisions"]]
    assert {d["reason"] for d in after["decisions"]} == {ERASED}
    assert after["corrections"][0]["reason"] == after["corrections"][0]["new_value"] == ERASED
    assert after["referral_source"] == ERASED
    shown = client.get(paths["client"], headers=api_staff.headers(Role.AUDITOR)).json
    assert shown["details"]["name"] == ERASED
    assert shown["erasure"]["retention_override"] == "Court order 12"

    integrity = client.get("/audit/integrity", headers=api_staff.headers(Role.AUDITOR)).json
    assert integrity["intact"], integrity["breaks"]
    assert found_in(stored_after_projecting(flask_app, database_url), PERSONAL.values()) == []
    # The idempotency table keeps the closure's request keyed: a guessed reason cannot be confirmed.
    keyed, plain = closure_request_hashes(flask_app, paths)
    assert found_in(dump_database(database_url), [keyed, plain]) == [keyed]

    addendum = client.post(
        f"{paths['journey']}/addenda",
        json={"entry_version": 1, "text": "Moved to Zwolle"},
        headers=api_staff.headers(Role.CLINICAL_LEAD),
    )
    assert (addendum.status_code, addendum.json["reason"]) == (409, "client_erased")
    again = admin_erases(client, api_staff, paths["client"], retention_override="Again")
    assert (again.status_code, again.json["reason"]) == (409, "client_already_erased")


def test_the_wrapped_key_itself_is_gone_from_the_store_after_erasure(
    client: FlaskClient, api_staff: ApiStaff, casework_app: Casework, database_url: str
) -> None:
    paths = clinic_day(client, api_staff)
    client_id = casework_app.get_journey(
        api_staff.staff[Role.CLINICAL_LEAD], UUID(paths["journey"].rsplit("/", 1)[1])
    )["client_id"]
    wrapped = casework_app.vault._keys.wrapped_key(client_id)
    assert wrapped
    # SQLite holds the bytes as they are; pg_dump writes a bytea as hex digits.
    traces = (wrapped, wrapped.hex().encode())
    assert any(trace in dump_database(database_url) for trace in traces)  # found while it exists
    assert (
        admin_erases(client, api_staff, paths["client"], retention_override="x").status_code == 200
    )
    stored = dump_database(database_url)
    assert not any(trace in stored for trace in traces)
