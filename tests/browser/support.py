"""Serve Casework as `make run` does, and drive its pages as a person would, in Debian's Chromium.

`serve` prepares a store with `casework demo` (through the CLI, as an operator would) and starts
gunicorn beside it; `sign_in`, `check_accessibility` and `screenshot` are what page tests call.
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
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Locator, Page, Response, expect

from api.cli import DEMO_PASSWORD, DEMO_USER_NAMES
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
    """Casework answering at `base_url`, on `store` ("sqlite" or "postgres"), with its people."""

    base_url: str
    store: str
    people: dict[Role, Person]

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


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


def demo_tokens(printed: str) -> dict[str, str]:
    """Return the bearer token `casework demo` printed for each role (by the role's name)."""
    return dict(re.findall(r"^export CW_([A-Z_]+)=(\S+) ", printed, re.MULTILINE))


def api_post(base_url: str, path: str, token: str, body: dict[str, Any]) -> Any:
    """POST JSON to the API as a program would; return the answer's JSON."""
    request = urllib.request.Request(
        f"{base_url}{path}",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


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
        intake_token = demo_tokens(printed)[Role.INTAKE_COORDINATOR.name]
        intake = {"client_pseudonym": PSEUDONYM, "referral_source": "GP", "primary_need": "PTSD"}
        api_post(base_url, "/journeys", intake_token, intake)
        yield Served(base_url, store, people)


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
