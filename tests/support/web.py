"""Sign in through the real pages with the Flask test client, as a person would."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from typing import Any

import pyotp
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from casework.application import Casework
from casework.commands import InvitePractitioner
from casework.roles import Actor

PASSWORD = "a long test passphrase"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def enrol(app: Casework, actor: Actor, user_name: str) -> str:
    """Invite the practitioner and accept it with PASSWORD; return their authenticator key."""
    invitation = app.invite_practitioner(
        None, InvitePractitioner(practitioner_id=actor.practitioner_id, user_name=user_name)
    )
    opened = app.open_invitation(invitation.secret)
    assert opened is not None
    app.accept_invitation(invitation.secret, PASSWORD, pyotp.TOTP(opened.totp_secret).now())
    return opened.totp_secret


def form_token(client: FlaskClient, path: str) -> str:
    """Return the CSRF token of the first form on the page at `path`."""
    response = client.get(path)
    match = CSRF.search(response.text)
    assert match is not None, f"no form on {path} ({response.status_code})"
    return match[1]


def sign_in(client: FlaskClient, app: Casework, actor: Actor, user_name: str) -> None:
    """Enrol `actor` and sign in through /app/sign-in (the next code: the enrolment's is spent)."""
    key = enrol(app, actor, user_name)
    response = client.post(
        "/app/sign-in",
        data={
            "csrf_token": form_token(client, "/app/sign-in"),
            "user_name": user_name,
            "password": PASSWORD,
            "code": pyotp.TOTP(key).at(time.time() + 30),
        },
    )
    assert response.status_code == 303, response.text


def page_token(html: str) -> str:
    """Return the CSRF token in a page's forms."""
    match = CSRF.search(html)
    assert match is not None
    return match[1]


class _Forms(HTMLParser):
    """Collect each form's action and hidden inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append((named.get("action", ""), []))
        elif tag == "input" and named.get("type") == "hidden" and self.forms:
            self.forms[-1][1].append((named.get("name", ""), named.get("value", "")))


def hidden_fields(html: str, action: str, occurrence: int = 0) -> MultiDict[str, str]:
    """Return the hidden fields of the `occurrence`-th form on a page posting to `action`."""
    parser = _Forms()
    parser.feed(html)
    forms = [hidden for found, hidden in parser.forms if found == action]
    assert len(forms) > occurrence, f"no form posting to {action}"
    return MultiDict(forms[occurrence])


def post_form(
    client: FlaskClient, page: str, command: str, fields: dict[str, Any], occurrence: int = 0
) -> TestResponse:
    """Fill in the form of `command` on `page` (its hidden fields as the page gave them)."""
    data = hidden_fields(client.get(page).text, f"/app/commands/{command}", occurrence)
    for name, value in fields.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return client.post(f"/app/commands/{command}", data=data)
