"""The deadline rush (`make bench-rush`, and at the end of `make bench`).

On SQLite and on PostgreSQL in turn: a new database with `flask demo --scale N` and the rush's
applicants (bench/rush_seed.py: through the portal's services, each with a verified
organisation, a consenting partner and a draft on a challenge that closes in two hours), the
portal served by gunicorn as `make bench` serves it, and locust (headless) sending
`--users` applicants through their rounds (bench/rush_journey.py: log in, open and save every
section with its CSRF token, upload a 1 MB PDF, sign the pledge, submit; withdraw and revise on
later rounds) while four times as many anonymous visitors read the catalogue and challenge
pages. It prints requests per second, p50/p95/p99 and errors per kind of request, and then
checks the database: every submission the portal acknowledged is a version holding exactly what
was sent (no lost update), and every applicant's proposal stands submitted. The databases are
dropped afterwards. Figures only: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import BIN, Server  # noqa: E402  (after the path is set)

POSTGRES = "postgresql://postgres@127.0.0.1:5432/rush_bench"
KINDS = (  # request kind, goal for its p99
    ("log in", ""),
    ("open form", ""),
    ("save section", "<300"),
    ("upload PDF", ""),
    ("sign pledge", ""),
    ("submit", ""),
    ("withdraw", ""),
    ("catalogue", "<150"),
    ("challenge page", "<150"),
)


def flask(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [BIN / "flask", "--app", "portal", *args], env=env, check=True, stdout=subprocess.DEVNULL
    )


def postgres_database(url: str, create: bool) -> bool:
    """Drop the database `url` names, and create it again when `create`; False when the server
    cannot be reached."""
    given = sa.engine.make_url(url)
    server = given.set(drivername="postgresql+psycopg", database="postgres")
    try:
        engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{given.database}" WITH (FORCE)'))
            if create:
                connection.execute(sa.text(f'CREATE DATABASE "{given.database}"'))
        engine.dispose()
    except sa.exc.OperationalError as exc:
        print(f"PostgreSQL at {given.host}:{given.port} cannot be reached ({exc.orig}); skipped.")
        return False
    return True


def seed(url: str, settings: dict[str, str], args) -> dict:
    """The rush's applicants, and the challenges visitors read: the plan locust reads."""
    from bench.rush_seed import published_numbers
    from bench.rush_seed import seed as seed_applicants
    from portal import create_app
    from portal.db import db

    app = create_app({"DATABASE_URL": url, **settings})
    with app.app_context():
        applicants = seed_applicants(args.users, challenges=args.challenges)
        challenges = published_numbers()
    db.engine.dispose()
    return {
        "applicants": [vars(a) for a in applicants],
        "challenges": challenges,
        "think": args.think,
        "visitor_think": args.visitor_think,
        "seconds": args.seconds,
    }


def lost_and_unsubmitted(url: str, settings: dict, plan: dict, results: dict) -> tuple[list, int]:
    from bench.rush_journey import Applicant, Submitted, lost_updates
    from portal import create_app
    from portal.db import db

    applicants = [Applicant(**a) for a in plan["applicants"]]
    acknowledged = {
        email: [Submitted(done["round"], tuple(done["pdfs"])) for done in result["submitted"]]
        for email, result in results.items()
    }
    begun = {email: result["rounds"] for email, result in results.items()}
    app = create_app({"DATABASE_URL": url, **settings})
    with app.app_context():
        lost = lost_updates(acknowledged, begun, applicants, date.today())
    db.engine.dispose()
    return lost, sum(1 for a in applicants if not acknowledged.get(a.email))


def locust(base: str, plan_path: Path, folder: Path, env: dict[str, str], args) -> None:
    users = args.users * (1 + args.visitors)
    subprocess.run(
        [
            BIN / "locust",
            "-f",
            str(ROOT / "bench" / "rush_locustfile.py"),
            "--headless",
            "--host",
            base,
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 5)),  # everyone within five seconds
            "--run-time",
            f"{args.seconds}s",
            "--stop-timeout",
            "30",  # a round begun may finish; one still running then is counted as such
            "--csv",
            str(folder / "locust"),
            "--only-summary",
            "--loglevel",
            "ERROR",
            "--exit-code-on-error",
            "0",
        ],
        env={**env, "RUSH_PLAN": str(plan_path), "RUSH_RESULTS": str(folder / "results.json")},
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def report(name: str, folder: Path, results: dict, lost: list[str], unsubmitted: int, args):
    with open(folder / "locust_stats.csv", newline="") as f:
        rows = {row["Name"]: row for row in csv.DictReader(f)}
    total = rows["Aggregated"]
    print()
    print(
        f"deadline rush on {name}: {args.users} applicants (pausing {args.think[0]:g}–"
        f"{args.think[1]:g} s before each request) and {args.users * args.visitors} visitors "
        f"({args.visitor_think[0]:g}–{args.visitor_think[1]:g} s), {args.seconds} s; gunicorn "
        f"{args.workers} workers × {args.threads} threads, page caches "
        f"{'off' if args.cache_off else 'as served'}"
    )
    header = f"{'request':<16}{'count':>8}{'errors':>8}{'req/s':>8}{'p50 ms':>8}{'p95':>7}"
    header += f"{'p99':>7}{'goal':>7}"
    print(header)
    print("-" * len(header))
    for kind, goal in (*KINDS, ("all", "")):
        row = total if kind == "all" else rows.get(kind)
        if row is None:
            continue
        print(
            f"{kind:<16}{row['Request Count']:>8}{row['Failure Count']:>8}"
            f"{float(row['Requests/s']):>8.1f}{row['50%']:>8}{row['95%']:>7}{row['99%']:>7}"
            f"{goal:>7}"
        )
    failures = folder / "locust_failures.csv"
    if failures.exists():
        with open(failures, newline="") as f:
            for row in list(csv.DictReader(f))[:5]:
                print(f"  error: {row['Occurrences']} × {row['Name']}: {row['Error']}"[:160])
    rounds = sum(r["rounds"] for r in results.values())
    submitted = sum(len(r["submitted"]) for r in results.values())
    refused = sum(r["refused"] for r in results.values())
    print(
        f"rounds: {rounds} begun, {submitted} submitted, {refused} stopped by an error, "
        f"{rounds - submitted - refused} still running at the end; applicants without a "
        f"submission: {unsubmitted}"
    )
    print(f"lost updates (acknowledged but not kept exactly as sent): {len(lost)}")
    for line in lost[:5]:
        print(f"  {line}"[:300])


def warm_up(base: str, plan: dict, args) -> None:
    """Every thread of every worker serves the public pages and the login page a few times
    before the rush, as a server that has been running does: what is measured is the rush, not
    the first compilation of each template and the first connection of each thread."""
    paths = ["/challenges", "/login", *(f"/challenges/{n}" for n in plan["challenges"])]
    with ThreadPoolExecutor(max_workers=args.workers * args.threads) as pool:
        for _ in pool.map(
            lambda path: urllib.request.urlopen(base + path).read(),
            paths * args.workers * args.threads * 2,
        ):
            pass


def rush(name: str, url: str | None, args) -> None:
    """The rush on the database `url` names (None: a new SQLite file)."""
    folder = Path(tempfile.mkdtemp(prefix="rush-", dir=ROOT / "instance"))
    url = url or f"sqlite:///{folder / 'rush.db'}"
    settings = {"STORAGE_ROOT": str(folder / "storage"), "QUEUE_URL": f"sqlite:///{folder}/q.db"}
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PORTAL_DATABASE_URL": url,
        **{f"PORTAL_{key}": value for key, value in settings.items()},
    }
    # Browsers keep a connection open between clicks; gunicorn's default of two seconds closes
    # it during an applicant's pause, and a request sent just as it closes fails in the client.
    env["GUNICORN_CMD_ARGS"] = "--keep-alive 30"
    if args.cache_off:
        env |= {"PORTAL_PUBLIC_CACHE_SECONDS": "0", "PORTAL_PRIVATE_CACHE_SECONDS": "0"}
    try:
        started = time.perf_counter()
        flask(env, "upgrade")
        flask(env, "demo", "--scale", str(args.scale))
        plan = seed(url, settings, args)
        plan_path = folder / "plan.json"
        plan_path.write_text(json.dumps(plan))
        print(
            f"{name}: scale-{args.scale} database and the rush's accounts made in "
            f"{time.perf_counter() - started:.0f} s"
        )
        server = Server("portal:create_app()", env, args.workers, args.threads)
        try:
            warm_up(server.url, plan, args)
            locust(server.url, plan_path, folder, env, args)
        finally:
            server.stop()
        written = json.loads((folder / "results.json").read_text())
        results = written["journeys"]
        lost, unsubmitted = lost_and_unsubmitted(url, settings, plan, results)
        report(name, folder, results, lost, unsubmitted, args)
        if written["faults"]:
            print(
                f"faults of the journey itself: {len(written['faults'])}, first: "
                f"{written['faults'][0]}"[:300]
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def pair(text: str) -> tuple[float, float]:
    low, high = (float(x) for x in text.split(","))
    return low, high


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=64, help="applicants at once")
    parser.add_argument("--visitors", type=int, default=4, help="visitors per applicant")
    parser.add_argument("--seconds", type=int, default=60, help="of load per database")
    parser.add_argument("--scale", type=int, default=500, help="proposals of the scale data")
    parser.add_argument("--challenges", type=int, default=4, help="that close in the rush")
    parser.add_argument("--think", type=pair, default=(1.0, 4.0), help="an applicant's pause, s")
    parser.add_argument("--visitor-think", type=pair, default=(5.0, 15.0), help="a visitor's, s")
    # as the README serves the portal in production: one process per core, 16 threads each
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--cache-off", action="store_true", help="both page caches off")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=os.environ.get("PORTAL_BENCH_POSTGRES", POSTGRES))
    args = parser.parse_args()
    if not shutil.which("locust", path=str(BIN)):
        sys.exit("locust is needed: pip install -e '.[bench]'")
    for name in args.databases.split(","):
        if name == "sqlite":
            rush("SQLite", None, args)
        elif postgres_database(args.postgres, create=True):
            try:
                rush("PostgreSQL", args.postgres, args)
            finally:
                postgres_database(args.postgres, create=False)


if __name__ == "__main__":
    main()
