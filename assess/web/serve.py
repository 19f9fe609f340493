"""Running the site: uvicorn in this process, report workers beside it, all stopped by Ctrl-C."""

from __future__ import annotations

from assess.web.jobs import requeue_abandoned, start_workers
from assess.web.store import Site


def run(site: Site, host: str, port: int, db: str | None, report_workers: int = 1) -> None:
    import uvicorn

    from assess.web.app import create_app

    requeue_abandoned(site)
    workers = start_workers(site, report_workers, db)
    try:
        uvicorn.run(create_app(site), host=host, port=port, log_level="warning", proxy_headers=False)
    finally:
        workers.close()
