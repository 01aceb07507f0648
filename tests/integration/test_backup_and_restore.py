"""Hot backups taken while intakes are written restore to an intact store that rebuilds.

SQLite through `casework backup`, PostgreSQL through `pg_dump` of the live database; each is
restored to a fresh file or database, verified and rebuilt with the operator's commands.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from flask import Flask

from api import create_app
from api.backup_commands import backup_sqlite
from casework.application import Casework
from casework.sealing import SealingRefused
from projections.store import create_read_engine, upgrade
from tests.support.journeys import ready_journey
from tests.support.keys import TEST_KEY_ENVIRONMENT, TEST_KEYS
from tests.support.postgres import find_bindir, temporary_database
from tests.support.read_models import project_all, table_rows
from tests.support.staff import register_staff

CASEWORK = str(Path(sys.executable).with_name("casework"))


def casework_command(
    database_url: str, *args: str, keys: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run `casework ARGS` on `database_url`, as an operator would (keys only if asked)."""
    environment = {"PATH": os.environ["PATH"], "CASEWORK_DATABASE_URL": database_url}
    if keys:
        environment |= TEST_KEY_ENVIRONMENT
    return subprocess.run(
        [CASEWORK, *args], env=environment, capture_output=True, text=True, timeout=120
    )


@contextmanager
def opened(database_url: str, **config: Any) -> Iterator[Flask]:
    app = create_app({"DATABASE_URL": database_url, **TEST_KEYS, **config})
    try:
        yield app
    finally:
        app.extensions["read_models"].engine.dispose()
        app.extensions["casework"].close()


@contextmanager
def writing_intakes(app: Casework) -> Iterator[list[int]]:
    """Write intakes through the application in a thread while the body runs."""
    staff = register_staff(app)
    stop, written = threading.Event(), []

    def write() -> None:
        while not stop.is_set():
            ready_journey(app, staff)
            written.append(app.recorder.max_notification_id() or 0)

    writer = threading.Thread(target=write)
    writer.start()
    while len(written) < 3:
        time.sleep(0.05)
    try:
        yield written
    finally:
        stop.set()
        writer.join(timeout=60)
    assert not writer.is_alive()


def log_prefix(app: Casework, through: int) -> list[tuple[int, Any, int]]:
    stored = app.recorder.select_notifications(1, through, stop=through)
    return [(each.id, each.originator_id, each.originator_version) for each in stored]


def assert_restored_copy_is_whole(
    original: Casework, restored_url: str, before: int, scratch: Path
) -> None:
    """Everything acknowledged before the backup is there; it verifies intact and rebuilds."""
    verified = casework_command(restored_url, "integrity", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.strip().endswith("intact")
    rebuilt = casework_command(restored_url, "projections", "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    with opened(restored_url) as restored:
        app: Casework = restored.extensions["casework"]
        assert log_prefix(app, before) == log_prefix(original, before)
        assert app.check_integrity(None).intact
        fresh_url = f"sqlite:///{scratch / 'fresh.sqlite'}"
        upgrade(fresh_url)
        fresh = create_read_engine(fresh_url)
        project_all(fresh, app)
        assert table_rows(restored.extensions["read_models"].engine) == table_rows(fresh)
        fresh.dispose()


def test_casework_backup_of_a_sqlite_store_under_writes_restores_intact_and_rebuilds(
    sqlite_path: str, tmp_path: Path
) -> None:
    live_url = f"sqlite:///{sqlite_path}"
    backup = tmp_path / "backups" / "casework-1.sqlite"
    backup.parent.mkdir()
    with opened(live_url) as flask_app:
        app: Casework = flask_app.extensions["casework"]
        with writing_intakes(app) as written:
            before, count = written[-1], len(written)
            taken = casework_command(live_url, "backup", str(backup), keys=False)
            assert len(written) > count, "the writer wrote on while the backup ran"
        assert taken.returncode == 0, taken.stderr
        assert oct(backup.stat().st_mode & 0o777) == oct(0o600)
        again = casework_command(live_url, "backup", str(backup), keys=False)
        assert again.returncode == 1
        assert "never replaces" in again.stderr

        restored = tmp_path / "restored" / "casework.sqlite"
        restored.parent.mkdir()
        shutil.copyfile(backup, restored)
        restored_url = f"sqlite:///{restored}"
        assert_restored_copy_is_whole(app, restored_url, before, tmp_path)
        assert log_prefix(app, before)[-1][0] == before


@pytest.mark.postgres
def test_pg_dump_of_a_live_database_under_writes_restores_intact_and_rebuilds(
    postgres_server_url: str, tmp_path: Path
) -> None:
    bindir = find_bindir()
    if bindir is None:
        pytest.fail("This test needs the PostgreSQL client programs (pg_dump, pg_restore).")
    dump = tmp_path / "casework.dump"
    with temporary_database(postgres_server_url) as live_url:
        upgrade(live_url)
        with opened(live_url) as flask_app:
            app: Casework = flask_app.extensions["casework"]
            with writing_intakes(app) as written:
                before, count = written[-1], len(written)
                subprocess.run(
                    [str(bindir / "pg_dump"), "-Fc", "-f", str(dump), live_url],
                    check=True,
                    timeout=120,
                )
                assert len(written) > count, "the writer wrote on while pg_dump ran"
            with temporary_database(postgres_server_url) as restored_url:
                restore = [str(bindir / "pg_restore"), "--no-owner", "--exit-on-error"]
                subprocess.run([*restore, "-d", restored_url, str(dump)], check=True, timeout=120)
                assert_restored_copy_is_whole(app, restored_url, before, tmp_path)


def test_backup_is_refused_on_postgresql_pointing_at_pg_dump(tmp_path: Path) -> None:
    refused = casework_command(
        "postgresql://postgres@127.0.0.1:1/casework", "backup", str(tmp_path / "x"), keys=False
    )
    assert refused.returncode == 1
    assert "pg_dump" in refused.stderr
    assert not (tmp_path / "x").exists()


def set_aside_later_checkpoints(app: Casework, directory: Path, evidence: Path) -> int:
    """The README's steps: per history, move aside what verify names as kept outside only."""
    moved = 0
    for folder in sorted(directory.iterdir()):
        clinic = None if folder.name == "log" else UUID(folder.name)
        for found in app.check_integrity(None, clinic_id=clinic).breaks:
            named = re.match(r"Checkpoints (\d+)-(\d+) are kept outside the store", found.detail)
            if found.problem != "checkpoint_missing" or named is None:
                continue
            for sequence in range(int(named[1]), int(named[2]) + 1):
                for kept in folder.glob(f"*{sequence}.json"):
                    if int(kept.stem) == sequence:
                        (evidence / folder.name).mkdir(parents=True, exist_ok=True)
                        kept.rename(evidence / folder.name / kept.name)
                        moved += 1
    return moved


def test_after_restoring_an_older_backup_sealing_resumes_once_newer_checkpoints_are_set_aside(
    sqlite_path: str, tmp_path: Path
) -> None:
    directory = tmp_path / "checkpoints"
    backup = tmp_path / "backup.sqlite"
    with opened(f"sqlite:///{sqlite_path}", CHECKPOINT_DIR=str(directory)) as flask_app:
        app: Casework = flask_app.extensions["casework"]
        register_staff(app)
        app.seal_log()
        backup_sqlite(Path(sqlite_path), backup)
        register_staff(app)
        app.seal_log()  # checkpoints the backup will not have
    restored = tmp_path / "restored.sqlite"
    shutil.copyfile(backup, restored)
    evidence = tmp_path / "checkpoints-after-restore"
    with opened(f"sqlite:///{restored}", CHECKPOINT_DIR=str(directory)) as flask_app:
        app = flask_app.extensions["casework"]
        report = app.check_integrity(None)
        # The later checkpoints, and the events they covered that the backup predates.
        assert {each.problem for each in report.breaks} == {"checkpoint_missing", "missing"}
        with pytest.raises(SealingRefused):
            app.seal_log()
        set_aside = set_aside_later_checkpoints(app, directory, evidence)
        app.seal_log()
        assert set_aside >= 2  # the log's and a clinic's
        assert app.check_integrity(None).intact
        for folder in directory.iterdir():
            clinic = None if folder.name == "log" else UUID(folder.name)
            assert app.check_integrity(None, clinic_id=clinic).intact, folder.name
