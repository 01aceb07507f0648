"""The auditor's pages: the register, the corrections, the access log and the proof, as an
auditor uses them, held to what the API answers the same person."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from casework.application import Casework
from casework.journey.commands import PauseJourney, RecordContact, RecordCorrection
from casework.journey.values import ContactKind
from casework.roles import Actor, Role
from tests.support.journeys import ready_journey
from tests.support.raw_log import RawLog
from tests.support.read_models import project_all
from tests.support.staff import Staff, issue_token

Browser = Callable[[Role], FlaskClient]

PSEUDONYM = "CW-AUDIT-7"
ROW = re.compile(r'<th scope="row">')
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


@dataclass(frozen=True)
class Record:
    """What the clinic recorded: a journey screened, its contact note corrected, then paused."""

    journey_id: UUID
    client_id: UUID
    paused_at: datetime


@pytest.fixture
def record(flask_app: Flask, casework_app: Casework, staff: Staff) -> Record:
    journey_id = ready_journey(casework_app, staff, PSEUDONYM)
    therapist = staff[Role.INTEGRATION_THERAPIST]
    contact = casework_app.record_contact(
        therapist,
        RecordContact(journey_id=journey_id, kind=ContactKind.PHONE_CHECK_IN, notes="Calm"),
    )
    casework_app.record_correction(
        therapist,
        RecordCorrection(
            journey_id=journey_id,
            field="notes",
            new_value="Calm, slept well",
            reason="Left out the sleep",
            corrects_version=contact.version,
        ),
    )
    paused_at = (datetime.now(UTC) - timedelta(days=2)).replace(second=0, microsecond=0)
    casework_app.pause_journey(
        staff[Role.CLINICAL_LEAD],
        PauseJourney(
            journey_id=journey_id,
            reason="Low mood after the session",
            review_date=date.today() + timedelta(days=14),
            conditions_to_resume=["Mood stable"],
            occurred_at=paused_at,
        ),
    )
    state = casework_app.get_journey(staff[Role.FACILITATOR], journey_id)  # logged: a read
    caught_up(flask_app, casework_app)
    return Record(journey_id, UUID(str(state["client_id"])), paused_at)


def caught_up(flask_app: Flask, casework_app: Casework) -> None:
    """Catch the read models up (PostgreSQL has no worker in these tests)."""
    project_all(flask_app.extensions["read_models"].engine, casework_app)


@pytest.fixture
def api(flask_app: Flask, casework_app: Casework, staff: Staff) -> Callable[..., TestResponse]:
    """GET an API path with the bearer token of the practitioner holding `role`."""
    tokens = {
        role: issue_token(casework_app, actor.practitioner_id, "test")
        for role, actor in staff.actors.items()
    }
    client = flask_app.test_client()

    def get(role: Role, path: str, **query: Any) -> TestResponse:
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        return client.get(path, query_string=query or None, headers=headers)

    return get


def shown(response: TestResponse, status: int = 200) -> str:
    assert response.status_code == status, response.text[:2000]
    assert response.mimetype == "text/html"
    (title,) = TITLE.findall(response.text)
    assert PSEUDONYM not in title  # a title (a browser's history, a tab) never names a client
    assert response.text.count("<h1>") == 1
    return response.text


def rows(html: str) -> int:
    return len(ROW.findall(html))


def access_log(
    api: Callable[..., TestResponse], flask_app: Flask, casework_app: Casework
) -> list[dict[str, Any]]:
    caught_up(flask_app, casework_app)
    answer = api(Role.AUDITOR, "/audit/access-log", limit=200)
    assert answer.status_code == 200
    items: list[dict[str, Any]] = answer.json["items"]  # type: ignore[index]
    return items


def csv_of(response: TestResponse) -> str:
    assert response.status_code == 200, response.text[:2000]
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    return response.text


def test_the_register_shows_each_decision_with_names_beside_ids_in_clinic_time(
    as_role: Browser, staff: Staff, record: Record
) -> None:
    html = shown(as_role(Role.AUDITOR).get("/app/decisions"))
    assert rows(html) == 2
    table = html.split("<tbody>")[1]
    assert table.index("pause") < table.index("screening")  # newest first
    assert "Low mood after the session" in html
    assert "Mood stable" in html
    assert "eligible" in html
    assert "cardiovascular" in html
    lead = staff.id(Role.CLINICAL_LEAD)
    assert re.search(
        rf"clinical_lead <span class=\"tag\">clinical lead</span>\s*<br>"
        rf"<span class=\"muted\">{lead}</span>",
        html,
    )
    clock = record.paused_at.astimezone(ZoneInfo(staff.time_zone)).strftime("%-d %b %Y, %H:%M")
    assert f'<time datetime="{record.paused_at.isoformat()}">{clock}</time>' in html
    assert str(record.journey_id) in html
    assert PSEUDONYM not in html  # the register names journeys by id, as the API does


def test_the_register_is_filtered_and_paged_as_the_api_is(
    as_role: Browser, staff: Staff, record: Record
) -> None:
    auditor = as_role(Role.AUDITOR)
    paused = shown(auditor.get("/app/decisions", query_string={"kind": "pause"}))
    assert rows(paused) == 1
    assert "Low mood after the session" in paused
    assert '<option value="pause" selected>' in paused  # the form shows what was asked
    by_therapist = {"decider": str(staff.id(Role.INTEGRATION_THERAPIST))}
    assert rows(shown(auditor.get("/app/decisions", query_string=by_therapist))) == 0
    by_lead = {"decider": str(staff.id(Role.CLINICAL_LEAD)), "journey": str(record.journey_id)}
    assert rows(shown(auditor.get("/app/decisions", query_string=by_lead))) == 2
    paused_day = record.paused_at.astimezone(ZoneInfo(staff.time_zone)).date().isoformat()
    window = {"decided_from": paused_day, "decided_to": paused_day, "kind": ""}  # blank: any
    assert rows(shown(auditor.get("/app/decisions", query_string=window))) == 1

    first = shown(auditor.get("/app/decisions", query_string={"limit": "1", "purpose": "legal"}))
    assert rows(first) == 1
    assert "Low mood after the session" in first
    (later,) = re.findall(r'<a href="([^"]+)" rel="next">Next page</a>', first)
    assert "purpose=legal" in later
    assert "limit=1" in later
    second = shown(auditor.get(later.replace("&amp;", "&")))
    assert rows(second) == 1
    assert "cardiovascular" in second
    assert 'rel="next"' not in second
    assert "First page" in second


def test_each_page_and_download_opens_exactly_for_whom_the_api_answers(
    signed_in: Callable[[Actor], FlaskClient],
    api: Callable[..., TestResponse],
    casework_app: Casework,
    staff: Staff,
    record: Record,
) -> None:
    casework_app.seal_log()
    pairs = {
        "/app/decisions": "/decisions",
        "/app/decisions/export": "/decisions?format=csv",
        "/app/corrections": "/audit/corrections",
        "/app/corrections/export": "/audit/corrections/export",
        "/app/access-log": "/audit/access-log",
        "/app/access-log/export": "/audit/access-log/export",
        "/app/integrity": "/audit/integrity",
        "/app/integrity/checkpoint": "/audit/checkpoints/latest",
    }
    for role in Role:
        browser = signed_in(staff[role])
        for page, endpoint in pairs.items():
            expected = api(role, endpoint).status_code
            assert expected in {200, 403}, (role, endpoint, expected)
            assert browser.get(page).status_code == expected, (role, page)
    opened = signed_in(staff[Role.FACILITATOR]).get("/app/corrections")
    assert "Your roles do not open this page." in shown(opened, 403)


def test_the_purpose_picked_is_what_the_access_log_records_and_the_default_is_audit(
    as_role: Browser,
    api: Callable[..., TestResponse],
    flask_app: Flask,
    casework_app: Casework,
    record: Record,
) -> None:
    auditor = as_role(Role.AUDITOR)
    shown(auditor.get("/app/decisions"))
    shown(auditor.get("/app/decisions", query_string={"purpose": "quality_review"}))
    shown(auditor.get("/app/corrections", query_string={"purpose": "research"}))
    csv_of(auditor.get("/app/decisions/export", query_string={"purpose": "legal"}))
    csv_of(auditor.get("/app/corrections/export"))
    logged = [
        (each["endpoint"], each["purpose"], each["journey_id"])
        for each in access_log(api, flask_app, casework_app)
        if each["role"] == "auditor"
    ]
    journey = str(record.journey_id)
    assert logged == [  # newest first
        ("corrections_export", "audit", journey),
        ("decisions_export", "legal", journey),
        ("corrections", "research", journey),
        ("decisions", "quality_review", journey),
        ("decisions", "audit", journey),
    ]
    csv_of(auditor.get("/app/access-log/export", query_string={"purpose": "legal"}))
    caught_up(flask_app, casework_app)
    queries = api(Role.AUDITOR, "/audit/access-queries").json["items"]  # type: ignore[index]
    (export,) = [q for q in queries if q["endpoint"] == "access_log_export"]
    assert export["purpose"] == "legal"


def test_an_unknown_purpose_or_filter_is_refused_by_name_and_nothing_is_logged(
    as_role: Browser,
    api: Callable[..., TestResponse],
    flask_app: Flask,
    casework_app: Casework,
    record: Record,
) -> None:
    auditor = as_role(Role.AUDITOR)
    for path in ("/app/decisions", "/app/decisions/export", "/app/corrections", "/app/access-log"):
        html = shown(auditor.get(path, query_string={"purpose": "curiosity"}), 422)
        assert 'id="filter-purpose-error">Must be one of: care, audit' in html
        assert 'href="#filter-purpose">Purpose of reading</a> (purpose)' in html
        assert 'aria-invalid="true"' in html
    refused = shown(auditor.get("/app/decisions", query_string={"journey": "CW-AUDIT-7"}), 422)
    assert 'id="filter-journey-error">Not a valid UUID.' in refused
    assert "CW-AUDIT-7" in refused  # what was typed is kept, to correct it
    unknown = shown(auditor.get("/app/corrections", query_string={"colour": "red"}), 422)
    assert "colour: Unknown field." in unknown
    paged = shown(auditor.get("/app/decisions/export", query_string={"limit": "5"}), 422)
    assert "limit" in paged  # a download has no pages, as the API's has none
    assert [
        each for each in access_log(api, flask_app, casework_app) if each["role"] == "auditor"
    ] == []


def test_corrections_show_the_original_beside_the_correction_with_who_when_and_why(
    as_role: Browser, staff: Staff, record: Record
) -> None:
    html = shown(as_role(Role.AUDITOR).get("/app/corrections"))
    assert rows(html) == 1
    original = html.index('<td class="original">Calm</td>')
    corrected = html.index('<td class="corrected">Calm, slept well</td>')
    assert original < corrected < html.index("<td>Left out the sleep</td>")
    therapist = staff.id(Role.INTEGRATION_THERAPIST)
    assert f'<span class="muted">{therapist}</span>' in html
    assert "integration_therapist" in html  # the corrector's name (their display name here)
    assert "<time datetime=" in html
    lead = {"corrector": str(staff.id(Role.CLINICAL_LEAD))}
    assert rows(shown(as_role(Role.CLINICAL_LEAD).get("/app/corrections", query_string=lead))) == 0


def test_the_access_log_lists_reads_with_names_and_is_filtered(
    as_role: Browser, staff: Staff, record: Record
) -> None:
    auditor = as_role(Role.AUDITOR)
    facilitator = str(staff.id(Role.FACILITATOR))
    html = shown(auditor.get("/app/access-log"))
    assert rows(html) == 1  # the facilitator's read of the journey; nothing else yet
    assert f'<span class="muted">{facilitator}</span>' in html
    assert str(record.client_id) in html
    assert str(record.journey_id) in html
    assert "<td>journey</td>" in html
    assert "<td>care</td>" in html
    nobody = {"practitioner": str(staff.id(Role.INTEGRATION_THERAPIST))}
    assert rows(shown(auditor.get("/app/access-log", query_string=nobody))) == 0
    theirs = {"practitioner": facilitator, "client": str(record.client_id)}
    assert rows(shown(auditor.get("/app/access-log", query_string=theirs))) == 1
    tomorrow = {"accessed_from": (date.today() + timedelta(days=2)).isoformat()}
    assert rows(shown(auditor.get("/app/access-log", query_string=tomorrow))) == 0


def test_every_download_is_the_file_the_api_exports(
    as_role: Browser,
    api: Callable[..., TestResponse],
    staff: Staff,
    record: Record,
) -> None:
    auditor = as_role(Role.AUDITOR)
    lead = str(staff.id(Role.CLINICAL_LEAD))
    for page, endpoint, query in (
        ("/app/decisions/export", "/decisions", {"format": "csv", "kind": "pause"}),
        ("/app/decisions/export", "/decisions", {"format": "csv", "decider": lead}),
        ("/app/corrections/export", "/audit/corrections/export", {}),
        ("/app/access-log/export", "/audit/access-log/export", {}),
    ):
        filters = {name: value for name, value in query.items() if name != "format"}
        from_api = csv_of(api(Role.AUDITOR, endpoint, **query))
        assert csv_of(auditor.get(page, query_string=filters)) == from_api, page
    decisions = csv_of(auditor.get("/app/decisions/export"))
    assert decisions.count("\n") == 3
    assert "Low mood after the session" in decisions
    assert "Calm, slept well" in csv_of(auditor.get("/app/corrections/export"))
    html = shown(auditor.get("/app/decisions", query_string={"kind": "pause", "purpose": "legal"}))
    link = '<a class="button" href="/app/decisions/export?kind=pause&amp;purpose=legal" download>'
    assert link in html


def test_the_integrity_page_shows_the_check_and_hands_over_the_newest_checkpoint(
    as_role: Browser,
    api: Callable[..., TestResponse],
    casework_app: Casework,
    record: Record,
) -> None:
    auditor = as_role(Role.AUDITOR)
    before = shown(auditor.get("/app/integrity"))
    assert "Intact." in before
    assert "No checkpoint covers this clinic" in before
    assert auditor.get("/app/integrity/checkpoint").status_code == 404
    casework_app.seal_log()
    after = shown(as_role(Role.ADMIN).get("/app/integrity"))
    assert "Intact." in after
    assert "Download the checkpoint" in after
    report = api(Role.AUDITOR, "/audit/integrity").json
    assert f"<dd>{report['events_checked']}, through log position" in after  # type: ignore[index]

    download = auditor.get("/app/integrity/checkpoint")
    assert download.status_code == 200
    assert download.mimetype == "application/json"
    assert download.headers["Content-Disposition"].startswith("attachment; filename=")
    kept = json.loads(download.text)
    assert kept == api(Role.AUDITOR, "/audit/checkpoints/latest").json
    checked = shown(auditor.get("/app/integrity", query_string={"checkpoint": download.text}))
    assert "Intact." in checked
    journey = shown(
        auditor.get("/app/integrity", query_string={"journey_id": str(record.journey_id)})
    )
    assert "One journey's history" in journey
    assert "A signed checkpoint" in journey
    bad = shown(auditor.get("/app/integrity", query_string={"checkpoint": "{"}), 422)
    assert 'id="filter-checkpoint-error">Must be a checkpoint' in bad
    assert shown(auditor.get("/app/integrity", query_string={"purpose": "audit"}), 422)


PARAMETERS = {
    "/app/decisions": [
        "kind",
        "decider",
        "journey",
        "decided_from",
        "decided_to",
        "limit",
        "after",
    ],
    "/app/decisions/export": ["kind", "decider", "journey", "decided_from", "decided_to"],
    "/app/corrections": ["corrector", "journey", "recorded_from", "recorded_to", "limit", "after"],
    "/app/access-log": ["practitioner", "client", "accessed_from", "accessed_to", "limit", "after"],
    "/app/access-log/export": ["practitioner", "client", "accessed_from", "accessed_to"],
    "/app/integrity": ["journey_id", "checkpoint"],
}


# On the SQLite file only: PostgreSQL's database is the whole session's, not ours to tamper with.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_integrity_page_names_the_first_break_of_an_altered_history(
    as_role: Browser, casework_app: Casework, database_url: str, record: Record
) -> None:
    positions = [
        each.id
        for each in casework_app.recorder.select_notifications(1, 100_000)
        if each.originator_id == record.journey_id
    ]
    RawLog(database_url).edit(positions[2], lambda state: state.replace("facilitator", "x", 1))
    html = shown(as_role(Role.AUDITOR).get("/app/integrity"))
    assert "Not intact." in html
    assert '<th scope="row">altered</th>' in html
    assert f"<td>{positions[2]}</td>" in html
    assert f"<td>{record.journey_id}</td>" in html


@pytest.fixture
def auditor(as_role: Browser) -> FlaskClient:
    return as_role(Role.AUDITOR)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_filter_or_purpose_however_strange_gives_a_server_error(
    auditor: FlaskClient, record: Record, data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from(sorted(PARAMETERS)))
    names = st.sampled_from([*PARAMETERS[path], "purpose"]) | st.text(max_size=10)
    values = st.text(max_size=60) | st.sampled_from(["pause", "audit", "2024-02-30", "9" * 30])
    query = data.draw(st.dictionaries(names, values, max_size=4))
    answer = auditor.get(path, query_string=query)
    assert answer.status_code in {200, 404, 422}, (path, query, answer.text[:500])
    assert answer.mimetype in {"text/html", "text/csv"}
