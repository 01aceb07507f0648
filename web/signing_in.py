"""Signing in and out, and the one-time welcome page that sets a password and authenticator."""

from __future__ import annotations

from http import HTTPStatus

import segno
from flask import Response, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from api.services import casework
from casework.errors import InvalidInput, NotFound
from casework.sign_in import MIN_PASSWORD_LENGTH
from web.blueprint import blp
from web.browser_sessions import COOKIE
from web.guard import sessions, set_cookie

ENDED = {
    "idle": "You were signed out after a while without activity. Sign in again to go on.",
    "expired": "Your session reached its time limit. Sign in again to go on.",
    "deactivated": "Your account is no longer active.",
    "signed_out": "You are signed out.",
}


@blp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> str | BaseResponse:
    """Ask for the user name, password and authenticator code; open a session."""
    if request.method == "GET" and g.actor is not None:
        return redirect(url_for("web.home"), HTTPStatus.SEE_OTHER)
    notice = ENDED.get(request.args.get("ended", ""))
    if request.method == "GET":
        return render_template("sign_in.html", notice=notice, refusal=None)
    form = request.form
    attempt = casework().sign_in(
        form.get("user_name", ""), form.get("password", ""), form.get("code", "").strip()
    )
    if attempt.actor is None or attempt.account_id is None:
        page = render_template("sign_in.html", notice=None, refusal=attempt.refusal)
        return Response(page, HTTPStatus.UNAUTHORIZED)
    response = redirect(url_for("web.home"), HTTPStatus.SEE_OTHER)
    set_cookie(
        response, COOKIE, sessions().start(attempt.account_id, attempt.actor.practitioner_id), None
    )
    return response


@blp.route("/sign-out", methods=["POST"])
def sign_out() -> BaseResponse:
    """End this browser's session, here and in the record."""
    if g.browser_session is not None and sessions().end(g.browser_session.key):
        casework().sign_out(g.browser_session.account_id, "signed_out")
    response = redirect(url_for("web.sign_in", ended="signed_out"), HTTPStatus.SEE_OTHER)
    response.delete_cookie(COOKIE, secure=True, httponly=True, samesite="Strict", path="/")
    return response


@blp.route("/welcome/<secret>", methods=["GET", "POST"])
def welcome(secret: str) -> str | Response:
    """Set a password and authenticator from a one-time invitation link."""
    opened = casework().open_invitation(secret)
    if opened is None:
        page = render_template(
            "problem.html",
            title="Invitation not valid",
            message="This invitation link was used already, has expired, or is not one of ours."
            " Ask your clinic's admin for a new one.",
        )
        return Response(page, HTTPStatus.NOT_FOUND)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("password_again", ""):
            errors["password_again"] = ["The two passwords differ."]
        else:
            try:
                casework().accept_invitation(secret, password, request.form.get("code", "").strip())
            except InvalidInput as error:
                errors = error.errors
            except NotFound:
                return Response(
                    render_template(
                        "problem.html",
                        title="Invitation not valid",
                        message="This invitation link was just used.",
                    ),
                    HTTPStatus.NOT_FOUND,
                )
            else:
                return Response(render_template("welcome_done.html", user_name=opened.user_name))
    uri = f"otpauth://totp/Casework:{opened.user_name}?secret={opened.totp_secret}&issuer=Casework"
    page = render_template(
        "welcome.html",
        user_name=opened.user_name,
        secret_groups=[opened.totp_secret[i : i + 4] for i in range(0, len(opened.totp_secret), 4)],
        qr_svg=segno.make(uri, error="m").svg_inline(scale=4, title="Authenticator set-up code"),
        min_length=MIN_PASSWORD_LENGTH,
        errors=errors,
    )
    return Response(page, HTTPStatus.UNPROCESSABLE_ENTITY if errors else HTTPStatus.OK)
