"""Browser-test fixtures: Debian's Chromium with no internet, and Casework served on each store.

Playwright's own browser download is not used: `.ci/run` installs Debian's `chromium`, and
without it every browser test fails (never skips).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, Served, serve
from tests.support.postgres import temporary_database


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium, able to reach 127.0.0.1 and nothing else."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Debian's Chromium is not at {CHROMIUM}: `apt-get install -y chromium`"
            " (`.ci/run` installs it in CI)."
        )
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    """Open contexts with no base URL: each served store has its own (`served.url(path)`).

    pytest-playwright's own version asks for its `base_url` fixture, which without
    pytest-base-url is an instance-method session fixture: pytest 9 warns, and warnings fail.
    """
    return {}


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ],
)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """Casework under gunicorn with the demo clinic, once per test module and store."""
    store: str = request.param
    folder = tmp_path_factory.mktemp(f"browser-{store}")
    if store == "sqlite":
        with serve(f"sqlite:///{folder / 'store.sqlite'}", store, folder) as casework:
            yield casework
        return
    with (
        temporary_database(request.getfixturevalue("postgres_server_url")) as url,
        serve(url, store, folder) as casework,
    ):
        yield casework
