"""Running the site: uvicorn (one process, or several with `--workers`), report workers beside it, all
stopped by Ctrl-C.

Every request is served from the database alone (sessions, answers, jobs are rows), so any web process
serves any request; the processes share nothing else. Several web processes are uvicorn's own
supervisor, which starts them with an import string: the data folder and database reach them through
the environment.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from assess.web.jobs import requeue_abandoned, start_workers
from assess.web.queue import prepare, uses_procrastinate
from assess.web.store import Site

DATA_VARIABLE = "ASSESS_SERVE_DATA"
DB_VARIABLE = "ASSESS_SERVE_DB"


def create_app(site: Site):
    """The app with every page and API router (here, above them all: the routers import `app`)."""
    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    from assess.errors import AssessError
    from assess.web import (
        api,
        api_rounds,
        api_survey,
        pages_admin,
        pages_audit,
        pages_community,
        pages_history,
        pages_packs,
        pages_rounds,
        pages_survey,
        round_import,
    )
    from assess.web.app import (
        HERE,
        GuardMiddleware,
        MustChangePassword,
        NotSignedIn,
        Refused,
        assess_error_handler,
        must_change_handler,
        not_signed_in_handler,
        refused_handler,
        templates,
    )

    app = FastAPI(title="assess", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.site = site
    app.state.templates = templates()
    app.add_middleware(GuardMiddleware)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(round_import.router)
    app.include_router(api_rounds.router)
    app.include_router(pages_rounds.router)
    app.include_router(pages_audit.router)
    app.include_router(pages_packs.router)
    app.include_router(pages_community.router)
    app.include_router(pages_history.router)
    app.include_router(pages_admin.router)
    app.include_router(api_survey.router)
    app.include_router(pages_survey.router)
    app.add_exception_handler(Refused, refused_handler)
    app.add_exception_handler(AssessError, assess_error_handler)
    app.add_exception_handler(NotSignedIn, not_signed_in_handler)
    app.add_exception_handler(MustChangePassword, must_change_handler)
    return app


def app_from_environment():
    """The app of one web process started by uvicorn's supervisor."""
    from assess.web.store import open_site

    return create_app(open_site(Path(os.environ[DATA_VARIABLE]), os.environ.get(DB_VARIABLE) or None))


def run(site: Site, host: str, port: int, db: str | None, report_workers: int = 1, web_workers: int = 1,
        behind_proxy: bool = False) -> None:
    """Serve until stopped. `behind_proxy`: trust X-Forwarded-For/-Proto from 127.0.0.1 only (nginx on this
    machine), so throttling counts each person's address and cookies are Secure under https."""
    import uvicorn


    prepare(site)
    if not uses_procrastinate(site):
        requeue_abandoned(site)  # embedded: every worker was ours, so a running job was left by a stop
    workers = start_workers(site, report_workers, db)
    # uvicorn answers open requests on Ctrl-C or SIGTERM, then raises the signal again: SIGTERM then ends
    # this process as SIGINT does, through the `finally` that stops the workers
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if web_workers > 1:
            os.environ[DATA_VARIABLE] = str(site.root.resolve())
            os.environ[DB_VARIABLE] = db or ""
            uvicorn.run("assess.web.serve:app_from_environment", factory=True, host=host, port=port,
                        workers=web_workers, log_level="warning", proxy_headers=behind_proxy,
                        forwarded_allow_ips="127.0.0.1")
        else:
            uvicorn.Server(uvicorn.Config(create_app(site), host=host, port=port, log_level="warning",
                                          proxy_headers=behind_proxy, forwarded_allow_ips="127.0.0.1")).run()
    finally:
        workers.close()
