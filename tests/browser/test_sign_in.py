"""Signing in and out by browser, with the keyboard alone, on each store.

A person signs in with a user name, password and authenticator code, lands on their role's page,
and signs out; a session is a Secure, HttpOnly, SameSite=Strict cookie that opens nothing after.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Cookie, Page, expect

from casework.roles import Role
from tests.browser.support import (
    PSEUDONYM,
    Served,
    check_accessibility,
    screenshot,
    sign_in,
    sign_in_by_keyboard,
    tab_to,
)
from web.browser_sessions import COOKIE


def session_cookie(context: BrowserContext) -> Cookie | None:
    return next((cookie for cookie in context.cookies() if cookie["name"] == COOKIE), None)


def opens_app(browser: Browser, served: Served, cookie: Cookie) -> bool:
    """Return whether another browser holding only this session cookie gets past sign-in."""
    other = browser.new_context()
    try:
        other.add_cookies(
            [
                {
                    "name": cookie["name"],
                    "value": cookie["value"],
                    "domain": cookie["domain"],
                    "path": cookie["path"],
                    "secure": cookie["secure"],
                }
            ]
        )
        assert [kept["name"] for kept in other.cookies()] == [COOKIE]
        page = other.new_page()
        page.goto(served.url("/app/"))
        return not re.search(r"/app/sign-in\b", page.url)
    finally:
        other.close()


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_each_role_signs_in_and_out_with_the_keyboard_alone(
    served: Served, page: Page, context: BrowserContext, browser: Browser, role: Role
) -> None:
    form = page.goto(served.url("/app/sign-in"))
    assert form is not None
    assert form.headers["cache-control"] == "no-store"
    check_accessibility(page)

    landed = sign_in_by_keyboard(page, served.people[role])

    assert landed.status == 200, page.content()[:2000]
    assert landed.headers["cache-control"] == "no-store"
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert PSEUDONYM not in page.title()
    cookie = session_cookie(context)
    assert cookie is not None
    assert (cookie["httpOnly"], cookie["secure"], cookie["sameSite"]) == (True, True, "Strict")
    assert opens_app(browser, served, cookie)
    check_accessibility(page)
    assert fits_a_tablet(page)

    tab_to(page, page.get_by_role("button", name="Sign out"))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/app/sign-in\?ended=signed_out$"))
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    assert session_cookie(context) is None
    assert not opens_app(browser, served, cookie)


def fits_a_tablet(page: Page) -> bool:
    """Whether the page reads on a tablet held upright: nothing wider than the screen but the
    tables, which scroll in their own box."""
    page.set_viewport_size({"width": 768, "height": 1024})
    try:
        return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))
    finally:
        page.set_viewport_size({"width": 1280, "height": 720})


def test_a_wrong_code_is_refused_and_opens_no_session(
    served: Served, page: Page, context: BrowserContext
) -> None:
    person = served.people[Role.AUDITOR]

    refused = sign_in(page, served.base_url, person, code=person.authenticator.wrong_code())

    assert refused.status == 401
    expect(page.get_by_role("alert")).to_have_text("The user name, password or code is wrong.")
    assert session_cookie(context) is None
    check_accessibility(page)
    screenshot(page, "sign-in-refused")
