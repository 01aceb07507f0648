"""Before every page: who is signed in (g.actor), and is this form really ours (CSRF)?

Every page but signing in needs a signed-in person; every POST needs the form token, which is a
hash of the browser's session cookie (or, before signing in, of a cookie of its own): another
site can make the browser send the cookie, but cannot read it, so cannot compute the token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from http import HTTPStatus

from flask import Flask, Response, current_app, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from api.config import PREFIX
from api.services import casework
from casework.vault import derived_key, key_from_text
from web.browser_sessions import COOKIE, BrowserSessions

FORM_COOKIE = "__Host-casework-form"
"""Before signing in, the form token is bound to this random cookie instead."""

OPEN_ENDPOINTS = {"web.sign_in", "web.welcome", "web.static"}
"""Pages a person reaches without being signed in."""

SESSIONS_CONTEXT = "casework/browser-sessions/v1"
"""What the key sessions are stored under is derived for, from the master key."""

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def sessions() -> BrowserSessions:
    """Return the app's browser sessions."""
    store: BrowserSessions = current_app.extensions["browser_sessions"]
    return store


def set_cookie(response: BaseResponse, name: str, value: str, max_age: timedelta | None) -> None:
    """Set a cookie only this host's pages, over HTTPS, may send, and no script may read."""
    response.set_cookie(
        name,
        value,
        max_age=None if max_age is None else int(max_age.total_seconds()),
        secure=True,
        httponly=True,
        samesite="Strict",
        path="/",
    )


def form_token() -> str:
    """Return the CSRF token every form of this page carries (`csrf_token`)."""
    seed = request.cookies.get(COOKIE) if g.get("actor") else None
    if seed is None:
        seed = request.cookies.get(FORM_COOKIE) or g.setdefault("new_form_seed", _new_seed())
    return hashlib.sha256(f"casework-form|{seed}".encode()).hexdigest()


def _new_seed() -> str:
    return secrets.token_urlsafe(32)


def _form_token_matches() -> bool:
    sent = request.form.get("csrf_token", "")
    return bool(sent) and hmac.compare_digest(sent.encode(), form_token().encode())


def signed_in() -> BaseResponse | None:
    """Resolve the session cookie to the person (g.actor); send strangers to sign in."""
    g.actor, g.is_operator, g.browser_session = None, False, None
    cookie = request.cookies.get(COOKIE)
    ended = None
    if cookie:
        found = sessions().find(cookie)
        if found.session is not None and found.ended is not None:
            casework().sign_out(found.session.account_id, found.ended)
            ended = found.ended
        elif found.session is not None:
            g.actor = casework().signed_in_actor(found.session.practitioner_id)
            if g.actor is None:
                sessions().end(found.session.key)
                casework().sign_out(found.session.account_id, "deactivated")
                ended = "deactivated"
            else:
                g.browser_session = found.session
    if request.method == "POST" and not _form_token_matches():
        return refused_form()
    if g.actor is None and request.endpoint not in OPEN_ENDPOINTS:
        return redirect(url_for("web.sign_in", ended=ended), HTTPStatus.SEE_OTHER)
    return None


def refused_form() -> Response:
    """Answer a form without its token (another site's, or a page open since before sign-in)."""
    message = "This form is out of date or came from elsewhere: reload the page and retry."
    if request.headers.get("HX-Request"):  # in place of the form htmx sent
        page = render_template("_refusal.html", message=message)
    else:
        page = render_template("problem.html", title="Form not accepted", message=message)
    return Response(page, HTTPStatus.BAD_REQUEST)


def protect(response: Response) -> Response:
    """Give every page its policy, and a browser without a form cookie one."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Referrer-Policy"] = "no-referrer"  # an invitation's URL holds its secret
    response.headers["X-Frame-Options"] = "DENY"
    if "new_form_seed" in g:
        set_cookie(response, FORM_COOKIE, g.new_form_seed, None)
    return response


def init_app(app: Flask) -> None:
    """Keep the browser sessions beside the read models."""
    config = app.config
    master = key_from_text(str(config["MASTER_KEY"] or ""), PREFIX + "MASTER_KEY")
    app.extensions["browser_sessions"] = BrowserSessions(
        app.extensions["read_models"].engine,
        derived_key(master, SESSIONS_CONTEXT),
        idle=timedelta(minutes=int(config["IDLE_MINUTES"])),
        lifetime=timedelta(hours=int(config["SESSION_HOURS"])),
    )
