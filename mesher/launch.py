#!/usr/bin/env python3
"""Start mesher with a working database: `python mesher/launch.py`.

* With DATABASE_URL set, this only runs `mesh run mesher/main.mpl` against
  that server (the same as running it yourself).
* Without it, it starts a private PostgreSQL from the machine's own
  binaries (/usr/lib/postgresql/15/bin, or MESHER_PG_BIN), with its data in
  mesher/.data/pg (ignored by git; MESHER_PG_DATA to move it), listening on
  127.0.0.1 only with trust authentication; creates the `mesher` database on
  first use; runs mesher against it with a development API key
  (MESHER_BOOTSTRAP_KEY, default `mesher-dev-key`); and stops the server when
  mesher exits. PostgreSQL refuses to run as root, so as root its programs
  run as the `postgres` user (runuser).

SIGTERM and SIGINT (Ctrl-C) are passed on to mesher, which flushes its
buffered events before it exits; the database is stopped after that.

Options: --pg-port N (default: a free port), --reset (delete the local data
first), --db-only (start the database, print its URL, wait for Ctrl-C).
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PG_BIN = Path(os.environ.get("MESHER_PG_BIN", "/usr/lib/postgresql/15/bin"))
DB_NAME = "mesher"


def log(msg: str) -> None:
    sys.stderr.write(f"[launch] {msg}\n")
    sys.stderr.flush()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalPostgres:
    """A private PostgreSQL server in `data_dir`."""

    def __init__(self, data_dir: Path, port: int):
        self.data_dir = data_dir
        self.port = port
        self.as_pg: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                raise SystemExit("running as root needs `runuser` to start PostgreSQL as `postgres`")
            try:
                import pwd
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise SystemExit("running as root but there is no `postgres` user: "
                                 "PostgreSQL refuses to run as root")
            self.uid, self.gid = pw.pw_uid, pw.pw_gid
            self.as_pg = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DB_NAME}"

    def _run(self, *argv, check=True, **kw):
        return subprocess.run([*self.as_pg, *map(str, argv)], check=check, **kw)

    def _own(self, path: Path) -> None:
        if self.as_pg:
            os.chown(path, self.uid, self.gid)

    def start(self) -> None:
        if not (PG_BIN / "initdb").exists():
            raise SystemExit(f"no PostgreSQL binaries in {PG_BIN} (set MESHER_PG_BIN, or set "
                             "DATABASE_URL to use a server of your own)")
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self._own(self.data_dir.parent)
        os.chmod(self.data_dir.parent, 0o755)
        pgdata = self.data_dir
        if not (pgdata / "PG_VERSION").exists():
            log(f"initialising a private PostgreSQL in {pgdata}")
            pgdata.mkdir(parents=True, exist_ok=True)
            self._own(pgdata)
            os.chmod(pgdata, 0o700)
            self._run(PG_BIN / "initdb", "-D", pgdata, "-U", "postgres", "--auth=trust",
                      "-E", "UTF8", "--no-locale", stdout=subprocess.DEVNULL)
        pidfile = pgdata / "postmaster.pid"
        if pidfile.exists():          # a server left running (or a stale file)
            self._run(PG_BIN / "pg_ctl", "-D", pgdata, "-m", "fast", "-w", "stop",
                      check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {pgdata} "
                "-c max_connections=100")
        log(f"starting PostgreSQL on 127.0.0.1:{self.port}")
        self._run(PG_BIN / "pg_ctl", "-D", pgdata, "-l", pgdata / "server.log", "-w",
                  "-t", "60", "-o", opts, "start", stdout=subprocess.DEVNULL)
        exists = self._run(PG_BIN / "psql", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres",
                           "-d", "postgres", "-tAc",
                           f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'",
                           capture_output=True, text=True).stdout.strip()
        if exists != "1":
            self._run(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres",
                      DB_NAME)
            log(f"created database {DB_NAME}")

    def stop(self) -> None:
        log("stopping PostgreSQL")
        self._run(PG_BIN / "pg_ctl", "-D", self.data_dir, "-m", "fast", "-w", "-t", "60", "stop",
                  check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _postgres_can_reach(path: Path) -> bool:
    """Can the `postgres` user get to `path` (its nearest existing folder)?"""
    if os.geteuid() != 0:
        return True
    probe = path
    while not probe.exists():
        probe = probe.parent
    r = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(probe)],
                       check=False)
    return r.returncode == 0


def default_data_dir() -> Path:
    explicit = os.environ.get("MESHER_PG_DATA")
    d = Path(explicit).resolve() if explicit else HERE / ".data" / "pg"
    if not _postgres_can_reach(d.parent):
        # e.g. a checkout under /root: the server cannot live there
        d = Path(tempfile.gettempdir()) / "mesher-pg" / ("-".join(d.parts[1:]) or "pg")
        log(f"`postgres` cannot reach the data folder; keeping the database in {d}")
    return d


def run_mesher(env: dict) -> int:
    argv = [sys.executable, "-m", "mesh_interp", "run", str(HERE / "main.mpl")]
    env = dict(env)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    # Its own session: a terminal's Ctrl-C reaches mesher once, through us
    # (a second SIGINT would make it exit without flushing).
    child = subprocess.Popen(argv, cwd=ROOT, env=env, start_new_session=True)

    def forward(signum, _frame):
        try:
            child.send_signal(signum)
        except ProcessLookupError:
            pass
    old = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        return child.wait()
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Run mesher, with a private PostgreSQL unless "
                                             "DATABASE_URL is set.")
    ap.add_argument("--pg-port", type=int, default=None)
    ap.add_argument("--reset", action="store_true", help="delete the local database first")
    ap.add_argument("--db-only", action="store_true",
                    help="only start the database; print its URL; stop it on Ctrl-C")
    args = ap.parse_args(argv)

    env = dict(os.environ)
    if env.get("DATABASE_URL") and not args.db_only:
        log("using DATABASE_URL")
        return run_mesher(env)

    data_dir = default_data_dir()
    if args.reset and data_dir.exists():
        shutil.rmtree(data_dir)
    pg = LocalPostgres(data_dir, args.pg_port or free_port())
    pg.start()
    try:
        if args.db_only:
            def stop(_signum, _frame):
                raise KeyboardInterrupt
            signal.signal(signal.SIGTERM, stop)
            print(pg.url, flush=True)
            log("database ready; Ctrl-C stops it")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                return 0
        env["DATABASE_URL"] = pg.url
        env.setdefault("MESHER_BOOTSTRAP_KEY", "mesher-dev-key")
        log(f"DATABASE_URL={pg.url}")
        log(f"API key for this database: {env['MESHER_BOOTSTRAP_KEY']}")
        return run_mesher(env)
    finally:
        pg.stop()


if __name__ == "__main__":
    sys.exit(main())
