"""Real processes for the stories of several workers and hosts: `flask --app portal worker` and
`flask --app portal run`, started with the test's own database, storage, queue and SMTP server,
and Redis (the one on 127.0.0.1:6379 under a key prefix of the test's own, or a private server
that a test may restart)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest

from tests.smtp_fixtures import _free_port

REPO = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask", "--app", "portal"]
SHARED_REDIS = "redis://127.0.0.1:6379/0"


def wait_until(predicate: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what} after {timeout} s")


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class Processes:
    """The processes a test starts; each one's output goes to a log file, and all of them are
    stopped when the test ends."""

    def __init__(self, app, folder: Path) -> None:
        self.app = app
        self.folder = folder
        self.started: list[subprocess.Popen] = []

    def env(self, **settings) -> dict[str, str]:
        config = self.app.config
        values = {
            "DATABASE_URL": config["DATABASE_URL"],
            "STORAGE_ROOT": config["STORAGE_ROOT"],
            "SECRET_KEY": config["SECRET_KEY"],
            "QUEUE_URL": config["QUEUE_URL"],
            "QUEUE_NAME": config["QUEUE_NAME"],
            "MAIL_SERVER": config["MAIL_SERVER"],
            "MAIL_PORT": config["MAIL_PORT"],
            "BABEL_DEFAULT_LOCALE": "en",
            "WTF_CSRF_ENABLED": False,
            "PUBLIC_CACHE_SECONDS": 0,
            "JOB_TICK_SECONDS": 0.2,
            "JOB_LEASE_SECONDS": 5,
            "JOB_REPUSH_SECONDS": 1,
            **settings,
        }
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
        for key, value in values.items():
            env[f"PORTAL_{key}"] = value if isinstance(value, str) else json.dumps(value)
        env["PYTHONPATH"] = str(REPO)
        return env

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115  (closed with the process)
        process = subprocess.Popen(
            [*FLASK, *args], cwd=REPO, env=self.env(), stdout=log, stderr=subprocess.STDOUT
        )
        process.log_path = self.folder / f"{name}.log"
        self.started.append(process)
        return process

    def worker(self, name: str) -> subprocess.Popen:
        return self.start(name, "worker", "--threads", "1")

    def web(self, name: str) -> int:
        port = _free_port()
        self.start(name, "run", "--host", "127.0.0.1", "--port", str(port))
        wait_until(lambda: listening(port), 60, f"{name} to listen on {port}")
        return port

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def logs(self) -> str:
        return "\n".join(
            f"== {p.log_path.name}\n{p.log_path.read_text(errors='replace')[-3000:]}"
            for p in self.started
        )


class Browser:
    """A person at one web server: cookies kept, forms posted (CSRF is off in these servers)."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, **fields: str) -> str:
        request = Request(self.base + path, data=urlencode(fields).encode(), method="POST")
        with self.opener.open(request, timeout=120) as response:
            return response.url

    def login(self, email: str, password: str) -> None:
        self.post("/login", email=email, password=password)


@pytest.fixture
def processes(app, tmp_path) -> Iterator[Processes]:
    started = Processes(app, tmp_path)
    try:
        yield started
    finally:
        started.stop_all()


def _use_redis(app, monkeypatch, url: str) -> None:
    monkeypatch.setitem(app.config, "QUEUE_URL", url)
    monkeypatch.setitem(app.config, "QUEUE_NAME", f"test-{uuid.uuid4().hex[:12]}")


@pytest.fixture
def shared_redis(app, monkeypatch) -> Iterator[str]:
    """The queue on the machine's Redis (127.0.0.1:6379), under a key prefix of this test."""
    import redis

    try:
        redis.Redis.from_url(SHARED_REDIS, socket_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    _use_redis(app, monkeypatch, SHARED_REDIS)
    yield SHARED_REDIS
    from portal.jobs.engine import huey_for

    huey_for(app).flush()


class PrivateRedis:
    """A Redis server of the test's own, which keeps nothing on disk: restarting it loses every
    message it held, as a crash of an unpersisted Redis does."""

    def __init__(self, folder: Path) -> None:
        self.port = _free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(lambda: listening(self.port), 20, "redis-server to listen")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


@pytest.fixture
def private_redis(app, monkeypatch, tmp_path) -> Iterator[PrivateRedis]:
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (.ci/run installs it)")
    server = PrivateRedis(tmp_path)
    server.start()
    _use_redis(app, monkeypatch, server.url)
    try:
        yield server
    finally:
        server.stop()
