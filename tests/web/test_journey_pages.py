"""A journey's page, the therapist's day and intake, through the pages as people use them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from api.read_models import projected
from casework.application import Casework
from casework.commands import RegisterPractitioner
from casework.roles import Actor, Role
from projections import queries
from tests.support.journeys import hold_session, ready_journey
from tests.support.staff import Staff, register_staff
from tests.support.web import hidden_fields, page_token, post_form
from tests.web.conftest import SignedIn
from web.choices import journey_choices
from web.commands import schemas
from web.forms import Choices, Control, Group, Input, describe

Browser = Callable[[Role], FlaskClient]


@pytest.fixture
def held(casework_app: Casework, staff: Staff) -> UUID:
    """A journey whose session was held three days ago: its follow-ups are owed."""
    journey = ready_journey(casework_app, staff, "CW-0042")
    hold_session(casework_app, staff, journey, datetime.now(UTC) - timedelta(days=3))
    return journey


def test_my_day_lists_the_therapists_follow_ups_by_urgency_and_records_a_contact(
    as_role: Browser, casework_app: Casework, staff: Staff, held: UUID
) -> None:
    therapist = as_role(Role.INTEGRATION_THERAPIST)
    page = therapist.get("/app/my-day")
    assert page.status_code == 200
    html = page.text
    overdue, due, coming = (
        html.index(title) for title in ("Overdue (1)", "Due today (1)", "Coming this week (2)")
    )
    assert overdue < due < coming
    assert "CW-0042" in html
    assert "Session 1 · integration session 1" in html
    assert "CW-0042" not in html.split("<title>")[1].split("</title>")[0]

    follow_up = casework_app.get_journey(staff[Role.CLINICAL_LEAD], held)["follow_ups"][0]
    answer = post_form(
        therapist,
        "/app/my-day",
        "RecordContact",
        {"kind": "integration_session", "notes": "Went well"},
    )
    assert answer.status_code == 303
    assert "done=RecordContact" in answer.headers["Location"]
    after = casework_app.get_journey(staff[Role.CLINICAL_LEAD], held)["follow_ups"][0]
    assert after["follow_up_id"] == follow_up["follow_up_id"]
    assert after["status"].startswith("done")
    shown = therapist.get(answer.headers["Location"]).text
    assert "Recorded: Record contact." in shown
    assert "Overdue (0)" in shown


def test_a_bad_answer_is_shown_beside_its_field_and_nothing_is_written(
    as_role: Browser, casework_app: Casework, staff: Staff, held: UUID
) -> None:
    lead = as_role(Role.CLINICAL_LEAD)
    page = f"/app/journeys/{held}"
    before = casework_app.get_journey(staff[Role.CLINICAL_LEAD], held)["version"]
    answer = post_form(
        lead, page, "PauseJourney", {"reason": "Low mood", "review_date": "not a date"}
    )
    assert answer.status_code == 422
    field = answer.text.split('id="PauseJourney-review_date-error"', 1)
    assert len(field) == 2
    assert "Not a valid date." in field[1].split("</p>", 1)[0]
    assert 'aria-invalid="true"' in answer.text
    assert "Low mood" in answer.text  # what was typed is kept
    assert casework_app.get_journey(staff[Role.CLINICAL_LEAD], held)["version"] == before


def test_a_broken_rule_is_refused_in_words_and_a_paused_journey_says_why_it_is_not_ready(
    as_role: Browser, casework_app: Casework, staff: Staff, held: UUID
) -> None:
    lead = as_role(Role.CLINICAL_LEAD)
    page = f"/app/journeys/{held}"
    review = (date.today() + timedelta(days=14)).isoformat()
    paused = post_form(
        lead,
        page,
        "PauseJourney",
        {
            "reason": "Low mood",
            "review_date": review,
            "conditions_to_resume": "Mood stable\nGP letter",
        },
    )
    assert paused.status_code == 303
    state = casework_app.get_journey(staff[Role.CLINICAL_LEAD], held)
    assert state["status"] == "paused"
    assert state["decisions"][-1]["conditions_to_resume"] == ["Mood stable", "GP letter"]
    shown = lead.get(paused.headers["Location"]).text
    assert "Not met:</strong> The journey is open" in shown
    assert "The journey is paused: a clinical lead resumes it first." in shown

    again = post_form(
        lead,
        page,
        "PauseJourney",
        {"reason": "Again", "review_date": review, "conditions_to_resume": "Mood stable"},
    )
    assert again.status_code == 409
    refusal = again.text.split('id="form-PauseJourney"', 1)[1].split('class="refusal"', 1)[1]
    assert "paused" in refusal.split("</p>", 1)[0]


def test_a_form_from_an_older_version_of_the_journey_is_refused(
    as_role: Browser, casework_app: Casework, staff: Staff, held: UUID
) -> None:
    lead = as_role(Role.CLINICAL_LEAD)
    page = f"/app/journeys/{held}"
    html = lead.get(page).text
    stale = hidden_fields(html, "/app/commands/StopJourney")
    added = post_form(lead, page, "RecordAddendum", {"entry_version": "1", "text": "Seen again"})
    assert added.status_code == 303, added.text
    stale["rationale"] = "Not suitable"
    answer = lead.post("/app/commands/StopJourney", data=stale)
    assert answer.status_code == 412
    assert "Someone changed this journey since you opened the page" in answer.text
    assert casework_app.get_journey(staff[Role.CLINICAL_LEAD], held)["status"] == "active"


def test_intake_opens_a_journey_and_shows_its_page_with_no_pseudonym_in_the_url_or_title(
    as_role: Browser, casework_app: Casework, staff: Staff
) -> None:
    intake = as_role(Role.INTAKE_COORDINATOR)
    answer = post_form(
        intake,
        "/app/intake",
        "RecordIntake",
        {"client_pseudonym": "CW-7001", "referral_source": "GP", "primary_need": "Trauma"},
    )
    assert answer.status_code == 303
    location = answer.headers["Location"]
    assert location.startswith("/app/journeys/")
    assert "CW-7001" not in location
    shown = intake.get(location)
    assert "Journey of CW-7001" in shown.text
    assert "CW-7001" not in shown.text.split("<title>")[1].split("</title>")[0]
    assert "Not met:</strong> Screening" in shown.text
    assert 'id="form-GiveConsent"' in shown.text
    assert 'id="form-RecordScreeningDecision"' not in shown.text


def test_an_auditor_reads_a_journey_for_the_purpose_picked_and_records_nothing(
    as_role: Browser, flask_app: Flask, staff: Staff, held: UUID
) -> None:
    auditor = as_role(Role.AUDITOR)
    shown = auditor.get(f"/app/journeys/{held}?purpose=quality_review")
    assert shown.status_code == 200
    assert "Your roles record nothing here" in shown.text
    with flask_app.test_request_context(), projected(("access_log",), None) as connection:
        page = queries.access_log_entries(connection, staff.clinic_id, ZoneInfo("UTC"))
    reads = {
        (entry["endpoint"], entry["purpose"])
        for entry in page.items
        if entry["practitioner_id"] == staff.id(Role.AUDITOR)
    }
    assert reads == {("journey", "quality_review"), ("timeline", "quality_review")}


def test_an_unknown_purpose_is_refused_by_name(as_role: Browser, held: UUID) -> None:
    answer = as_role(Role.AUDITOR).get(f"/app/journeys/{held}?purpose=curiosity")
    assert answer.status_code == 422
    assert "purpose" in answer.text


COMMANDS = sorted(schemas())
TEXT = st.text(st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    ["", " ", "0", "-1", "9" * 30, "2026-02-30", "true", "\x00", "😀", "%ED%A0%80", "../../"]
)


def well_formed(control: Input) -> st.SearchStrategy[Any]:
    """Return values a person could give this control: its choices, a date, a number, words."""
    if control.choices:
        return st.sampled_from([value for value, _ in control.choices])
    by_kind: dict[str, st.SearchStrategy[Any]] = {
        "date": st.dates(date(2020, 1, 1), date(2030, 12, 31)).map(date.isoformat),
        "datetime": st.datetimes(datetime(2020, 1, 1), datetime(2030, 12, 31)).map(
            lambda moment: moment.strftime("%Y-%m-%dT%H:%M")
        ),
        "number": st.integers(0, 500).map(str),
        "checkbox": st.just("true"),
    }
    words = st.text(st.characters(categories=["L", "N", "P", "Zs"]), min_size=1, max_size=40)
    return by_kind.get(control.kind, words.filter(str.strip))


def form_fields(command: str, choices: Mapping[str, Choices]) -> dict[str, st.SearchStrategy[Any]]:
    """Return every name the command's form posts, as its schema describes it, with values a
    person could give it, or anything at all: a new field of a command is fuzzed unasked."""
    schema = schemas()[command]
    fields: dict[str, st.SearchStrategy[Any]] = {}
    pending: list[Control] = list(describe(schema.command, schema(), choices))
    while pending:
        control = pending.pop()
        if isinstance(control, Group):
            pending.extend(inner for row in control.rows for inner in row)
        else:
            fields[control.name] = well_formed(control)
    return fields  # each well formed: the test mixes in garbage


GARBAGE = (
    TEXT
    | st.sampled_from(["2026-12-01T10:00", "2031-01-01", "1900-01-01T00:00", "120.5", "1e400"])
    | st.sampled_from(["NaN", "-0", str(uuid4()), "intake_coordinator", "treatment", "eligible"])
    | st.lists(TEXT, max_size=3)
)


@pytest.fixture
def choices(casework_app: Casework, staff: Staff, held: UUID) -> dict[str, Choices]:
    """What the forms offer for the held journey: its sessions and follow-ups, the staff."""
    offered = journey_choices(casework_app.get_journey(staff[Role.CLINICAL_LEAD], held))
    people = [(str(actor.practitioner_id), "") for actor in staff.actors.values()]
    return {**offered, "practitioner_id": people, "co_signer_id": people, "facilitator_ids": people}


@pytest.fixture
def everyone(signed_in: SignedIn, casework_app: Casework, staff: Staff) -> FlaskClient:
    """A browser of someone holding every role: each command gets past its permission."""
    written = casework_app.register_practitioner(
        staff[Role.ADMIN],
        RegisterPractitioner(display_name="All", roles=list(Role), credentials=[], modalities=[]),
    )
    return signed_in(Actor(written.id, staff.clinic_id, frozenset(Role)))


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), command=st.sampled_from(COMMANDS))
def test_no_posted_form_however_strange_gives_a_server_error(
    everyone: FlaskClient,
    held: UUID,
    choices: dict[str, Choices],
    data: st.DataObject,
    command: str,
) -> None:
    fields = form_fields(command, choices)
    careful = data.draw(st.booleans(), label="a careful person")  # every field, well formed
    if not careful:  # and what the page fills in itself, tampered with
        fields |= dict.fromkeys(("expected_version", "next", "form_key", "fixed"), GARBAGE)
    chosen = fields if careful else data.draw(st.sets(st.sampled_from(sorted(fields))))
    values = {
        name: data.draw(fields[name] if careful else fields[name] | GARBAGE, label=name)
        for name in chosen
    }
    values |= data.draw(st.dictionaries(TEXT, GARBAGE, max_size=2), label="strangers")
    token = page_token(everyone.get("/app/journeys").text)
    form = {"journey_id": str(held), **values, "csrf_token": token}
    answer = everyone.post(f"/app/commands/{command}", data=form)
    event(f"answered {answer.status_code}")
    assert answer.status_code < 500, answer.text[:500]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=st.sampled_from(["/app/journeys", "/app/pause-reviews", "/app/sign-ins", "/app/my-day"]),
    query=st.dictionaries(
        st.sampled_from(["status", "phase", "member", "limit", "after", "within_days"])
        | st.sampled_from(["purpose", "practitioner", "happened_from", "at", "done"])
        | TEXT,
        TEXT,
        max_size=4,
    ),
)
def test_no_filter_of_a_list_however_strange_gives_a_server_error(
    as_role: Browser, held: UUID, path: str, query: dict[str, str]
) -> None:
    answer = as_role(Role.CLINICAL_LEAD).get(path, query_string=query)
    assert answer.status_code in {200, 422}, answer.text[:500]


def test_a_journey_of_no_one_or_of_another_clinic_is_a_page_saying_not_found(
    as_role: Browser, casework_app: Casework
) -> None:
    other = ready_journey(casework_app, register_staff(casework_app))
    for journey in (other, uuid4()):
        answer = as_role(Role.CLINICAL_LEAD).get(f"/app/journeys/{journey}")
        assert answer.status_code == 404
        assert answer.mimetype == "text/html"
        assert "No such journey." in answer.text
