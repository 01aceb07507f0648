"""The SQLite store's disk fills: reads of clinical content and writes are refused cleanly
(503 naming why), health says so, and the service recovers by itself when space returns.

It mounts a small tmpfs of its own (root only), so the disk really is full.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from api import create_app
from casework.application import Casework
from casework.roles import Role
from tests.api.conftest import bearer
from tests.support.keys import TEST_KEYS
from tests.support.staff import issue_token, register_staff

FILESYSTEM_BYTES = 8 * 1024 * 1024


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={FILESYSTEM_BYTES}", "tmpfs", str(mountpoint)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("this machine does not let the test mount a tmpfs")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


@pytest.fixture
def full_disk_app(small_disk: Path, migrated_sqlite_template: Path) -> Iterator[Flask]:
    path = small_disk / "casework.sqlite"
    shutil.copyfile(migrated_sqlite_template, path)
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", **TEST_KEYS})
    yield app
    app.extensions["read_models"].engine.dispose()
    app.extensions["casework"].close()


def fill(disk: Path) -> Path:
    """Fill the filesystem to its last byte; return the file that holds the space."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:
        for size in (65536, 1):
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError:
                pass
    return filler


def test_a_full_disk_refuses_reads_and_writes_cleanly_and_recovers_by_itself(
    small_disk: Path, full_disk_app: Flask
) -> None:
    casework_app: Casework = full_disk_app.extensions["casework"]
    staff = register_staff(casework_app)
    coordinator = issue_token(casework_app, staff.id(Role.INTAKE_COORDINATOR), "disk")
    client = full_disk_app.test_client()
    journey_id = client.post(
        "/journeys",
        json={"client_pseudonym": "CW-DISK-1", "referral_source": "GP", "primary_need": "Sleep"},
        headers=bearer(coordinator),
    ).json["id"]

    def intake() -> Any:
        return client.post(
            "/journeys",
            json={
                "client_pseudonym": "CW-DISK-2",
                "referral_source": "GP",
                "primary_need": "Sleep",
            },
            headers={**bearer(coordinator), "Idempotency-Key": "disk-full"},
        )

    head = casework_app.recorder.max_notification_id()
    filler = fill(small_disk)
    read = client.get(f"/journeys/{journey_id}", headers=bearer(coordinator))
    assert read.status_code == 503, read.json
    assert read.json["reason"] == "access_log_unavailable"
    assert read.headers["Retry-After"]
    written = intake()
    assert written.status_code == 503, written.json
    assert written.headers["Retry-After"]
    ready = client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json["reason"] == "store_unwritable"
    assert client.get("/health/live").status_code == 200
    assert casework_app.recorder.max_notification_id() == head  # nothing half-written

    filler.unlink()  # space returns: no restart, no operator
    assert client.get("/health/ready").json["checks"][:2] == [
        {"name": "store", "ready": True, "reason": None},
        {"name": "access_log", "ready": True, "reason": None},
    ]
    assert client.get(f"/journeys/{journey_id}", headers=bearer(coordinator)).status_code == 200
    retry = intake()
    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry.headers  # it was not done before: done once now
    assert casework_app.check_integrity(None).intact
