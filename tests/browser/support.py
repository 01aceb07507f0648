"""Serve Casework as `make run` does, and drive its pages as a person would, in Debian's Chromium.

`serve` prepares a store with `casework demo` (through the CLI, as an operator would) and starts
gunicorn beside it; `sign_in`, `check_accessibility` and `screenshot` are what page tests call,
and `open_form`, `fill_in` and `submit` use a command's form by its title and labels alone.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyotp
import pytest
from playwright.sync_api import Locator, Page, Response, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from api.cli import DEMO_PASSWORD, DEMO_TIME_ZONE, DEMO_USER_NAMES, demo_practitioner_id
from casework.roles import Role
from tests.support.keys import TEST_KEY_ENVIRONMENT

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
NO_INTERNET = "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
"""Chromium's resolver answers no host name at all: only the server's IP literal is reachable."""

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    f"--host-resolver-rules={NO_INTERNET}",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_RUN = "tags => axe.run(document, {runOnly: tags, resultTypes: ['violations']})"
SCREENSHOTS = ROOT / "docs" / "screenshots"
PSEUDONYM = "CW-4711"
"""The demo clinic's one client, opened by the fixture: no page title may name them."""

STEP_SECONDS = 30

CLINIC_ZONE = ZoneInfo(DEMO_TIME_ZONE)
"""The demo clinic's clock: the forms' date-times are read in it."""


class Authenticator:
    """A person's authenticator app: a fresh code each time, never one 30-second step twice.

    The server takes each step's code once per account (a replayed code is refused), so a second
    sign-in within the same step waits for the next one.
    """

    def __init__(self, key: str, last_step: int) -> None:
        self.key = key
        self.last_step = last_step

    def code(self) -> str:
        """Return the code of the next unused step, waiting for it if need be."""
        while (step := int((time.time() + STEP_SECONDS) // STEP_SECONDS)) <= self.last_step:
            time.sleep(STEP_SECONDS - time.time() % STEP_SECONDS + 0.05)
        self.last_step = step
        return pyotp.TOTP(self.key).at(step * STEP_SECONDS)

    def wrong_code(self) -> str:
        """Return a code no step near now accepts."""
        now = time.time()
        valid = {pyotp.TOTP(self.key).at(now + s * STEP_SECONDS) for s in range(-3, 4)}
        return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)


@dataclass(frozen=True)
class Person:
    """A demo practitioner who signs in by browser."""

    role: Role
    user_name: str
    password: str
    authenticator: Authenticator = field(repr=False)


@dataclass(frozen=True)
class Served:
    """Casework answering at `base_url`, on `store` ("sqlite" or "postgres"), with its people
    and the bearer token `casework demo` issued each of them (for setting up data, not tests)."""

    base_url: str
    store: str
    people: dict[Role, Person]
    tokens: dict[Role, str] = field(repr=False)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def api(self, role: Role, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Call the API as the demo practitioner holding `role`; return the answer's JSON."""
        return call_api(self.base_url, method, path, self.tokens[role], body)

    @staticmethod
    def practitioner_id(role: Role) -> str:
        """Return the id of the demo practitioner holding `role`."""
        return str(demo_practitioner_id(role))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def casework_cli(*args: str, env: dict[str, str], cwd: Path) -> str:
    """Run `casework ARGS` as an operator would; return what it printed."""
    result = subprocess.run(
        [str(BIN / "casework"), *args], env=env, cwd=cwd, capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.fail(f"`casework {' '.join(args)}` failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def demo_keys(printed: str) -> dict[str, str]:
    """Return the authenticator key `casework demo` printed for each user name."""
    keys = dict(re.findall(r"^\s+(\S+)\s+\S+\s+key ([A-Z2-7]+)$", printed, re.MULTILINE))
    missing = set(DEMO_USER_NAMES.values()) - set(keys)
    if missing:
        pytest.fail(f"`casework demo` printed no key for {sorted(missing)}:\n{printed}")
    return keys


def demo_tokens(printed: str) -> dict[Role, str]:
    """Return the bearer token `casework demo` printed for each role."""
    tokens = dict(re.findall(r"^export CW_([A-Z_]+)=(\S+) ", printed, re.MULTILINE))
    missing = {role.name for role in Role} - set(tokens)
    if missing:
        pytest.fail(f"`casework demo` printed no token for {sorted(missing)}:\n{printed}")
    return {role: tokens[role.name] for role in Role}


def call_api(
    base_url: str, method: str, path: str, token: str, body: dict[str, Any] | None = None
) -> Any:
    """Call the API with JSON as a program would; return the answer's JSON."""
    request = urllib.request.Request(
        f"{base_url}{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as error:
        pytest.fail(f"{method} {path} answered {error.code}: {error.read().decode()[:2000]}")


def wait_until_live(base_url: str, log: Path, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{base_url}/health/live", timeout=2):
                return
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer at {base_url}:\n{log.read_text()[-3000:]}")


@contextmanager
def running(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server process, its output in `log`; stop it with SIGTERM, as a supervisor does."""
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def serve(database_url: str, store: str, folder: Path) -> Iterator[Served]:
    """Prepare the demo clinic on `database_url` and serve it with gunicorn (and, on
    PostgreSQL, a projection worker beside it, as the README's "Who runs them" says)."""
    env = {**os.environ, **TEST_KEY_ENVIRONMENT, "CASEWORK_DATABASE_URL": database_url}
    casework_cli("db", "upgrade", env=env, cwd=folder)
    printed = casework_cli("demo", env=env, cwd=folder)  # cwd: its var/demo-tokens.env
    enrolled_step = int(time.time() // STEP_SECONDS)  # the demo spent this step's code or older
    keys = demo_keys(printed)
    people = {
        role: Person(role, name, DEMO_PASSWORD, Authenticator(keys[name], enrolled_step))
        for role, name in DEMO_USER_NAMES.items()
    }
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    gunicorn = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", f"--bind=127.0.0.1:{port}"]
    with ExitStack() as stack:
        if store == "postgres":
            worker = [str(BIN / "casework"), "projections", "run"]
            stack.enter_context(running(worker, env, folder / "projections.log"))
        log = folder / "gunicorn.log"
        server = stack.enter_context(running([*gunicorn, "api:create_app()"], env, log))
        wait_until_live(base_url, log, server)
        served = Served(base_url, store, people, demo_tokens(printed))
        intake = {"client_pseudonym": PSEUDONYM, "referral_source": "GP", "primary_need": "PTSD"}
        served.api(Role.INTAKE_COORDINATOR, "POST", "/journeys", intake)
        yield served


def sign_in(page: Page, base_url: str, person: Person, code: str | None = None) -> Response:
    """Sign in through the form's labelled fields; return the answer the browser landed on."""
    page.goto(f"{base_url}/app/sign-in")
    page.get_by_label("User name").fill(person.user_name)
    page.get_by_label("Password").fill(person.password)
    code_field = page.get_by_label("Code from your authenticator app")
    code_field.fill(code if code is not None else person.authenticator.code())
    with page.expect_navigation() as landed:
        code_field.press("Enter")
    response = landed.value
    assert response is not None
    return response


def tab_to(page: Page, target: Locator, most: int = 40) -> None:
    """Press Tab until `target` has the focus, as a keyboard user would; fail if it never does."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{most} presses of Tab never reached {target}")


def sign_in_by_keyboard(page: Page, person: Person) -> Response:
    """On the sign-in page, sign in with Tab, typing and Enter alone; return where it landed."""
    tab_to(page, page.get_by_label("User name"))
    page.keyboard.type(person.user_name)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(person.password)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Code from your authenticator app")).to_be_focused()
    page.keyboard.type(person.authenticator.code())
    with page.expect_navigation() as landed:
        page.keyboard.press("Enter")
    response = landed.value
    assert response is not None
    return response


def check_accessibility(page: Page) -> None:
    """Fail listing every WCAG 2.2 AA violation axe-core finds in the page as it is now."""
    if not AXE.is_file():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=ROOT, check=True
        )
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Not add_script_tag: the pages' CSP (script-src 'self') refuses inline scripts, while
        # Playwright's evaluate runs outside the page's CSP, so the policy under test stays on.
        page.evaluate(AXE.read_text())
    results = page.evaluate(AXE_RUN, AXE_TAGS)
    violations = [
        f"{violation['id']} ({violation['impact']}): {node['target']} — {violation['help']}"
        for violation in results["violations"]
        for node in violation["nodes"]
    ]
    assert violations == [], f"axe-core finds on {page.url}:\n" + "\n".join(violations)


def screenshot(page: Page, name: str) -> None:
    """Save a full-page PNG as docs/screenshots/NAME.png, only when CASEWORK_SCREENSHOTS=1."""
    if os.environ.get("CASEWORK_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


# -- a command's form, used by its title and labels ----------------------------------------------

Answer = str | bool | Mapping[str, "Answer"]
"""What a person gives one control: text typed, an option's words, a box ticked (True) or not; a
mapping answers the controls of the group (fieldset) of that legend."""


def labelled(words: str) -> re.Pattern[str]:
    """Match a label or legend as a person reads it: the words, "(required)" or not after them."""
    return re.compile(rf"^\s*{re.escape(words)}( \(required\))?\s*$")


def open_form(scope: Page | Locator, title: str) -> Locator:
    """Open the disclosure titled `title` (a command's form) in `scope`; return its form."""
    page = scope if isinstance(scope, Page) else scope.page
    summary = page.locator("summary").filter(has_text=re.compile(rf"^\s*{re.escape(title)}\s*$"))
    details = scope.locator("details").filter(has=summary)
    expect(details).to_have_count(1)
    if not details.evaluate("element => element.open"):
        details.locator("summary").click()
    form = details.locator("form")
    expect(form.get_by_role("heading", name=title, exact=True)).to_be_visible()
    return form


def local(moment: datetime) -> str:
    """Return `moment` as a person types it into a date-time control: the clinic's clock."""
    return moment.astimezone(CLINIC_ZONE).strftime("%Y-%m-%dT%H:%M")


def fill_in(scope: Locator, answers: Mapping[str, Answer]) -> None:
    """Answer each control by its label: type, choose an option by its words, or tick a box."""
    for words, answer in answers.items():
        if isinstance(answer, Mapping):
            fill_in(scope.get_by_role("group", name=labelled(words)), answer)
            continue
        control = scope.get_by_label(labelled(words))
        kind = control.evaluate("element => element.type")
        if kind == "select-one":
            control.select_option(label=option_named(control, str(answer)))
        elif kind == "checkbox":
            control.set_checked(answer is True)
        else:
            control.fill(str(answer))


def option_named(select: Locator, words: str) -> str:
    """Return the option a person means by `words`: the one that says so, or begins so."""
    offered = [text.strip() for text in select.locator("option").all_inner_texts()]
    chosen = [text for text in offered if text == words] or [
        text for text in offered if text.startswith(words)
    ]
    if len(chosen) != 1:
        pytest.fail(f"{words!r} is not one option of {offered}")
    return chosen[0]


def submit(form: Locator) -> None:
    """Press the form's button; fail with what the page says if it was not recorded."""
    page = form.page
    title = form.get_by_role("heading", level=3).inner_text()
    try:
        with page.expect_navigation(timeout=15_000):
            form.get_by_role("button", name=title, exact=True).click()
    except PlaywrightTimeout:
        said = page.locator("[role=alert], .error").all_inner_texts()
        pytest.fail(f"{title!r} was not recorded: {said}")
    expect(page.get_by_role("status").filter(has_text="Recorded:")).to_have_text(
        f"Recorded: {title}."
    )


def fill_and_submit(form: Locator, answers: Mapping[str, Answer]) -> None:
    """Answer the form's controls by their labels and record it."""
    fill_in(form, answers)
    submit(form)


def submit_refused(form: Locator) -> Response:
    """Press the form's button, expecting a refusal; return the answer (the form comes back)."""
    title = form.get_by_role("heading", level=3).inner_text()
    with form.page.expect_response(re.compile(r"/app/commands/")) as answered:
        form.get_by_role("button", name=title, exact=True).click()
    answer = answered.value
    assert answer.status >= 400, f"{title!r} was recorded"
    return answer


def reload_until(page: Page, shown: Locator, seconds: float = 15) -> None:
    """Reload a list until `shown` is in it: on PostgreSQL a projection worker writes the read
    models a moment after the write (a page opened from the menu names no log position)."""
    deadline = time.monotonic() + seconds
    while shown.count() == 0 and time.monotonic() < deadline:
        time.sleep(0.3)
        page.reload()
    expect(shown.first).to_be_visible()
