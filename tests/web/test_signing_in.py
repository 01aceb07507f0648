"""Signing in and out by browser: passwords, codes, slowing down, timeouts, form tokens."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import timedelta
from uuid import uuid4

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select, update

from casework.application import Casework
from casework.clock import utc_now
from casework.commands import DeactivatePractitioner, InvitePractitioner
from casework.errors import InvalidInput
from casework.roles import Role
from casework.sign_in import Invitation, SignInAccount, account_id_for, invitation_id_for
from projections.tables import browser_sessions
from tests.support.journeys import ready_journey
from tests.support.staff import Staff
from tests.support.web import PASSWORD, enrol, form_token, post_form
from tests.web.conftest import user_name_of
from web.browser_sessions import COOKIE

Browser = Callable[[Role], FlaskClient]


@pytest.fixture
def name() -> str:
    """A user name no other test uses (PostgreSQL's store is shared by the session)."""
    return f"u-{uuid4().hex[:12]}"


def attempt(client: FlaskClient, user_name: str, password: str, code: str) -> int:
    """Post the sign-in form; return the status."""
    data = {
        "csrf_token": form_token(client, "/app/sign-in"),
        "user_name": user_name,
        "password": password,
        "code": code,
    }
    return client.post("/app/sign-in", data=data).status_code


RECORDED = SignInAccount.SignedIn | SignInAccount.SignInFailed | SignInAccount.SignedOut


def history(app: Casework, user_name: str) -> list[str]:
    """Return the account's recorded sign-in events, by name (and failure reason)."""
    return [
        f"{type(event).__name__}:{getattr(event, 'reason', '')}".rstrip(":")
        for event in app.events.get(account_id_for(user_name))
        if isinstance(
            event, SignInAccount.SignedIn | SignInAccount.SignInFailed | SignInAccount.SignedOut
        )
    ]


def test_a_password_and_a_fresh_code_sign_in_and_every_attempt_is_recorded(
    flask_app: Flask, casework_app: Casework, staff: Staff, name: str
) -> None:
    key = enrol(casework_app, staff[Role.FACILITATOR], name)
    browser = flask_app.test_client()
    now = pyotp.TOTP(key).at(time.time() + 30)
    assert attempt(browser, name, "wrong password here", now) == 401
    assert attempt(browser, name, PASSWORD, "000000" if now != "000000" else "111111") == 401
    assert attempt(browser, "nobody", PASSWORD, now) == 401
    assert browser.get_cookie(COOKIE) is None
    assert attempt(browser, name.upper(), PASSWORD, now) == 303  # names compare folded
    assert browser.get_cookie(COOKIE) is not None
    assert browser.get("/app/").status_code == 303
    second = flask_app.test_client()
    assert attempt(second, name, PASSWORD, now) == 401  # a code is good once
    assert history(casework_app, name) == [
        "SignInFailed:wrong_password",
        "SignInFailed:wrong_code",
        "SignedIn",
        "SignInFailed:wrong_code",
    ]


def test_repeated_failures_slow_the_account_down_whatever_is_typed(
    flask_app: Flask, casework_app: Casework, staff: Staff, name: str
) -> None:
    key = enrol(casework_app, staff[Role.FACILITATOR], name)
    browser = flask_app.test_client()
    for _ in range(3):
        assert attempt(browser, name, "wrong password here", "123456") == 401
    refused = browser.post(
        "/app/sign-in",
        data={
            "csrf_token": form_token(browser, "/app/sign-in"),
            "user_name": name,
            "password": PASSWORD,
            "code": pyotp.TOTP(key).at(time.time() + 30),
        },
    )
    assert refused.status_code == 401
    assert "Too many failed attempts" in refused.text
    assert browser.get_cookie(COOKIE) is None


def test_a_form_without_its_token_is_refused_and_changes_nothing(
    as_role: Browser, flask_app: Flask, casework_app: Casework, staff: Staff
) -> None:
    stranger = flask_app.test_client()
    assert (
        stranger.post(
            "/app/sign-in", data={"user_name": "x", "password": "y", "code": "1"}
        ).status_code
        == 400
    )
    lead = as_role(Role.CLINICAL_LEAD)
    journey = ready_journey(casework_app, staff)
    before = casework_app.get_journey(staff[Role.CLINICAL_LEAD], journey)["version"]
    forged = {"journey_id": str(journey), "rationale": "Forged", "csrf_token": "0" * 64}
    assert lead.post("/app/commands/StopJourney", data=forged).status_code == 400
    del forged["csrf_token"]
    assert lead.post("/app/commands/StopJourney", data=forged).status_code == 400
    assert casework_app.get_journey(staff[Role.CLINICAL_LEAD], journey)["version"] == before
    assert (
        post_form(
            lead, f"/app/journeys/{journey}", "StopJourney", {"rationale": "Real"}
        ).status_code
        == 303
    )


def test_signing_out_ends_the_session_for_good(
    as_role: Browser, flask_app: Flask, casework_app: Casework, staff: Staff
) -> None:
    lead = as_role(Role.CLINICAL_LEAD)
    cookie = lead.get_cookie(COOKIE)
    assert cookie is not None
    token = form_token(lead, "/app/journeys")
    out = lead.post("/app/sign-out", data={"csrf_token": token})
    assert out.status_code == 303
    assert "ended=signed_out" in out.headers["Location"]
    replayed = flask_app.test_client()
    replayed.set_cookie(COOKIE, cookie.value)
    assert replayed.get("/app/journeys").headers["Location"].startswith("/app/sign-in")
    assert (
        history(casework_app, user_name_of(staff[Role.CLINICAL_LEAD]))[-1] == "SignedOut:signed_out"
    )


@pytest.mark.parametrize(("limit", "ended"), [("idle", "idle"), ("lifetime", "expired")])
def test_an_idle_or_old_session_is_signed_out(
    as_role: Browser,
    flask_app: Flask,
    casework_app: Casework,
    staff: Staff,
    limit: str,
    ended: str,
) -> None:
    lead = as_role(Role.CLINICAL_LEAD)
    assert lead.get("/app/journeys").status_code == 200
    sessions = flask_app.extensions["browser_sessions"]
    setattr(sessions, limit, timedelta(0))  # as if the limit had passed since
    answer = lead.get("/app/journeys")
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/app/sign-in?ended={ended}"
    expected = {"idle": "after a while without activity", "expired": "reached its time limit"}
    assert expected[ended] in lead.get(answer.headers["Location"]).text
    assert (
        history(casework_app, user_name_of(staff[Role.CLINICAL_LEAD]))[-1] == f"SignedOut:{ended}"
    )
    setattr(sessions, limit, timedelta(hours=12))
    assert lead.get("/app/journeys").status_code == 303  # and stays out


def test_a_deactivated_practitioner_is_signed_out_at_their_next_page(
    as_role: Browser, casework_app: Casework, staff: Staff
) -> None:
    facilitator = as_role(Role.FACILITATOR)
    assert facilitator.get("/app/my-day").status_code == 200
    casework_app.deactivate_practitioner(
        staff[Role.ADMIN],
        DeactivatePractitioner(practitioner_id=staff.id(Role.FACILITATOR), reason="Left"),
    )
    answer = facilitator.get("/app/my-day")
    assert answer.headers["Location"] == "/app/sign-in?ended=deactivated"


def test_pages_are_never_cached_nor_framed_and_the_cookie_is_the_hosts_alone(
    as_role: Browser, flask_app: Flask
) -> None:
    lead = as_role(Role.CLINICAL_LEAD)
    page = lead.get("/app/journeys")
    assert page.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    stranger = flask_app.test_client().get("/app/sign-in")
    cookie = stranger.headers["Set-Cookie"]
    assert all(part in cookie for part in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/"))
    assert cookie.startswith("__Host-")


def test_an_invitation_link_works_once(
    flask_app: Flask, casework_app: Casework, staff: Staff, name: str
) -> None:
    invitation = casework_app.invite_practitioner(
        staff[Role.ADMIN],
        InvitePractitioner(practitioner_id=staff.id(Role.AUDITOR), user_name=name),
    )
    browser = flask_app.test_client()
    page = f"/app/welcome/{invitation.secret}"
    shown = browser.get(page)
    assert shown.status_code == 200
    assert "<svg" in shown.text
    key = casework_app.open_invitation(invitation.secret).totp_secret  # type: ignore[union-attr]
    grouped = " ".join(key[i : i + 4] for i in range(0, len(key), 4))
    assert grouped in shown.text  # the key as text, for typing into the app
    data = {
        "csrf_token": form_token(browser, page),
        "password": "short",
        "password_again": "short",
        "code": pyotp.TOTP(key).now(),
    }
    assert browser.post(page, data=data).status_code == 422
    data |= {"password": PASSWORD, "password_again": PASSWORD}
    assert browser.post(page, data=data).status_code == 200
    assert browser.get(page).status_code == 404
    assert browser.post(page, data=data).status_code == 404


def test_an_expired_invitation_opens_nothing(
    casework_app: Casework, staff: Staff, name: str
) -> None:
    invitation = casework_app.invite_practitioner(
        staff[Role.ADMIN],
        InvitePractitioner(practitioner_id=staff.id(Role.AUDITOR), user_name=name),
    )
    stored = casework_app.repository.get(invitation_id_for(invitation.secret))
    assert isinstance(stored, Invitation)
    assert stored.usable_at(invitation.expires_at - timedelta(seconds=1))
    assert not stored.usable_at(invitation.expires_at)


def test_a_user_name_belongs_to_one_practitioner(
    casework_app: Casework, staff: Staff, name: str
) -> None:
    enrol(casework_app, staff[Role.AUDITOR], name)
    with pytest.raises(InvalidInput) as refused:
        casework_app.invite_practitioner(
            staff[Role.ADMIN],
            InvitePractitioner(practitioner_id=staff.id(Role.FACILITATOR), user_name=name.upper()),
        )
    assert "user_name" in refused.value.errors


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    fields=st.dictionaries(
        st.sampled_from(["user_name", "password", "code", "password_again", "csrf_token"]),
        st.text(max_size=300) | st.sampled_from(["", "x" * 10_000, "\x00", "ü" * 300]),
    )
)
def test_no_sign_in_or_welcome_form_however_strange_gives_a_server_error(
    flask_app: Flask, casework_app: Casework, staff: Staff, fields: dict[str, str]
) -> None:
    browser = flask_app.test_client()
    token = form_token(browser, "/app/sign-in")
    for path in ("/app/sign-in", "/app/welcome/ci_unknown", "/app/welcome/" + "x" * 300):
        answer = browser.post(path, data={"csrf_token": token, **fields})
        assert answer.status_code < 500


def test_the_auditor_reads_who_signed_in_failed_and_left_without_what_was_typed(
    as_role: Browser, flask_app: Flask, casework_app: Casework, staff: Staff, name: str
) -> None:
    key = enrol(casework_app, staff[Role.FACILITATOR], name)
    attempt(flask_app.test_client(), name, "hunter2 is my password", pyotp.TOTP(key).now())
    auditor = as_role(Role.AUDITOR)
    page = auditor.get("/app/sign-ins")
    assert page.status_code == 200
    rows = page.text.split("<tbody>", 1)[1]
    assert "sign in failed" in rows
    assert "wrong password" in rows
    assert "invited" in rows
    assert "set up" in rows
    assert "signed in" in rows
    assert "hunter2" not in page.text
    only = auditor.get(f"/app/sign-ins?practitioner={staff.id(Role.FACILITATOR)}").text
    only_rows = only.split("<tbody>", 1)[1]
    assert "sign in failed" in only_rows
    assert "<td>auditor</td>" in rows
    assert "<td>auditor</td>" not in only_rows
    assert auditor.get("/app/sign-ins?happened_from=yesterday").status_code == 422
    assert as_role(Role.FACILITATOR).get("/app/sign-ins").status_code == 403


def test_whoever_writes_to_the_database_cannot_make_or_move_a_session(
    as_role: Browser, flask_app: Flask, staff: Staff
) -> None:
    facilitator = as_role(Role.FACILITATOR)
    admin_account = account_id_for(user_name_of(staff[Role.ADMIN]))
    as_role(Role.ADMIN)  # the admin has an account, and a session of their own
    engine = flask_app.extensions["read_models"].engine
    cookie = "forged-cookie"
    now = utc_now()
    with engine.begin() as connection:  # a row for a cookie the forger chose
        connection.execute(
            insert(browser_sessions).values(
                session_key=hashlib.sha256(cookie.encode()).hexdigest(),
                account_id=admin_account,
                practitioner_id=staff.id(Role.ADMIN),
                started_at=now,
                last_seen_at=now,
                seal="0" * 64,
            )
        )
    forger = flask_app.test_client()
    forger.set_cookie(COOKIE, cookie)
    assert forger.get("/app/staff").status_code == 303  # to sign in
    own = facilitator.get_cookie(COOKIE)
    assert own is not None
    mine = flask_app.extensions["browser_sessions"].session_key(own.value)
    with engine.begin() as connection:  # their own session, moved to the admin's account
        connection.execute(
            update(browser_sessions)
            .where(browser_sessions.c.session_key == mine)
            .values(account_id=admin_account, practitioner_id=staff.id(Role.ADMIN))
        )
    assert facilitator.get("/app/staff").status_code == 303


def test_a_session_past_its_lifetime_is_forgotten_when_another_begins(
    as_role: Browser, flask_app: Flask, staff: Staff
) -> None:
    as_role(Role.CLINICAL_LEAD)
    sessions = flask_app.extensions["browser_sessions"]
    lead = account_id_for(user_name_of(staff[Role.CLINICAL_LEAD]))
    engine = flask_app.extensions["read_models"].engine
    sessions.lifetime = timedelta(0)
    as_role(Role.AUDITOR)  # another begins
    with engine.connect() as connection:
        left = connection.execute(
            select(browser_sessions.c.account_id).where(browser_sessions.c.account_id == lead)
        ).all()
    assert left == []


def test_while_the_store_is_away_a_page_and_a_form_say_so_as_pages(
    as_role: Browser, flask_app: Flask, staff: Staff
) -> None:
    lead = as_role(Role.CLINICAL_LEAD)
    outage = flask_app.extensions["store_outage"]  # as just after a write found the store gone
    outage.away, outage.probed_at = True, time.monotonic()
    for answer in (
        lead.get("/app/journeys"),
        lead.post("/app/commands/StopJourney", data={"rationale": "x"}),
        flask_app.test_client().get("/app/sign-in"),
    ):
        assert answer.status_code == 503
        assert answer.mimetype == "text/html"
        assert answer.headers["Retry-After"] == "1"
        assert "The record store is unavailable" in answer.text
