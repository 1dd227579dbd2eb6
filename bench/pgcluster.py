"""A throwaway PostgreSQL cluster of our own, to stop and start without harming anyone.

The outage tests (tests/test_outage.py) and the outage measurement (bench/outage.py)
stop a database under a running site. They must never stop the machine's PostgreSQL,
so they make a cluster of their own with initdb in a temporary folder, on a port of
their own, owned by the ``postgres`` user when run as root (initdb refuses root).
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

# Debian's layout; PG_BIN_DIR names another.
PG_BIN_DIR = Path(os.environ.get("PG_BIN_DIR", "/usr/lib/postgresql/15/bin"))
OWNER = "postgres"


def free_port(ports):
    """Return the first port in ``ports`` nothing listens on."""
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port in {ports.start}-{ports.stop - 1}.")


class PostgresCluster:
    """A PostgreSQL server in a temporary folder, listening on 127.0.0.1:``port``."""

    def __init__(self, ports):
        for tool in ("initdb", "pg_ctl", "postgres"):
            if not (PG_BIN_DIR / tool).exists():
                raise RuntimeError(
                    f"{PG_BIN_DIR / tool} is missing: install PostgreSQL's server package "
                    "(apt-get install postgresql) or point PG_BIN_DIR at its bin folder."
                )
        self.port = free_port(ports)
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-own-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self._as_root = os.geteuid() == 0
        if self._as_root:
            owner = pwd.getpwnam(OWNER)
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self._run(
            PG_BIN_DIR / "initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )

    def _command(self, *args):
        command = [str(arg) for arg in args]
        if self._as_root:
            return ["runuser", "-u", OWNER, "--", *command]
        return command

    def _run(self, *args):
        # Output to a file, not a pipe: a server pg_ctl starts inherits its output, and
        # would hold a pipe open (and the caller waiting for its end) for as long as it runs.
        with tempfile.TemporaryFile() as output:
            result = subprocess.run(  # noqa: S603
                self._command(*args), stdout=output, stderr=subprocess.STDOUT, check=False
            )
            output.seek(0)
            text = output.read().decode(errors="replace")
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(map(str, args))} failed ({result.returncode}):\n"
                f"{text}\n{self.server_log()}"
            )
        return text

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/newsroom"

    def server_log(self):
        try:
            return self.log.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def start(self):
        # The socket goes in our folder, not /var/run/postgresql, which the machine's owns.
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c fsync=off -c full_page_writes=off"
        )
        for attempt in range(5):
            try:
                self._run(
                    PG_BIN_DIR / "pg_ctl",
                    "-D",
                    self.data,
                    "-l",
                    self.log,
                    "-o",
                    options,
                    "-w",
                    "start",
                )
                return
            except RuntimeError as error:
                # Our ports lie in the kernel's ephemeral range: while the server is down, a
                # client retrying it can be given the port itself as its own (a TCP
                # self-connection) for a moment. Wait for that to pass.
                if "Address already in use" not in str(error) or attempt == 4:
                    raise
                time.sleep(1)

    def stop(self):
        self._run(PG_BIN_DIR / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def restart(self):
        self._run(
            PG_BIN_DIR / "pg_ctl", "-D", self.data, "-l", self.log, "-m", "fast", "-w", "restart"
        )

    def create_database(self, name="newsroom"):
        self._run(
            PG_BIN_DIR / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", name
        )

    def is_running(self):
        status = subprocess.run(  # noqa: S603
            self._command(PG_BIN_DIR / "pg_ctl", "-D", self.data, "status"),
            capture_output=True,
            check=False,
        )
        return status.returncode == 0

    def destroy(self):
        """Stop the server if it runs and delete its folder."""
        try:
            if self.is_running():
                self._run(PG_BIN_DIR / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def wait_until_ready(self, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL on {self.port} did not start:\n{self.server_log()}")
