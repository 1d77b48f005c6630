"""A real hot standby of the test cluster, for the reports replica tests.

pg_basebackup copies the running cluster (which needs a `host replication` line in its
pg_hba.conf: .ci/run adds it) into a temporary directory, writes standby.signal with the
primary's address, and the standby starts on a free 127.0.0.1 port. As root the server
runs as the postgres user, as PostgreSQL refuses to run as root.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass

import psycopg2
from django.db import connection, connections

from reports import replica
from tests.conftest import need


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _binaries(version: int) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/{version}/bin/pg_ctl"))
    return os.path.dirname(found[0]) if found else None


@dataclass
class Standby:
    directory: str
    port: int
    bindir: str
    running: bool = True

    def sql(self, statement: str):
        with psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres",
                              dbname="postgres", connect_timeout=3) as conn:
            conn.autocommit = True
            with conn.cursor() as cursor:
                cursor.execute(statement)
                return cursor.fetchone() if cursor.description else None

    def behind(self) -> bool:
        received, replayed = self.sql(
            "SELECT pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()")
        return received != replayed

    def stop(self) -> None:
        if self.running:
            subprocess.run(_as_postgres([f"{self.bindir}/pg_ctl", "-D", self.directory,
                                         "-m", "immediate", "-w", "stop"]),
                           check=False, capture_output=True)
            self.running = False
        shutil.rmtree(self.directory, ignore_errors=True)


def standby_or_skip() -> Standby:
    need(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://…")
    primary = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        version = int(cursor.fetchone()[0]) // 10000
    bindir = _binaries(version)
    need(bindir is not None, f"needs the PostgreSQL {version} server binaries (pg_ctl)")
    directory = tempfile.mkdtemp(prefix="tend-standby-", dir="/tmp")
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    os.chmod(directory, 0o700)
    conninfo = (f"host={primary.get('HOST') or '127.0.0.1'} port={primary.get('PORT') or 5432}"
                f" user={primary.get('USER') or 'postgres'}")
    copy = subprocess.run(_as_postgres([f"{bindir}/pg_basebackup", "-d", conninfo, "-D",
                                        directory, "-R", "-X", "stream", "-c", "fast"]),
                          capture_output=True, text=True, timeout=300)
    if copy.returncode != 0:
        shutil.rmtree(directory, ignore_errors=True)
        need(False, "needs replication connections to the test cluster (pg_hba.conf "
                    f"`host replication all 127.0.0.1/32 trust`): {copy.stderr.strip()}")
    port = _free_port()
    # The copy has no configuration files when the cluster keeps them in /etc (Debian).
    for name, text in (("postgresql.conf", "hot_standby = on\n"),
                       ("pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n"),
                       ("pg_ident.conf", "")):
        path = os.path.join(directory, name)
        if not os.path.exists(path):
            with open(path, "w") as file:
                file.write(text)
            if os.geteuid() == 0:
                shutil.chown(path, "postgres", "postgres")
    options = (f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={directory}"
               " -c hot_standby=on")
    start = subprocess.run(_as_postgres([f"{bindir}/pg_ctl", "-D", directory, "-o", options,
                                         "-l", os.path.join(directory, "standby.log"), "-w",
                                         "-t", "60", "start"]),
                           capture_output=True, text=True, timeout=120)
    server = Standby(directory, port, bindir)
    if start.returncode != 0:
        server.stop()
        raise AssertionError(f"the standby did not start: {start.stdout}{start.stderr}")
    return server


def alias_pointing_at(port: int) -> None:
    """The reports alias, as REPORTS_DATABASE_URL would make it, aimed at `port` on the
    test database's name (the standby replicates the whole cluster, test database too)."""
    settings_dict = dict(connections["default"].settings_dict)
    settings_dict.update(PORT=port, HOST="127.0.0.1", CONN_MAX_AGE=0,
                         OPTIONS={**settings_dict.get("OPTIONS", {}), "connect_timeout": 3},
                         TEST={**settings_dict.get("TEST", {}), "MIRROR": "default"})
    connections.settings[replica.ALIAS] = settings_dict
