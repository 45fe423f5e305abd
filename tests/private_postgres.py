"""A PostgreSQL server of the test's own, on loopback, that the test may restart and stop.

The shared server on 127.0.0.1:5432 serves other tests at the same time, so
tests that restart the database start their own: `initdb` into a temporary
folder, trust authentication, a free loopback port and the socket in that
folder. As root, the server runs as the `postgres` OS user, because
PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def find_bin_dir() -> Path | None:
    """Return the newest /usr/lib/postgresql/*/bin that has initdb and pg_ctl, or the one on PATH."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(Path(path).parent.name), reverse=True
    )
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivatePostgres:
    """One throwaway PostgreSQL cluster: start, restart, stop, and its URL."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        # Not under pytest's tmp_path: its parent is private to root, and the
        # server runs as the postgres user.
        self.root = Path(tempfile.mkdtemp(prefix="journeys-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.root, user="postgres", group="postgres")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(), "-w", "-t", "60", "start")

    def _options(self) -> str:
        # Durability settings are off because the tests stop the server only
        # cleanly (fast shutdown), which writes everything out anyway.
        return (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )

    def restart(self) -> None:
        """Restart the server: every connection is cut, as a real restart or failover does."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "-t", "60", "restart")

    def pause(self) -> None:
        """Stop the server but keep its data, so that clients get connection refused until resume."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def resume(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(), "-w", "-t", "60", "start")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "-t", "60", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError as exc:
            return f"(no server log: {exc})"

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        command = [str(self.bin_dir / program), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        # Output goes to a file, not a pipe: a server that pg_ctl starts inherits
        # the descriptors, and a pipe would then never reach end of file.
        output_path = self.root / "pg_ctl.out"
        with output_path.open("w", encoding="utf-8") as output:
            completed = subprocess.run(
                command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, timeout=120, check=False
            )
        if check and completed.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed with exit code {completed.returncode}:\n"
                f"{output_path.read_text(encoding='utf-8', errors='replace')}\n{self.log_tail()}"
            )


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """Yield a running private PostgreSQL server; skip without its binaries, except under CI."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        reason = "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or on PATH"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must install the postgresql package")
        pytest.skip(reason)
    server = PrivatePostgres(bin_dir)
    try:
        server.start()
        yield server
    finally:
        server.stop()
