"""`flask --app portal worker`: Huey's consumer runs the jobs, and a ticker thread looks after
the queue (portal/jobs/services.tick). Run it on any number of hosts that share the database and
the queue; stop it with Ctrl-C or SIGTERM (a running job finishes first, or runs again on
another worker once its lease is over)."""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask

from portal.jobs import engine, services

log = logging.getLogger("portal.jobs")


def _tick_forever(app: Flask, stop: threading.Event) -> None:
    cleaned = 0.0
    while True:
        try:
            with app.app_context():
                services.tick()
                if time.monotonic() - cleaned > 3600:
                    services.forget_done()
                    cleaned = time.monotonic()
        except Exception:  # the database or the engine is away: try again next round
            log.exception("the queue's round failed")
        if stop.wait(app.config["JOB_TICK_SECONDS"]):
            return


def run(app: Flask, threads: int) -> None:
    huey = engine.huey_for(app)
    if huey is None:
        raise RuntimeError("QUEUE_URL is 'immediate': jobs run where they are queued")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stop = threading.Event()
    ticker = threading.Thread(target=_tick_forever, args=(app, stop), name="ticker", daemon=True)
    consumer = huey.create_consumer(
        workers=threads, worker_type="thread", periodic=False, max_delay=1.0
    )
    ticker.start()
    try:
        consumer.run()
    finally:
        stop.set()
        ticker.join(timeout=10)
