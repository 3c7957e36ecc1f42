"""What one rendering of each benchmarked page costs, measured inside the process.

Loads every page of bench/pages.py through Flask's test client in a loop, with the page caches
off, on the scale database that bench/run.py builds, and prints each page's median time. No
server, no network: what is left is the portal's own work, which is what a profile explains.
The CPU column is the process's own time, which a busy machine disturbs less than the clock;
the fastest load ("min") is what a page costs when nothing else runs.

    python bench/profile.py                   # medians of every page
    python bench/profile.py --profile ranking # and pyinstrument's tree for pages matching "ranking"
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import ALL_PAGES, targets  # noqa: E402
from bench.run import PASSWORD, USER_AGENT, build_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200, help="timed loads of each page")
    parser.add_argument(
        "--profile", default="", help="profile the pages whose name has one of these (a,b)"
    )
    parser.add_argument(
        "--only", default="", help="time only the pages whose name has one of these"
    )
    args = parser.parse_args()

    from portal import create_app

    url = build_database(args.scale)
    found = targets(url)
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "PUBLIC_CACHE_SECONDS": 0,
        }
    )
    clients = {}
    for page in ALL_PAGES:
        if page.login in clients:
            continue
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
        if page.login:
            app.config["WTF_CSRF_ENABLED"] = False  # for the login only: pages still draw tokens
            client.post("/login", data={"email": found[page.login], "password": PASSWORD})
            app.config["WTF_CSRF_ENABLED"] = True
        clients[page.login] = client

    print(f"{'page':<36}{'median ms':>10}{'p90 ms':>9}{'CPU ms':>9}{'min ms':>9}{'goal ms':>9}")
    for page in ALL_PAGES:
        if not any(part in page.name for part in args.only.split(",")):
            continue
        client = clients[page.login]
        path = page.path.format(**found)
        for _ in range(10):  # warm: catalogues, compiled templates, statement caches
            response = client.get(path)
            assert response.status_code == 200, (page.name, path, response.status_code)
        times, cpu = [], []
        for _ in range(args.requests):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        times.sort()
        print(
            f"{page.name:<36}{statistics.median(times):>10.2f}"
            f"{times[int(len(times) * 0.9)]:>9.2f}{statistics.median(cpu):>9.2f}"
            f"{times[0]:>9.2f}{page.ms_goal:>9}"
        )
        if args.profile and any(part in page.name for part in args.profile.split(",")):
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0002)
            with profiler:
                for _ in range(args.requests):
                    client.get(path)
            print(
                profiler.output_text(
                    unicode=True, color=False, show_all=False, time="percent_of_total"
                )
            )


if __name__ == "__main__":
    main()
