"""Served as `make run` serves it, waiting and stalling clients cannot starve everyone else."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from casework.application import Casework
from casework.persistence import persistence_environment
from casework.roles import Role
from projections.store import upgrade
from tests.support.keys import TEST_KEY_ENVIRONMENT
from tests.support.staff import issue_token, register_staff

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, str]]:
    """Gunicorn with the project's gunicorn.conf.py on a SQLite store; a facilitator's token."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    upgrade(url)
    app = Casework(env=persistence_environment(url))
    staff = register_staff(app)
    token = issue_token(app, staff.id(Role.FACILITATOR), "test")
    app.close()
    port = free_port()
    server = subprocess.Popen(
        [*GUNICORN, f"--bind=127.0.0.1:{port}", "api:create_app()"],
        cwd=ROOT,
        env={**os.environ, **TEST_KEY_ENVIRONMENT, "CASEWORK_DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not answers(port, "/health"):
            time.sleep(0.2)
        yield port, token
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def answers(port: int, path: str, token: str | None = None, timeout: float = 10) -> bool:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return False


def test_health_answers_while_clients_wait_on_min_position_and_others_stall(
    served: tuple[int, str],
) -> None:
    port, token = served
    stalled = []
    for _ in range(4):  # half-sent requests: two per worker, held open
        connection = socket.create_connection(("127.0.0.1", port))
        connection.sendall(b"POST /journeys HTTP/1.1\r\nHost: x\r\n")  # no end of headers
        stalled.append(connection)
    stop = threading.Event()

    def wait_for_the_far_future() -> None:
        while not stop.is_set():
            answers(port, "/journeys?min_position=1000000", token)  # waits 2 s, then a 503

    waiters = [threading.Thread(target=wait_for_the_far_future) for _ in range(4)]
    for waiter in waiters:
        waiter.start()
    try:
        time.sleep(0.5)
        took = []
        for _ in range(10):
            started = time.monotonic()
            assert answers(port, "/health", timeout=15), "health did not answer"
            took.append(time.monotonic() - started)
        # Two sync workers gave a median of 2 s, or no answer in 15 s, under this load.
        assert sorted(took)[len(took) // 2] < 1.0, took
    finally:
        stop.set()
        for waiter in waiters:
            waiter.join(timeout=30)
        for connection in stalled:
            connection.close()
