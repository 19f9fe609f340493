"""`assess worker`: job processes without a web server, on this machine or another that mounts the data folder."""

from __future__ import annotations

import signal
import time

from assess.web.jobs import start_workers
from assess.web.queue import prepare
from assess.web.store import Site


def run_workers(site: Site, db: str | None, count: int) -> None:
    """Start `count` worker processes and wait; Ctrl-C or SIGTERM stops them (each finishes its job first)."""
    prepare(site)
    workers = start_workers(site, count, db)
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    try:
        while not stopping and any(p.is_alive() for p in workers.processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        workers.close(timeout=120)
