"""Find or start a PostgreSQL server for the tests: a real one, never a mock."""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

SHARED_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# initdb refuses to run as root; this OS user runs the throwaway server instead.
SERVER_OS_USER = "postgres"
# Trust auth for the `postgres` role; no fsync, since the server is thrown away.
INITDB_OPTIONS = ("-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync")


class PostgresUnavailableError(RuntimeError):
    """Raised when no PostgreSQL server can be reached or started."""


@contextmanager
def postgres_server(*, throwaway: bool = False) -> Iterator[str]:
    """Yield a PostgreSQL server URL, starting (and later removing) a throwaway server if needed.

    Order: CASEWORK_TEST_DATABASE_URL if set; else the machine's server on 127.0.0.1:5432,
    unless CASEWORK_TEST_THROWAWAY_PG=1 or `throwaway` is true; else a throwaway server.
    """
    configured = os.environ.get("CASEWORK_TEST_DATABASE_URL")
    if configured and not throwaway:
        if not is_reachable(configured):
            raise PostgresUnavailableError(
                f"CASEWORK_TEST_DATABASE_URL is set but unreachable: {_redacted(configured)}"
            )
        yield configured
        return
    throwaway = throwaway or os.environ.get("CASEWORK_TEST_THROWAWAY_PG") == "1"
    if not throwaway and is_reachable(SHARED_SERVER_URL):
        yield SHARED_SERVER_URL
        return
    with throwaway_server() as url:
        yield url


def is_reachable(url: str) -> bool:
    """Return whether a connection to `url` succeeds within two seconds."""
    try:
        with psycopg.connect(url, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


@contextmanager
def temporary_database(server_url: str) -> Iterator[str]:
    """Yield the URL of a fresh `casework_test_<hex>` database, dropped afterwards."""
    name = f"casework_test_{secrets.token_hex(6)}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def with_database(server_url: str, name: str) -> str:
    """Return `server_url` pointing at database `name` instead."""
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


@contextmanager
def throwaway_server() -> Iterator[str]:
    """Start a private server in a temporary directory; stop it and delete the directory after."""
    bindir = find_bindir()
    if bindir is not None:
        server = ThrowawayServer.start(bindir)
        try:
            yield server.url
        finally:
            server.stop()
        return
    try:
        import pgserver  # type: ignore[import-not-found]
    except ImportError:
        raise PostgresUnavailableError(
            "No PostgreSQL server found: 127.0.0.1:5432 is unreachable (or a throwaway was asked"
            " for), and neither server binaries (initdb, pg_ctl) nor the pgserver package are"
            " installed. Install PostgreSQL (Debian: apt-get install postgresql) or set"
            " CASEWORK_TEST_DATABASE_URL."
        ) from None
    server = pgserver.get_server(tempfile.mkdtemp(prefix="casework-pg-"), cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


def find_bindir() -> Path | None:
    """Return the folder holding initdb and pg_ctl: pg_config's, else the newest Debian one."""
    candidates = []
    if pg_config := shutil.which("pg_config"):
        result = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        candidates.append(Path(result.stdout.strip()))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version, reverse=True)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    return None


@dataclass(frozen=True)
class ThrowawayServer:
    """A PostgreSQL server that lives in its own temporary directory, on its own port."""

    bindir: Path
    base_dir: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @classmethod
    def start(cls, bindir: Path) -> ThrowawayServer:
        """Initialise and start a server, trying a few free ports in case one is taken meanwhile."""
        base_dir = Path(tempfile.mkdtemp(prefix="casework-pg-"))
        if os.geteuid() == 0:
            user = pwd.getpwnam(SERVER_OS_USER)
            os.chown(base_dir, user.pw_uid, user.pw_gid)
        server = cls(bindir, base_dir, port=0)
        try:
            server._run("initdb", "-D", str(server.data_dir), *INITDB_OPTIONS)
            for _ in range(3):
                server = cls(bindir, base_dir, port=_free_port())
                if server._try_start():
                    return server
            raise PostgresUnavailableError(
                f"Throwaway PostgreSQL did not start:\n{server._log_tail()}"
            )
        except BaseException:
            shutil.rmtree(base_dir, ignore_errors=True)
            raise

    def halt(self) -> None:
        """Stop this server (fast mode: clients are cut off), keeping its data to start again.

        Not immediate mode: this server runs with synchronous_commit off, which a crash would
        turn into lost commits that Casework had been told were durable.
        """
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")

    def restart_fast(self) -> None:
        """`pg_ctl restart -m fast`: every session is cut off and the server is back at once."""
        log = str(self.base_dir / "server.log")
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", log, "-m", "fast", "-w", "restart")

    def crash(self) -> None:
        """`pg_ctl stop -m immediate`, as a crash: no shutdown checkpoint; `restart` recovers.

        Commits not yet flushed are lost unless synchronous_commit is on for the database.
        """
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")

    def restart(self) -> None:
        """Start this halted server again, on the same port."""
        if not self._try_start():
            raise PostgresUnavailableError(f"PostgreSQL did not restart:\n{self._log_tail()}")

    def stop(self) -> None:
        """Stop this server (only the one in this server's own data directory) and delete it."""
        try:
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    def _try_start(self) -> bool:
        # Only this server's own settings, so nothing depends on the machine's configuration.
        socket_dir = str(self.base_dir).replace("'", "''")
        settings = (
            f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
            f"unix_socket_directories = '{socket_dir}'\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
        )
        (self.data_dir / "postgresql.auto.conf").write_text(settings)
        log = str(self.base_dir / "server.log")
        result = self._run(
            "pg_ctl", "-D", str(self.data_dir), "-l", log, "-w", "start", check=False
        )
        return result.returncode == 0

    def _run(
        self, program: str, *args: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_OS_USER, "--", *command]
        result = subprocess.run(
            command, cwd=self.base_dir, capture_output=True, text=True, check=False, timeout=60
        )
        if check and result.returncode != 0:
            raise PostgresUnavailableError(
                f"{program} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
            )
        return result

    def _log_tail(self) -> str:
        log = self.base_dir / "server.log"
        return "\n".join(log.read_text().splitlines()[-20:]) if log.exists() else "(no log)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _version(bindir: Path) -> int:
    name = bindir.parent.name
    return int(name) if name.isdigit() else 0


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))
