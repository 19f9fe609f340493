"""Running the site: uvicorn in this process, report workers beside it, all stopped by Ctrl-C."""

from __future__ import annotations

import signal
import sys

from assess.web.jobs import requeue_abandoned, start_workers
from assess.web.store import Site


def run(site: Site, host: str, port: int, db: str | None, report_workers: int = 1) -> None:
    import uvicorn

    from assess.web.app import create_app

    requeue_abandoned(site)
    workers = start_workers(site, report_workers, db)
    server = uvicorn.Server(uvicorn.Config(create_app(site), host=host, port=port, log_level="warning",
                                           proxy_headers=False))
    # uvicorn answers open requests on Ctrl-C or SIGTERM, then raises the signal again: SIGTERM then ends
    # this process as SIGINT does, through the `finally` that stops the workers
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.run()
    finally:
        workers.close()
