"""The deadline rush for locust (run by bench/rush.py, which writes the plan it reads).

Applicants: one simulated person per seeded applicant (`fixed_count`), each running
`bench.rush_journey.Journey` rounds with a pause before every request (they read the page, type,
choose the file). After the first, a round is begun only while it can end before the run does
(if it takes as long as the last one), so that rounds are finished and checked. Visitors:
everyone else, reading the catalogue and the challenge pages with a longer pause. What each
applicant had acknowledged is written to RUSH_RESULTS when the test stops.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
import urllib.parse
from dataclasses import asdict
from pathlib import Path

import gevent
from locust import FastHttpUser, between, constant, events, task

from bench.rush_journey import Answer, Journey, Refused
from bench.rush_seed import Applicant

PLAN = json.loads(Path(os.environ["RUSH_PLAN"]).read_text())
APPLICANTS = [Applicant(**a) for a in PLAN["applicants"]]
CHALLENGES = PLAN["challenges"]
JOURNEYS: list[Journey] = []
REFUSED: dict[str, int] = {}
FAULTS: list[str] = []
_numbers = itertools.count()
_started: list[float] = []


class LocustClient:
    """rush_journey's Client on a locust session: every request counted under its kind, and
    failed when its status, or where it redirects, is not the expected one."""

    def __init__(self, session) -> None:
        self.session = session

    def send(self, method, path, kind, *, expect, body=None, content_type="", location=""):
        headers = {"Content-Type": content_type} if content_type else {}
        with self.session.request(
            method,
            path,
            name=kind,
            data=body,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # No answer at all (a connection error) has no headers, and status 0.
            target = urllib.parse.urlsplit((response.headers or {}).get("location") or "")
            led_to = target.path + (f"#{target.fragment}" if target.fragment else "")
            if response.status_code != expect or not led_to.startswith(location):
                problem = getattr(response, "error", None) or led_to
                response.failure(f"{response.status_code} {problem or ''}".strip())
                return None
            response.success()
            return Answer(response.status_code, response.text or "", led_to)


class RushApplicant(FastHttpUser):
    fixed_count = len(APPLICANTS)
    wait_time = constant(0)  # the journey pauses itself, before each request

    def on_start(self) -> None:
        me = APPLICANTS[next(_numbers) % len(APPLICANTS)]
        self.journey = Journey(LocustClient(self.client), me, think=self.think)
        self.logged_in = False
        self.last_round = 0.0
        JOURNEYS.append(self.journey)

    def think(self) -> None:
        gevent.sleep(random.uniform(*PLAN["think"]))

    @task
    def rush(self) -> None:
        elapsed = time.monotonic() - _started[0]
        if self.last_round and elapsed + self.last_round > PLAN["seconds"]:
            gevent.sleep(1)  # too late for another round: wait for the end
            return
        began = time.monotonic()
        try:
            if not self.logged_in:
                self.journey.log_in()
                self.logged_in = True
            self.journey.round()
        except Refused:
            REFUSED[self.journey.applicant.email] = REFUSED.get(self.journey.applicant.email, 0) + 1
        except Exception as exc:  # the journey's own fault, not an answer: shown, not hidden
            FAULTS.append(f"{type(exc).__name__}: {exc}")
            REFUSED[self.journey.applicant.email] = REFUSED.get(self.journey.applicant.email, 0) + 1
        self.last_round = time.monotonic() - began


class Visitor(FastHttpUser):
    wait_time = between(*PLAN["visitor_think"])

    @task
    def catalogue(self) -> None:
        page = random.choice((1, 1, 2))
        self.client.get("/challenges" + (f"?page={page}" if page > 1 else ""), name="catalogue")

    @task(2)
    def challenge(self) -> None:
        self.client.get(f"/challenges/{random.choice(CHALLENGES)}", name="challenge page")


@events.test_start.add_listener
def _start(**_kwargs) -> None:
    _started.append(time.monotonic())


@events.test_stop.add_listener
def _write_results(**_kwargs) -> None:
    results = {
        journey.applicant.email: {
            "rounds": journey.rounds,
            "refused": REFUSED.get(journey.applicant.email, 0),
            "submitted": [asdict(done) for done in journey.submitted],
        }
        for journey in JOURNEYS
    }
    Path(os.environ["RUSH_RESULTS"]).write_text(json.dumps({"journeys": results, "faults": FAULTS}))
