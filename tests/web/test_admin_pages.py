"""Staff, a practitioner's page and the clinic's settings, as an admin uses them; and the
invitation route of the API the page's invitation form shares its rules with."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from casework.application import Casework
from casework.commands import InvitePractitioner
from casework.errors import InvalidInput
from casework.roles import Role
from casework.sign_in import USER_NAME_PATTERN, Invitation, account_id_for, invitation_id_for
from tests.support.staff import Staff, issue_token
from tests.support.web import PASSWORD, form_token, page_token, post_form

Browser = Callable[[Role], FlaskClient]
SECRET = re.compile(r'<code class="secret">([^<]+)</code>')


class _FilledForm(HTMLParser):
    """Collect what a form on the page would send as it stands: inputs, selects, textareas."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.data = action, False, MultiDict[str, str]()
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = named.get("action") == self.action and not self.data
        elif not self.inside:
            return
        elif tag == "input" and (named.get("type") != "checkbox" or "checked" in named):
            self.data.add(named["name"], named.get("value", ""))
        elif tag == "select":
            self.select = named["name"]
        elif tag == "option" and self.select is not None and "selected" in named:
            self.data.add(self.select, named["value"])
        elif tag == "textarea":
            self.textarea = named["name"]
            self.data.add(self.textarea, "")

    def handle_data(self, data: str) -> None:
        if self.inside and self.textarea is not None:
            self.data.setlist(self.textarea, [self.data[self.textarea] + data])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def filled_form(html: str, action: str) -> MultiDict[str, str]:
    """Return what the first form posting to `action` sends if submitted as shown."""
    parser = _FilledForm(action)
    parser.feed(html)
    assert parser.data, f"no form posting to {action}"
    return parser.data


def written(app: Casework) -> int:
    """Return the log's last position: a refusal leaves it where it was."""
    position: int = app.recorder.max_notification_id() or 0
    return position


def title_of(html: str) -> str:
    return html.split("<title>")[1].split("</title>")[0]


def issue_on_page(admin: FlaskClient, practitioner_id: UUID, **data: str) -> TestResponse:
    """Post the issue-token form of the practitioner's page."""
    page = f"/app/staff/{practitioner_id}"
    token = page_token(admin.get(page).text)
    return admin.post(f"{page}/tokens", data={"csrf_token": token, **data})


def invite_on_page(admin: FlaskClient, practitioner_id: UUID, user_name: str) -> TestResponse:
    """Post the invitation form of the practitioner's page."""
    page = f"/app/staff/{practitioner_id}"
    token = page_token(admin.get(page).text)
    return admin.post(f"{page}/invitations", data={"csrf_token": token, "user_name": user_name})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- staff and roles -----------------------------------------------------------------------------


def test_an_admin_registers_a_practitioner_and_grants_them_a_role(
    as_role: Browser, casework_app: Casework, staff: Staff
) -> None:
    admin = as_role(Role.ADMIN)
    listed = admin.get("/app/staff")
    assert listed.status_code == 200
    assert "facilitator 2" in listed.text
    assert title_of(listed.text) == "Staff · Casework"

    answer = post_form(
        admin,
        "/app/staff",
        "RegisterPractitioner",
        {"display_name": "Dana Example", "roles": ["auditor"], "modalities": "IFS\npsychodrama"},
    )
    assert answer.status_code == 303
    assert "done=RegisterPractitioner" in answer.headers["Location"]
    after = admin.get(answer.headers["Location"])
    assert "Recorded: Register practitioner." in after.text
    link = re.search(r'href="/app/staff/([0-9a-f-]{36})">Dana Example<', after.text)
    assert link is not None
    dana = UUID(link[1])
    registered = casework_app.get_practitioner(staff[Role.ADMIN], dana)
    assert registered.roles == {"auditor"}
    assert registered.modalities == ["IFS", "psychodrama"]

    page = f"/app/staff/{dana}"
    shown = admin.get(page)
    assert shown.status_code == 200
    assert "Dana Example" not in title_of(shown.text)  # a person's name is never a page's title
    assert admin.get(f"/app/staff/{uuid4()}").status_code == 404
    granted = post_form(
        admin, page, "GrantRole", {"role": "facilitator", "reason": "Trained as facilitator"}
    )
    assert granted.status_code == 303
    assert casework_app.get_practitioner(staff[Role.ADMIN], dana).roles == {
        "auditor",
        "facilitator",
    }
    assert "Trained as facilitator" in admin.get(granted.headers["Location"]).text


def test_a_token_is_shown_once_works_against_the_api_and_stops_when_revoked(
    flask_app: Flask, as_role: Browser, casework_app: Casework, staff: Staff
) -> None:
    admin = as_role(Role.ADMIN)
    auditor = staff.id(Role.AUDITOR)
    issued = issue_on_page(admin, auditor, label="reporting laptop")
    assert issued.status_code == 201
    assert issued.headers["Cache-Control"] == "no-store"
    found = SECRET.search(issued.text)
    assert found is not None
    secret = found[1]
    assert secret not in (issued.headers.get("Location") or "")

    api = flask_app.test_client()
    assert api.get("/practitioners", headers=bearer(secret)).status_code == 200

    again = admin.get(f"/app/staff/{auditor}")
    assert secret not in again.text  # shown once
    assert "reporting laptop" in again.text
    assert "never" not in again.text.split("reporting laptop")[1].split("</tr>")[0]  # used

    offered = re.search(r'<option value="([0-9a-f-]{36})">reporting laptop', again.text)
    assert offered is not None
    revoked = post_form(
        admin,
        f"/app/staff/{auditor}",
        "RevokeToken",
        {"token_id": offered[1], "reason": "Laptop replaced"},
    )
    assert revoked.status_code == 303
    assert api.get("/practitioners", headers=bearer(secret)).status_code == 401


def test_an_invitation_link_is_shown_once_opens_the_welcome_page_and_then_nothing(
    flask_app: Flask, as_role: Browser, casework_app: Casework, staff: Staff
) -> None:
    admin = as_role(Role.ADMIN)
    auditor = staff.id(Role.AUDITOR)
    user_name = f"audrey.{uuid4().hex[:8]}"  # user names are clinic-wide, the store session-wide
    invited = invite_on_page(admin, auditor, user_name)
    assert invited.status_code == 201
    assert invited.headers["Cache-Control"] == "no-store"
    found = SECRET.search(invited.text)
    assert found is not None
    link = found[1]
    assert link.startswith("http://localhost/app/welcome/ci_")
    secret = link.rsplit("/", 1)[1]
    expires_at = casework_app.repository.get(invitation_id_for(secret)).expires_at
    assert isinstance(casework_app.repository.get(invitation_id_for(secret)), Invitation)
    clinic_time = expires_at.astimezone(ZoneInfo(staff.time_zone)).strftime("%-d %b %Y, %H:%M")
    assert f"until {clinic_time}" in invited.text
    assert secret not in admin.get(f"/app/staff/{auditor}").text

    newcomer = flask_app.test_client()
    welcome = newcomer.get(f"/app/welcome/{secret}")
    assert welcome.status_code == 200
    assert user_name in welcome.text
    opened = casework_app.open_invitation(secret)
    assert opened is not None
    key = opened.totp_secret
    accepted = newcomer.post(
        f"/app/welcome/{secret}",
        data={
            "csrf_token": page_token(welcome.text),
            "password": PASSWORD,
            "password_again": PASSWORD,
            "code": pyotp.TOTP(key).now(),
        },
    )
    assert accepted.status_code == 200, accepted.text
    signed_in = newcomer.post(
        "/app/sign-in",
        data={
            "csrf_token": form_token(newcomer, "/app/sign-in"),
            "user_name": user_name,
            "password": PASSWORD,
            "code": pyotp.TOTP(key).at(time.time() + 30),
        },
    )
    assert signed_in.status_code == 303
    assert newcomer.get("/app/", follow_redirects=True).status_code == 200
    assert flask_app.test_client().get(f"/app/welcome/{secret}").status_code == 404


# -- the clinic's settings -----------------------------------------------------------------------


def test_the_settings_form_holds_the_settings_in_force_and_changes_what_the_admin_changes(
    as_role: Browser, casework_app: Casework, staff: Staff
) -> None:
    admin = as_role(Role.ADMIN)
    before = casework_app.get_clinic(staff.clinic_id)
    page = admin.get("/app/clinic")
    assert page.status_code == 200
    form = filled_form(page.text, "/app/commands/ChangeClinicSettings")
    assert form["time_zone"] == "Europe/Amsterdam"
    assert form["follow_up_schedule-0-label"] == before.follow_up_schedule[0]["label"]
    assert form["follow_up_schedule-0-kind"] == before.follow_up_schedule[0]["kind"]
    rows = {key.split("-")[1] for key in form if key.startswith("follow_up_schedule-")}
    assert len(rows) == len(before.follow_up_schedule) + 1  # and one empty, to add a rule

    form["min_facilitators"] = "2"
    form["follow_up_schedule-0-label"] = "First integration session"
    form["reason"] = "Two facilitators from now on"
    answer = admin.post("/app/commands/ChangeClinicSettings", data=form)
    assert answer.status_code == 303, answer.text
    after = casework_app.get_clinic(staff.clinic_id)
    assert after.min_facilitators == 2
    assert after.follow_up_schedule[0]["label"] == "First integration session"
    assert after.follow_up_schedule[1:] == before.follow_up_schedule[1:]
    assert after.time_zone == before.time_zone
    shown = admin.get(answer.headers["Location"]).text
    assert "Two facilitators from now on" in shown
    assert "Recorded: Change clinic settings." in shown


def test_a_bad_answer_is_shown_beside_its_field_and_nothing_is_written(
    as_role: Browser, casework_app: Casework, staff: Staff
) -> None:
    admin = as_role(Role.ADMIN)
    start = written(casework_app)

    form = filled_form(admin.get("/app/clinic").text, "/app/commands/ChangeClinicSettings")
    form["min_facilitators"] = "9"
    form["reason"] = "More"
    refused = admin.post("/app/commands/ChangeClinicSettings", data=form)
    assert refused.status_code == 422
    assert re.search(r'id="ChangeClinicSettings-min_facilitators-error">[^<]+', refused.text)

    form["min_facilitators"] = "1"
    form["follow_up_schedule-0-window_start_day"] = "30"  # after its due day
    refused = admin.post("/app/commands/ChangeClinicSettings", data=form)
    assert refused.status_code == 422
    assert "Follow-up rule 1: Needs 0 &lt;= window_start_day" in refused.text

    nothing = filled_form(admin.get("/app/clinic").text, "/app/commands/ChangeClinicSettings")
    nothing["reason"] = "No change"
    refused = admin.post("/app/commands/ChangeClinicSettings", data=nothing)
    assert refused.status_code == 422
    assert "Nothing changes" in refused.text

    bad_name = invite_on_page(admin, staff.id(Role.AUDITOR), "audrey k")
    assert bad_name.status_code == 422
    assert re.search(r'id="InvitePractitioner-user_name-error">Use only letters', bad_name.text)
    no_label = issue_on_page(admin, staff.id(Role.AUDITOR), label="  ")
    assert no_label.status_code == 422
    assert re.search(r'id="IssueToken-label-error">[^<]+', no_label.text)
    assert SECRET.search(no_label.text) is None
    assert written(casework_app) == start


# -- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CLINICAL_LEAD, Role.AUDITOR])
def test_a_non_admin_gets_403_and_writes_nothing(
    role: Role, as_role: Browser, casework_app: Casework, staff: Staff
) -> None:
    browser = as_role(role)
    start = written(casework_app)
    other = staff.id(Role.FACILITATOR)
    for page in ("/app/staff", "/app/clinic", f"/app/staff/{other}"):
        assert browser.get(page).status_code == 403, page
    token = page_token(browser.get("/app/staff").text)  # the sign-out form's, on the 403 page
    for path, data in [
        (f"/app/staff/{other}/tokens", {"label": "mine now"}),
        (f"/app/staff/{other}/invitations", {"user_name": "taken.over"}),
        ("/app/commands/RegisterPractitioner", {"display_name": "X", "roles": "admin"}),
        (
            "/app/commands/GrantRole",
            {"practitioner_id": str(other), "role": "admin", "reason": "x"},
        ),
    ]:
        answer = browser.post(path, data={"csrf_token": token, "next": "/app/", **data})
        assert answer.status_code == 403, path
        assert SECRET.search(answer.text) is None
    assert written(casework_app) == start


def test_a_post_without_its_form_token_is_refused_and_writes_nothing(
    as_role: Browser, casework_app: Casework, staff: Staff
) -> None:
    admin = as_role(Role.ADMIN)
    start = written(casework_app)
    auditor = staff.id(Role.AUDITOR)
    for path, data in [
        (f"/app/staff/{auditor}/tokens", {"label": "laptop"}),
        (f"/app/staff/{auditor}/invitations", {"user_name": "audrey"}),
        ("/app/commands/GrantRole", {"practitioner_id": str(auditor), "role": "facilitator"}),
    ]:
        assert admin.post(path, data={**data, "reason": "x"}).status_code == 400, path
        bad = admin.post(path, data={**data, "reason": "x", "csrf_token": "0" * 64})
        assert bad.status_code == 400, path
    assert written(casework_app) == start


# -- the invitation route of the API -------------------------------------------------------------


@pytest.fixture
def tokens(casework_app: Casework, staff: Staff) -> dict[Role, str]:
    return {role: issue_token(casework_app, staff.id(role), "test") for role in Role}


def test_the_api_invites_for_an_admin_only_and_answers_the_link_once(
    flask_app: Flask, casework_app: Casework, staff: Staff, tokens: dict[Role, str]
) -> None:
    client = flask_app.test_client()
    path = f"/practitioners/{staff.id(Role.AUDITOR)}/invitations"
    for role in (Role.CLINICAL_LEAD, Role.AUDITOR):
        refused = client.post(path, json={"user_name": "aud"}, headers=bearer(tokens[role]))
        assert refused.status_code == 403
    name = f"Aud.Itor_{uuid4().hex[:8]}"
    answer = client.post(path, json={"user_name": name}, headers=bearer(tokens[Role.ADMIN]))
    assert answer.status_code == 201, answer.json
    body: dict[str, Any] = answer.json
    assert body["invitation_url"].startswith("http://localhost/app/welcome/ci_")
    assert answer.headers["Location"].endswith(f"/practitioners/{staff.id(Role.AUDITOR)}")
    secret = body["invitation_url"].rsplit("/", 1)[1]
    opened = casework_app.open_invitation(secret)
    assert opened is not None
    assert opened.user_name == name
    assert client.get(f"/app/welcome/{secret}").status_code == 200


def test_the_domain_refuses_a_bad_user_name_whoever_invites(
    casework_app: Casework, staff: Staff
) -> None:
    for name in ("", "  ", "has space", "x" * 65, "émile", "a/b", "name\n"):
        command = InvitePractitioner(practitioner_id=staff.id(Role.AUDITOR), user_name=name)
        for actor in (None, staff[Role.ADMIN]):
            with pytest.raises(InvalidInput) as refused:
                casework_app.invite_practitioner(actor, command)
            assert set(refused.value.errors) == {"user_name"}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.text(max_size=70),
        st.from_regex(USER_NAME_PATTERN, fullmatch=True),
        st.text(st.sampled_from("aZ09._- \n\t\x00é"), max_size=66),
    )
)
def test_any_user_name_is_invited_exactly_when_the_documented_pattern_allows_it(
    flask_app: Flask, casework_app: Casework, staff: Staff, tokens: dict[Role, str], name: str
) -> None:
    auditor = staff.id(Role.AUDITOR)
    path = f"/practitioners/{auditor}/invitations"
    held = account_id_for(name) in casework_app.repository and (
        casework_app.repository.get(account_id_for(name)).practitioner_id != auditor
    )  # by a practitioner of another test's clinic: PostgreSQL's store is the session's
    answer = flask_app.test_client().post(
        path, json={"user_name": name}, headers=bearer(tokens[Role.ADMIN])
    )
    assert answer.status_code < 500
    allowed = re.fullmatch(USER_NAME_PATTERN.strip("^$"), name) is not None
    if allowed and not held:
        assert answer.status_code == 201, answer.json
    else:
        assert answer.status_code == 422, answer.json
        assert set(answer.json["errors"]["json"]) == {"user_name"}
