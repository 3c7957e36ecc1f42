"""The benchmark table of `make bench`: pages under load against a bare Flask endpoint.

Builds (once, cached under instance/) a database of `--scale` proposals with
`flask --app portal demo --scale N`, serves the portal and a bare "hello" Flask app with the same
gunicorn settings, loads each page with wrk, and prints requests per second, p50/p99 latency and
the ratio to "hello"; then SQL queries per page at 10 and 1,000 rows shown, the notice
benchmark and the deadline rush (bench/rush.py). Figures only: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import replace
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
PASSWORD = "portal-demo"
USER_AGENT = "jiebang-bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_database(scale: int) -> str:
    path = ROOT / "instance" / f"bench-{scale}.db"
    url = f"sqlite:///{path}"
    env = {**os.environ, "PORTAL_DATABASE_URL": url}
    existed = path.exists()
    started = time.perf_counter()
    subprocess.run([BIN / "flask", "--app", "portal", "upgrade"], env=env, check=True)
    if not existed:
        subprocess.run(
            [BIN / "flask", "--app", "portal", "demo", "--scale", str(scale)], env=env, check=True
        )
        print(f"built a scale-{scale} database in {time.perf_counter() - started:.1f} s")
    return url


class Server:
    """gunicorn serving `app` on a free port, the same way for the portal and for hello."""

    def __init__(self, app: str, env: dict[str, str], workers: int, threads: int):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                BIN / "gunicorn",
                "--workers",
                str(workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(threads),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                app,
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(
                    f"{self.url}/healthz" if "portal" in app else f"{self.url}/hello"
                )
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{app} did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def login_cookie(base: str, email: str) -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]  # sessions are bound to it (strong mode)
    html = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    data = urllib.parse.urlencode(
        {"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
    ).encode()
    opener.open(f"{base}/login", data=data)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def wrk(url: str, connections: int, seconds: int, cookie: str = "") -> dict[str, float]:
    command = [
        "wrk",
        "-t",
        str(min(2, connections)),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--latency",
        "-H",
        f"User-Agent: {USER_AGENT}",
        url,
    ]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    check = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Cookie": cookie})
    with urllib.request.urlopen(check) as response:
        if response.geturl() != url or response.status != 200:
            raise RuntimeError(f"{url} did not answer 200 itself (login lost?)")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"{url} answered errors under load:\n{out}")

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(\w+)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return {"rps": rps, "p50": ms("50"), "p99": ms("99")}


def best(runs: int, *load) -> dict[str, float]:
    """The run with the most requests per second: this machine's neighbours sometimes halve its
    speed for a few seconds, and a slowed run says nothing about the code."""
    return max((wrk(*load) for _ in range(runs)), key=lambda figures: figures["rps"])


def load_pages(pages, found: dict[str, str], env: dict[str, str], args) -> list[tuple]:
    """Serve the portal with `env` and load each page, under load and on one connection."""
    portal = Server("portal:create_app()", env, args.workers, args.threads)
    rows = []
    try:
        cookies = {}
        for page in pages:
            if page.login and page.login not in cookies:
                cookies[page.login] = login_cookie(portal.url, found[page.login])
            path = page.path.format(**found)
            cookie = cookies.get(page.login, "")
            figures = best(args.runs, portal.url + path, args.connections, args.seconds, cookie)
            single = best(args.runs, portal.url + path, 1, max(3, args.seconds // 2), cookie)
            rows.append((page, path, figures, single))
    finally:
        portal.stop()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    # One thread per process: threads of one process take turns holding the GIL, and a page
    # that waits for the database several times then waits for its turn as often (long tails).
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", type=int, default=2, help="best of this many runs per page")
    parser.add_argument("--skip-notices", action="store_true")
    parser.add_argument("--skip-rush", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    from bench.pages import PAGES, query_counts, targets

    url = build_database(args.scale)
    env = {**os.environ, "PORTAL_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}

    hello = Server("bench.hello:app", env, args.workers, args.threads)
    try:
        # One run more than the pages get: a slowed yardstick would flatter every ratio below.
        baseline = best(args.runs + 1, f"{hello.url}/hello", args.connections, args.seconds)
    finally:
        hello.stop()
    plain = Server("bench.plain:app", env, args.workers, args.threads)
    try:
        url_of_plain = f"{plain.url}/challenges"
        plain_figures = best(args.runs, url_of_plain, args.connections, args.seconds)
        plain_single = best(args.runs, url_of_plain, 1, max(3, args.seconds // 2))
    finally:
        plain.stop()

    found = targets(url)
    rows = load_pages(PAGES, found, env, args)
    # The same pages with the page caches off: what one rendering costs.
    uncached = [replace(page, name=f"{page.name} (no cache)") for page in PAGES]
    no_cache = {"PORTAL_PUBLIC_CACHE_SECONDS": "0"}
    rows += load_pages(uncached, found, {**env, **no_cache}, args)

    print()
    print(
        f"scale {args.scale} proposals · gunicorn {args.workers} workers × {args.threads} "
        f"threads · wrk {args.connections} connections, {args.seconds} s"
    )
    header = (
        f"{'page':<34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'1-conn p50':>12}{'× hello':>9}{'goal':>7}"
    )
    print(header)
    print("-" * len(header))
    print(
        f"{'hello (bare Flask)':<34}{baseline['rps']:>9.0f}{baseline['p50']:>9.1f}"
        f"{baseline['p99']:>9.1f}{'':>12}{1:>9.2f}{'':>7}"
    )
    print(
        f"{'plain catalogue (bench/plain.py)':<34}{plain_figures['rps']:>9.0f}"
        f"{plain_figures['p50']:>9.1f}{plain_figures['p99']:>9.1f}{plain_single['p50']:>12.1f}"
        f"{plain_figures['rps'] / baseline['rps']:>9.2f}{'':>7}"
    )
    for page, _path, figures, single in rows:
        ratio = figures["rps"] / baseline["rps"]
        print(
            f"{page.name:<34}{figures['rps']:>9.0f}{figures['p50']:>9.1f}{figures['p99']:>9.1f}"
            f"{single['p50']:>12.1f}{ratio:>9.2f}{page.goal:>7}"
        )

    catalogue = next(
        figures for page, _p, figures, _s in rows if page.name.startswith("public catalogue (no")
    )
    print(
        f"the plain page serves {plain_figures['rps'] / catalogue['rps']:.1f}× the portal's "
        "catalogue without its cache (goal: at most 3×)"
    )

    print()
    print("SQL queries per page, at 10 and at 1,000 rows shown")
    for name, small, large in query_counts(url, PASSWORD):
        print(f"  {name:<32}{small:>5}{large:>7}   {'equal' if small == large else 'DIFFERENT'}")

    if not args.skip_notices and (ROOT / "bench" / "notices.py").exists():
        print()
        subprocess.run([sys.executable, str(ROOT / "bench" / "notices.py")], check=True, env=env)

    if not args.skip_rush:
        subprocess.run([sys.executable, str(ROOT / "bench" / "rush.py")], check=True, env=env)


if __name__ == "__main__":
    main()
