"""`make run` on a fresh clone: one command serves the pages and runs the jobs, on the embedded
queue (no Redis), and Ctrl-C stops the web server and the worker together."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from tests.jobs.processes import REPO, listening, wait_until
from tests.smtp_fixtures import _free_port

pytestmark = pytest.mark.slow

AWAITING_NOTICE = """
SELECT challenge.number FROM award
JOIN proposal ON proposal.id = award.proposal_id
JOIN challenge ON challenge.id = proposal.challenge_id
WHERE award.status IN ('confirmed', 'active')
AND NOT EXISTS (SELECT 1 FROM notice WHERE notice.award_id = award.id)
"""


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test_make_run_serves_pages_and_runs_jobs_without_redis(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    (clone / ".venv").symlink_to((REPO / ".venv").resolve())  # the packages, already installed
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    port = _free_port()
    log = open(tmp_path / "make-run.log", "wb")  # noqa: SIM115  (closed below)
    # As typed in a terminal: its own process group, which Ctrl-C (SIGINT) reaches whole.
    make = subprocess.Popen(
        ["make", "-o", ".venv/.installed", "run", f"PORT={port}"],
        cwd=clone,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        # A terminal's shell starts a command with Ctrl-C at its default; a runner that started
        # this suite in the background hands its processes SIGINT ignored, which Python and the
        # web server would keep.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        wait_until(lambda: listening(port), 300, "make run to serve")
        from urllib.request import urlopen

        with urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            assert response.status == 200 and "揭榜挂帅" in response.read().decode()  # in Chinese

        with sqlite3.connect(clone / "instance" / "portal.db") as database:
            number = database.execute(AWAITING_NOTICE).fetchone()[0]
        out = tmp_path / "out"
        issued = subprocess.run(  # issues nothing itself (--workers 0): waits for make run's worker
            [sys.executable, "-m", "flask", "--app", "portal", "notices", "issue",
             "--challenge", number, "--out", str(out), "--workers", "0"],
            cwd=clone, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert issued.returncode == 0, issued.stdout + issued.stderr
        assert list(out.glob("*.pdf"))
        with sqlite3.connect(clone / "instance" / "portal.db") as database:
            workers = {w for (w,) in database.execute("SELECT worker FROM job")}
        assert workers and all(f":{os.getpid()}:" not in w for w in workers)
    finally:
        os.killpg(make.pid, signal.SIGINT)
        make.wait(timeout=60)
        log.close()
    wait_until(lambda: not group_alive(make.pid), 30, "the web server and the worker to stop")
    assert not listening(port)
    assert (clone / "instance" / "queue.db").exists()
