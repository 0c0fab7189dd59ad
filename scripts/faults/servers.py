"""Throwaway PostgreSQL, Redis and gunicorn processes for the fault scripts.

Fault scripts never touch the machine's shared services: each one starts its own PostgreSQL
cluster (initdb in a temporary directory), its own redis-server and its own gunicorn, on free
ports of 127.0.0.1, and removes them afterwards. Only the standard library is used, so a script
runs with the project's virtualenv and nothing else.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def _pg_bindir() -> Path:
    found = shutil.which("pg_config")
    if found:
        bindir = subprocess.run([found, "--bindir"], capture_output=True, text=True).stdout.strip()
        if (Path(bindir) / "initdb").exists():
            return Path(bindir)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not candidates:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    return Path(candidates[-1]).parent


class ThrowawayPostgres:
    """A private PostgreSQL cluster on a free port, trust auth, deleted on stop().

    PostgreSQL refuses to run as root, so under root the cluster belongs to the `postgres`
    system user (created by Debian's package) and its commands run through `runuser`.
    """

    def __init__(self):
        self.bindir = _pg_bindir()
        self.port = free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="crm-fault-pg-"))
        self.data = self.tmp / "data"
        self.log = self.tmp / "postgres.log"
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.tmp, owner.pw_uid, owner.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self._as_user, *args], capture_output=True, text=True, check=check, timeout=120
        )

    def start_new(self) -> ThrowawayPostgres:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        )
        self.start()
        self._run(
            str(self.bindir / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "crm",
        )
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.tmp} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False
        )

    def is_ready(self) -> bool:
        result = self._run(
            str(self.bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), check=False
        )
        return result.returncode == 0

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/crm"

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.tmp, ignore_errors=True)


class ThrowawayRedis:
    """A private redis-server on a free port, without persistence.

    Used by every fault script and by the worker tests (tests/notifications/test_workers.py);
    `directory` is its working directory (default: the current one; it writes nothing).
    """

    def __init__(self, directory: Path | None = None):
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def start(self) -> ThrowawayRedis:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        if self.directory is not None:
            command += ["--dir", str(self.directory)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for_port(self.port, timeout=10)
        return self

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@dataclass
class App:
    """The project's environment pointed at throwaway services."""

    env: dict[str, str]

    @classmethod
    def for_services(cls, postgres: ThrowawayPostgres, redis: ThrowawayRedis, **extra: str) -> App:
        env = {
            **os.environ,
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "fault-script-secret-key-not-for-production-0123456789abcdef",
            "FIELD_ENCRYPTION_KEYS": "0m3JMbYSGYwGLn-OQFLrbWeD-TJOZPSLUq0PjZUOYuI=",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "DB_CONN_MAX_AGE": "600",
            "API_THROTTLE_USER": "1000000/hour",
            "API_THROTTLE_ANON": "1000000/hour",
            **extra,
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        return cls(env)

    def manage(self, *args: str, timeout: float = 600) -> str:
        result = subprocess.run(
            [str(PYTHON), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result.stdout

    def gunicorn(
        self, port: int, workers: int = 2, log_path: Path | None = None
    ) -> subprocess.Popen:
        log = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115
        process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "crm.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "30",
                "--access-logfile",
                "-",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(port)
        return process


def http(
    method: str, url: str, *, data: dict | None = None, token: str = "", timeout: float = 10.0
):
    """One request: (status, body). Connection failures count as status 0."""
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("Accept", "application/json")
    request.add_header("X-Forwarded-Proto", "https")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, OSError):
        return 0, b""
