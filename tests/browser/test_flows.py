"""Each person's main flow, in the browser, on each store: what they see, and nothing else.

Every step is done as a person does it, by the labels, buttons and links the pages show (the
therapist's day alone starts from data written through the API, as another program would).
Each distinct page a flow visits is checked by axe-core once its main content shows.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from casework.roles import Role
from tests.browser.support import (
    CLINIC_ZONE,
    PSEUDONYM,
    STEP_SECONDS,
    Authenticator,
    Person,
    Served,
    check_accessibility,
    fill_and_submit,
    fill_in,
    labelled,
    local,
    open_form,
    reload_until,
    screenshot,
    sign_in,
    submit,
    submit_refused,
    tab_to,
)

THERAPIST_CLIENT = "CW-1001"
INTAKE_CLIENT = "CW-2002"
PAUSED_CLIENT = "CW-3003"
FACILITATOR = "Demo facilitator (facilitator)"


def clinic_now() -> datetime:
    return datetime.now(CLINIC_ZONE)


@dataclass(frozen=True)
class Held:
    """A journey whose session was held three days ago (the clinic's days)."""

    journey_id: str
    pseudonym: str


@pytest.fixture(scope="module")
def held(served: Served) -> Held:
    """Write, through the API, a journey whose session was held three days ago: of the
    follow-ups its therapist owes, one is overdue, one due today and two come this week."""
    now = clinic_now()
    session_day = now.date() - timedelta(days=3)
    start = datetime(session_day.year, session_day.month, session_day.day, 9, tzinfo=CLINIC_ZONE)
    prepared = (now - timedelta(days=10)).isoformat()
    lead, facilitator = Role.CLINICAL_LEAD, Role.FACILITATOR
    intake = {
        "client_pseudonym": THERAPIST_CLIENT,
        "referral_source": "GP",
        "primary_need": "PTSD after an assault",
        "occurred_at": (now - timedelta(days=30)).isoformat(),
    }
    journey = served.api(Role.INTAKE_COORDINATOR, "POST", "/journeys", intake)["id"]
    path = f"/journeys/{journey}"
    for role in (Role.FACILITATOR, Role.INTEGRATION_THERAPIST):
        member = {"practitioner_id": served.practitioner_id(role), "role": role.value}
        served.api(lead, "POST", f"{path}/care-team", member)
    screening = {
        "outcome": "eligible",
        "criteria": [{"category": "cardiovascular", "result": "met", "note": "BP 120/80"}],
        "rationale": "Nothing stands in the way",
        "valid_until": (now + timedelta(days=90)).date().isoformat(),
        "occurred_at": prepared,
    }
    served.api(lead, "POST", f"{path}/screening-decisions", screening)
    consent = {"kind": "treatment", "occurred_at": prepared}
    served.api(Role.INTAKE_COORDINATOR, "POST", f"{path}/consents", consent)
    preparation = {"duration_minutes": 90, "topics": ["intentions"], "occurred_at": prepared}
    served.api(facilitator, "POST", f"{path}/preparation-sessions", preparation)
    plan = {
        "emergency_contact": "Partner (on file)",
        "transport_plan": "Partner drives",
        "occurred_at": prepared,
    }
    served.api(facilitator, "PUT", f"{path}/safety-plan", plan)
    facilitators = [served.practitioner_id(facilitator)]
    planned = {
        "planned_start": start.isoformat(),
        "planned_end": (start + timedelta(hours=8)).isoformat(),
        "facilitator_ids": facilitators,
        "occurred_at": prepared,
    }
    session = served.api(facilitator, "POST", f"{path}/sessions", planned)["created_id"]
    outcome = {
        "started_at": start.isoformat(),
        "ended_at": (start + timedelta(hours=8)).isoformat(),
        "facilitator_ids": facilitators,
        "doses": [{"kind": "initial", "amount_mg": "120", "given_at": start.isoformat()}],
    }
    served.api(facilitator, "POST", f"{path}/sessions/{session}/outcome", outcome)
    return Held(journey, THERAPIST_CLIENT)


@contextmanager
def signed_in_as(browser: Browser, served: Served, role: Role) -> Iterator[Page]:
    """Yield a page of a browser of its own, signed in as the demo practitioner of `role`."""
    context = browser.new_context()
    try:
        page = context.new_page()
        landed = sign_in(page, served.base_url, served.people[role])
        assert landed.status == 200, page.content()[:2000]
        yield page
    finally:
        context.close()


def go_to(page: Page, place: str) -> None:
    """Open a page of the main menu."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=place).click()
    expect(page.get_by_role("link", name=place, exact=True)).to_have_attribute(
        "aria-current", "page"
    )


def open_journey(page: Page, pseudonym: str, *, check: bool = False) -> str:
    """Find a client by the start of their pseudonym and open their journey; return its id.

    `check`: run axe on the journeys page and the clients found on the way.
    """
    go_to(page, "Journeys")
    if check:
        check_accessibility(page)
    page.get_by_label("Find a client by the start of their pseudonym").fill(pseudonym)
    page.get_by_role("button", name="Find", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients found")
    if check:
        check_accessibility(page)
    page.get_by_role("listitem").filter(has_text=pseudonym).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Journey of {pseudonym}")
    return page.url.split("/app/journeys/", 1)[1].split("?", 1)[0]


def step(page: Page, label: str) -> str:
    """Return what the readiness checklist says of one step: "Met" or "Not met"."""
    item = page.get_by_role("region", name="Ready for the next session?").get_by_role("listitem")
    return item.filter(has_text=label).get_by_role("strong").inner_text().rstrip(":")


# -- 1. the therapist's day ----------------------------------------------------------------------


def test_the_therapist_records_a_contact_and_an_outreach_attempt_from_their_day(
    served: Served, page: Page, held: Held
) -> None:
    page.goto(served.url("/app/sign-in"))
    check_accessibility(page)
    screenshot(page, "sign-in")
    sign_in(page, served.base_url, served.people[Role.INTEGRATION_THERAPIST])
    expect(page).to_have_url(re.compile(r"/app/my-day$"))

    overdue = page.get_by_role("region", name=re.compile(r"^Overdue"))
    due = page.get_by_role("region", name=re.compile(r"^Due today"))
    coming = page.get_by_role("region", name=re.compile(r"^Coming this week"))
    late = overdue.get_by_role(
        "article", name=f"{held.pseudonym}: Session 1 · integration session 1"
    )
    reload_until(page, late)
    expect(due.get_by_role("article", name=re.compile(f"^{held.pseudonym}: "))).to_have_count(1)
    expect(coming.get_by_role("article", name=re.compile(f"^{held.pseudonym}: "))).to_have_count(2)
    check_accessibility(page)
    screenshot(page, "my-day")

    contact = open_form(late, "Record contact")
    fill_and_submit(
        contact,
        {"Kind": "integration session", "Duration (minutes)": "50", "Notes": "Sleeping better"},
    )
    expect(late).to_have_count(0)
    expect(page.get_by_role("heading", name=re.compile(r"^Overdue \(0\)$"))).to_be_visible()

    # With the keyboard alone: an attempt to reach the client about the call due today.
    call = due.get_by_role("article", name=f"{held.pseudonym}: Session 1 · phone check-in (day 2)")
    outreach = call.locator("summary").filter(has_text="Record outreach")
    tab_to(page, outreach, most=80)
    page.keyboard.press("Space")
    form = call.locator("form").filter(has=page.get_by_role("heading", name="Record outreach"))
    channel, outcome = form.get_by_label("Channel"), form.get_by_label("Outcome")
    tab_to(page, channel)
    page.keyboard.type("phone")
    expect(channel).to_have_value("phone")
    tab_to(page, outcome)
    page.keyboard.type("left")
    expect(outcome).to_have_value("left_message")
    tab_to(page, form.get_by_label("Notes"))
    page.keyboard.type("Voicemail; will call again tomorrow")
    check_accessibility(page)
    tab_to(page, form.get_by_role("button", name="Record outreach"))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_have_text("Recorded: Record outreach.")
    expect(call).to_contain_text("1 attempt to reach them so far.")
    call.get_by_role("link", name=held.pseudonym).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Journey of {held.pseudonym}")
    check_accessibility(page)
    follow_ups = page.get_by_role("region", name="Follow-ups")
    rows = follow_ups.get_by_role("row")
    expect(rows.filter(has_text="Session 1 · integration session 1")).to_contain_text("done late")
    expect(
        rows.filter(has_text="Session 1 · phone check-in (day 2)").get_by_role("cell").last
    ).to_have_text("1")


# -- 2. from an intake to a held session ---------------------------------------------------------


def test_an_intake_is_brought_to_a_held_session_by_three_people(
    served: Served, browser: Browser
) -> None:
    now = clinic_now()
    before = now - timedelta(days=1)  # screening, consent, preparation, plan: before the session
    start, end = now - timedelta(hours=4), now - timedelta(hours=1)

    with signed_in_as(browser, served, Role.INTAKE_COORDINATOR) as page:
        expect(page.get_by_role("heading", level=1)).to_have_text("Intake")
        check_accessibility(page)
        screenshot(page, "intake")
        fill_and_submit(
            page.locator("main form"),
            {
                "When it happened": local(now - timedelta(days=2)),
                "Client pseudonym": INTAKE_CLIENT,
                "Referral source": "GP",
                "Primary need": "PTSD after a car crash",
            },
        )
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Journey of {INTAKE_CLIENT}")
        assert step(page, "A facilitator on the care team") == "Not met"
        check_accessibility(page)
        fill_and_submit(
            open_form(page, "Give consent"),
            {"When it happened": local(before), "Kind": "treatment"},
        )
        fill_and_submit(
            open_form(page, "Assign care team member"),
            {"Practitioner": FACILITATOR, "Role": "facilitator"},
        )
        care_team = page.get_by_role("region", name="Care team")
        expect(care_team.get_by_role("listitem")).to_have_text(["Demo facilitator, facilitator"])
        assert step(page, "Consent to treatment in force") == "Met"
        assert step(page, "A facilitator on the care team") == "Met"

    with signed_in_as(browser, served, Role.CLINICAL_LEAD) as page:
        open_journey(page, INTAKE_CLIENT, check=True)
        assert step(page, "Screening: eligible, and valid on the session day") == "Not met"
        fill_and_submit(
            open_form(page, "Record screening decision"),
            {
                "When it happened": local(before),
                "Outcome": "eligible",
                "Criteria 1": {"Category": "cardiovascular", "Result": "met"},
                "Valid until": (now + timedelta(days=90)).date().isoformat(),
            },
        )
        assert step(page, "Screening: eligible, and valid on the session day") == "Met"

    with signed_in_as(browser, served, Role.FACILITATOR) as page:
        open_journey(page, INTAKE_CLIENT)
        fill_and_submit(
            open_form(page, "Record preparation session"),
            {"When it happened": local(before), "Duration (minutes)": "90", "Topics": "intentions"},
        )
        fill_and_submit(
            open_form(page, "Record safety plan"),
            {
                "When it happened": local(before),
                "Emergency contact": "Sister (on file)",
                "Transport plan": "Sister drives home",
            },
        )
        checklist = page.get_by_role("region", name="Ready for the next session?")
        expect(checklist.get_by_role("strong")).to_have_text(["Met:"] * 6)
        fill_and_submit(
            open_form(page, "Schedule session"),
            {
                "When it happened": local(start - timedelta(hours=1)),
                "Planned start": local(start),
                "Planned end": local(end),
                "Facilitators": {FACILITATOR: True},
                "Location": "Room 2",
            },
        )
        outcome = open_form(page, "Record session outcome")
        fill_in(
            outcome,
            {
                "Session": "Session 1: scheduled",
                "Started at": local(start),
                "Ended at": local(end),
                "Facilitators": {FACILITATOR: True},
                "Doses": {
                    "Doses 1": {
                        "Kind": "initial",
                        "Amount mg": "120",
                        "Given at": local(start + timedelta(minutes=10)),
                    }
                },
            },
        )
        check_accessibility(page)  # the largest form, open and filled in
        submit(outcome)
        sessions = page.get_by_role("region", name="Sessions").get_by_role("row")
        expect(sessions.nth(1).get_by_role("cell").nth(1)).to_have_text("held")
        expect(sessions.nth(1)).to_contain_text("initial 120")
        follow_ups = page.get_by_role("region", name="Follow-ups").get_by_role("row")
        expect(follow_ups).to_have_count(6)  # the heading's row and the five the schedule owes
        expect(follow_ups.nth(1)).to_contain_text("Session 1 · integration session 1")
        check_accessibility(page)
        screenshot(page, "journey")


# -- 3. a screening refused, then recorded, and a pause ------------------------------------------


def test_a_clinical_lead_corrects_a_refused_screening_then_pauses_the_journey(
    served: Served, page: Page
) -> None:
    today = clinic_now().date()
    sign_in(page, served.base_url, served.people[Role.CLINICAL_LEAD])
    go_to(page, "Intake")
    check_accessibility(page)
    fill_and_submit(
        page.locator("main form"),
        {"Client pseudonym": PAUSED_CLIENT, "Referral source": "Self", "Primary need": "Grief"},
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Journey of {PAUSED_CLIENT}")

    screening = open_form(page, "Record screening decision")
    fill_in(
        screening,
        {
            "Outcome": "eligible",
            "Criteria 1": {"Category": "psychiatric", "Note": "No history of psychosis"},
            "Valid until": (today + timedelta(days=60)).isoformat(),
        },
    )
    answer = submit_refused(screening)

    assert answer.status == 422
    result = screening.get_by_role("group", name="Criteria 1").get_by_label("Result")
    expect(result).to_have_attribute("aria-invalid", "true")
    expect(result).to_have_accessible_description("Missing data for required field.")
    expect(result).to_be_focused()  # where a keyboard or screen reader user goes on from
    expect(screening.get_by_label("Valid until")).to_have_value(
        (today + timedelta(days=60)).isoformat()
    )
    assert step(page, "Screening: eligible, and valid on the session day") == "Not met"
    check_accessibility(page)

    fill_and_submit(screening, {"Criteria 1": {"Result": "met"}})
    assert step(page, "Screening: eligible, and valid on the session day") == "Met"
    decisions = page.get_by_role("region", name="Screening decisions")
    expect(decisions.get_by_role("heading", level=3)).to_have_text(re.compile(r"^eligible, "))

    review = today + timedelta(days=3)
    fill_and_submit(
        open_form(page, "Pause journey"),
        {
            "Reason": "Bereavement in the family",
            "Review date": review.isoformat(),
            "Conditions to resume": "Sleep restored\nSupport at home in place",
        },
    )
    assert step(page, "The journey is open") == "Not met"
    expect(page.get_by_role("region", name="Ready for the next session?")).to_contain_text(
        "The journey is paused: a clinical lead resumes it first."
    )
    expect(page.get_by_role("region", name="Pause, resume, stop and closure")).to_contain_text(
        f"pause: Bereavement in the family (review on {review:%-d %b %Y})"
    )

    go_to(page, "Pause reviews")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pause reviews due")
    listed = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=PAUSED_CLIENT, exact=True)
    )
    expect(listed).to_have_count(0)  # its review is in three days, not due yet
    check_accessibility(page)
    page.get_by_label("Also those due within this many days").fill("7")
    page.get_by_role("button", name="Show").click()
    reload_until(page, listed)
    expect(listed.get_by_role("cell").nth(1)).to_have_text(f"{review:%-d %b %Y}")
    check_accessibility(page)
    screenshot(page, "pause-reviews")


# -- 4. an auditor's review ----------------------------------------------------------------------


def test_an_auditor_reviews_decisions_and_finds_their_own_reads_in_the_access_log(
    served: Served, page: Page, held: Held
) -> None:
    sign_in(page, served.base_url, served.people[Role.AUDITOR])
    expect(page.get_by_role("heading", level=1)).to_have_text("Decision register")
    check_accessibility(page)

    page.get_by_label("Kind of decision").select_option(label="screening")
    page.get_by_label("Decided by").select_option(label="Demo clinical lead")
    page.get_by_role("button", name="Show").click()
    register = page.get_by_role("table", name="Decisions, filtered")
    screened = register.get_by_role("row").filter(has_text=held.journey_id)
    reload_until(page, screened)
    expect(screened).to_contain_text("Nothing stands in the way")
    for row in register.get_by_role("row").all()[1:]:
        decision = row.get_by_role("cell").first.inner_text()
        assert decision.startswith("screening: "), decision
    screenshot(page, "decisions")

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download CSV").click()
    download = downloading.value
    assert download.suggested_filename == "decisions.csv"
    with open(download.path(), newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert {row["kind"] for row in rows} == {"screening"}
    assert {row["decider_name"] for row in rows} == {"Demo clinical lead"}
    assert held.journey_id in {row["journey_id"] for row in rows}

    go_to(page, "Corrections")
    expect(page.get_by_role("heading", level=1)).to_have_text("Corrections")
    check_accessibility(page)
    go_to(page, "Access log")
    expect(page.get_by_role("heading", level=1)).to_have_text("Access log")
    check_accessibility(page)

    open_journey(page, held.pseudonym, check=True)
    page.get_by_label("Purpose of reading").select_option(label="quality review")
    page.get_by_role("button", name="Read again for this purpose").click()
    expect(page).to_have_url(re.compile(r"[?&]purpose=quality_review\b"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Journey of {held.pseudonym}")
    expect(
        page.get_by_text("Your roles record nothing here: this page is for reading.")
    ).to_be_visible()
    check_accessibility(page)

    go_to(page, "Access log")
    page.get_by_label("Read by").select_option(label="Demo auditor")
    page.get_by_role("button", name="Show").click()
    reads = page.get_by_role("table", name="Reads of client records, filtered")
    mine = (
        reads.get_by_role("row").filter(has_text=held.journey_id).filter(has_text="quality review")
    )
    reload_until(page, mine)
    expect(mine.first).to_contain_text("Demo auditor")
    check_accessibility(page)
    screenshot(page, "access-log")

    go_to(page, "Integrity")
    expect(page.get_by_role("status")).to_contain_text("Intact.")
    newest = page.get_by_role("region", name="Newest signed checkpoint")
    # The demo server runs no sealer (`casework checkpoints seal`): there is nothing to download.
    expect(newest).to_contain_text("No checkpoint covers this clinic's history yet.")
    expect(newest.get_by_role("link", name="Download the checkpoint")).to_have_count(0)
    check_accessibility(page)
    screenshot(page, "integrity")


# -- 5. an admin invites a new member of staff ---------------------------------------------------


def test_an_admin_registers_and_invites_a_practitioner_who_then_signs_in(
    served: Served, page: Page, browser: Browser
) -> None:
    sign_in(page, served.base_url, served.people[Role.ADMIN])
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff")
    check_accessibility(page)
    screenshot(page, "staff")

    new_staff = page.get_by_role("region", name="New staff")
    fill_and_submit(
        new_staff.locator("form"),
        {"Display name": "Noor Visser", "Roles": {"integration therapist": True}},
    )
    page.get_by_role("link", name="Noor Visser").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Noor Visser")
    check_accessibility(page)
    sign_in_by_browser = page.get_by_role("region", name="Sign-in by browser")
    sign_in_by_browser.get_by_label(labelled("User name")).fill("noor.visser")
    with page.expect_response(re.compile(r"/invitations$")) as answered:
        sign_in_by_browser.get_by_role("button", name="Invite practitioner").click()
    assert answered.value.status == 201
    assert answered.value.headers["cache-control"] == "no-store"  # no cache keeps the link
    shown = page.get_by_role("status").filter(has_text="Invitation made: give them this link")
    expect(shown).to_contain_text("noor.visser")
    link = shown.locator("code").inner_text()
    assert re.fullmatch(rf"{re.escape(served.base_url)}/app/welcome/\S+", link), link
    check_accessibility(page)
    screenshot(page, "practitioner")

    newcomer = browser.new_context()
    try:
        welcome = newcomer.new_page()
        welcome.goto(link)
        expect(welcome.get_by_role("heading", level=1)).to_have_text("Set up your sign-in")
        check_accessibility(welcome)
        screenshot(welcome, "welcome")
        key = welcome.get_by_label(re.compile(r"^Key: ")).inner_text().replace(" ", "")
        password = "a long phrase noor chose herself"
        welcome.get_by_label("New password", exact=True).fill(password)
        welcome.get_by_label("The same password again", exact=True).fill(password)
        welcome.get_by_label("Code the app shows now", exact=True).fill(pyotp.TOTP(key).now())
        welcome.get_by_role("button", name="Save and go to sign in").click()
        expect(welcome.get_by_role("heading", level=1)).to_have_text("Sign-in set up")
        check_accessibility(welcome)
        noor = Person(
            Role.INTEGRATION_THERAPIST,
            "noor.visser",
            password,
            Authenticator(key, int(time.time() // STEP_SECONDS)),  # the step just used
        )
        welcome.get_by_role("link", name="Sign in").click()
        landed = sign_in(welcome, served.base_url, noor)
        assert landed.status == 200
        expect(welcome.get_by_role("heading", level=1)).to_have_text("My day")
        check_accessibility(welcome)

        again = welcome.goto(link)
        assert again is not None
        assert again.status == 404
        expect(welcome.get_by_role("heading", level=1)).to_have_text("Invitation not valid")
        check_accessibility(welcome)
    finally:
        newcomer.close()

    go_to(page, "Staff")
    listed = page.get_by_role("row").filter(
        has=page.get_by_role("link", name="Noor Visser", exact=True)
    )
    expect(listed.get_by_role("cell")).to_have_text(
        ["Noor Visser", "integration therapist", "yes", re.compile(r"\d")]
    )
    listed.get_by_role("link", name="Noor Visser").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Noor Visser")
    expect(page.get_by_text("/app/welcome/")).to_have_count(0)  # the link was shown once only


# -- a form without its token --------------------------------------------------------------------


def test_a_form_posted_without_its_token_is_refused_and_writes_nothing(
    served: Served, page: Page
) -> None:
    sign_in(page, served.base_url, served.people[Role.INTAKE_COORDINATOR])
    open_journey(page, PSEUDONYM)
    version = page.get_by_text(re.compile(r"Version \d+\.")).inner_text()
    consent = open_form(page, "Give consent")
    fill_in(consent, {"Kind": "recording", "Notes": "Audio only"})
    consent.evaluate("form => form.querySelector('input[name=csrf_token]').remove()")

    answer = submit_refused(consent)

    assert answer.status == 400
    refusal = page.get_by_role("alert")
    expect(refusal).to_have_text(
        "This form is out of date or came from elsewhere: reload the page and retry."
    )
    expect(refusal).to_be_focused()
    check_accessibility(page)
    page.reload()
    expect(page.get_by_text(re.compile(r"Version \d+\."))).to_have_text(version)
    consents = page.get_by_role("region", name="Consents")
    expect(consents.get_by_role("cell", name="recording")).to_have_count(0)
