"""Browser test: `/docs` renders in headless Chromium with no internet, from Casework's own assets.

Needs Debian's `chromium` binary; `.ci/run` installs it. Never skipped: without it the test fails.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from projections.store import upgrade
from tests.support.keys import TEST_KEY_ENVIRONMENT

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
NO_INTERNET = "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
"""Chromium's resolver answers no host name at all: only the server's IP literal is reachable."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode())
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return None


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    """Gunicorn with the project's gunicorn.conf.py on a SQLite store, as `make run` serves."""
    database_url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    upgrade(database_url)
    port = free_port()
    server = subprocess.Popen(
        [*GUNICORN, f"--bind=127.0.0.1:{port}", "api:create_app()"],
        cwd=ROOT,
        env={**os.environ, **TEST_KEY_ENVIRONMENT, "CASEWORK_DATABASE_URL": database_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and fetch(f"{url}/health/live") is None:
            time.sleep(0.2)
        yield url
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def rendered_dom(url: str, profile: Path) -> str:
    """Return the page's DOM after Chromium ran its scripts, with every host name unresolvable."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail(
            "Debian's `chromium` is not on PATH: `apt-get install -y chromium` "
            "(`.ci/run` installs it in CI)."
        )
    result = subprocess.run(
        [
            chromium,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",  # CI runs as root
            f"--user-data-dir={profile}",
            f"--host-resolver-rules={NO_INTERNET}",
            "--virtual-time-budget=10000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def test_docs_page_renders_every_operation_in_chromium_with_no_internet(
    base_url: str, tmp_path: Path
) -> None:
    page = fetch(f"{base_url}/docs")
    document = fetch(f"{base_url}/openapi.json")
    assert page is not None, "/docs did not answer"
    assert document is not None, "/openapi.json did not answer"
    assert re.findall(r"https?://", page) == [], "the page loads something from elsewhere"
    paths = json.loads(document)["paths"]
    assert "/journeys/{journey_id}/screening-decisions" in paths
    assert not any(path in page for path in paths), "operations must come from Swagger UI's JS"
    summaries = [
        operation["summary"]
        for path_item in paths.values()
        for operation in path_item.values()
        if isinstance(operation, dict) and "summary" in operation
    ]

    dom = rendered_dom(f"{base_url}/docs", tmp_path / "chromium-profile")

    assert set(re.findall(r'data-path="([^"]+)"', dom)) == set(paths)
    assert [s for s in summaries if html.escape(s, quote=False) not in dom] == []
    assert "Record a screening decision" in dom
