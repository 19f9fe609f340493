"""Where jobs wait for a worker: one small interface, two modes.

A job is always a row of `web_jobs` (state, progress, messages, output): that is what pages show. Who runs
it depends on the database:

- **SQLite (embedded, one machine).** `assess serve` starts local worker processes that claim the oldest
  queued row in one write transaction (`jobs.claim`); a job starts once. Jobs left running when the server
  stopped are queued again at the next start. No retries: a failed report stays failed.
- **PostgreSQL (a district's server).** Each job row is also a job of procrastinate, a maintained
  PostgreSQL job queue, deferred once the row is committed; `assess worker` processes on any machine run
  them. procrastinate hands a job to one worker (row locks), retries a job whose worker crashed or was
  killed (its heartbeat stops: the job is found stalled and retried), and cancels a job still waiting. Our task
  moves the row from queued (or running, when retried after a crash) to running before it works and does
  nothing for a row already done, so a retried job is not rendered twice once it finished. Rows still
  queued a minute after they were made (the deferral lost with a connection) are deferred again by the
  workers' sweep, under a queueing lock so that a job is never waiting twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from assess.web.store import Site, jobs

QUEUE = "assess"
TASK = "assess.run_job"
STALLED_AFTER = 20.0  # seconds without a worker's heartbeat before its job is retried elsewhere
HEARTBEAT = 4.0
SWEEP_SECONDS = 5.0
LATE_SECONDS = 60


def uses_procrastinate(site: Site) -> bool:
    return site.engine.dialect.name == "postgresql"


def after_commit(connection, job_id: int, site: Site) -> None:
    """Hand the job to the queue once the transaction that made its row is committed (`Site.write`)."""
    if uses_procrastinate(site):
        connection.info.setdefault("after_commit", []).append(lambda: defer_or_leave(site, job_id))


def defer_or_leave(site: Site, job_id: int) -> None:
    """Defer now; should that fail, the row stays queued and the workers' sweep defers it a minute later."""
    try:
        defer(site, [job_id])
    except Exception as exc:  # the job is kept as a row: the request that made it has succeeded
        print(f"job {job_id}: not handed to the queue yet ({exc}); the workers' sweep will", file=sys.stderr)


def withdraw_after_commit(connection, job_id: int, site: Site) -> None:
    """Once a cancelled row is committed, cancel its procrastinate job if it still waits (else the worker
    that takes it finds the row cancelled and skips it)."""
    if uses_procrastinate(site):
        connection.info.setdefault("after_commit", []).append(lambda: withdraw(site, job_id))


def withdraw(site: Site, job_id: int) -> None:
    from sqlalchemy import text

    with site.read() as connection:
        waiting = connection.execute(text("SELECT id FROM procrastinate_jobs WHERE task_name = :task AND status = "
                                          "'todo' AND (args->>'job_id')::int = :job"),
                                     {"task": TASK, "job": job_id}).scalars().all()
    if waiting:
        app = make_app(site, sync=True)
        with app.open():
            for queued in waiting:
                app.job_manager.cancel_job_by_id(queued)


def conninfo(site: Site) -> str:
    return site.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


# -- procrastinate ------------------------------------------------------------------------------------------


SITES: dict[str, Site] = {}  # in a worker process: the site its jobs belong to
RUNNERS: dict[str, Callable[[Site, int, str], str]] = {}  # in a worker process: what runs a row (jobs.run_row)


def make_app(site: Site, sync: bool):
    """A procrastinate app on the site's database; `sync` for the web processes, which only defer."""
    import procrastinate

    connector = (procrastinate.SyncPsycopgConnector(conninfo=conninfo(site), min_size=1, max_size=4) if sync
                 else procrastinate.PsycopgConnector(conninfo=conninfo(site), min_size=1, max_size=4))
    app = procrastinate.App(connector=connector)
    SITES[TASK] = site

    @app.task(name=TASK, queue=QUEUE, pass_context=True,
              retry=procrastinate.RetryStrategy(max_attempts=3, wait=5, retry_exceptions={ConnectionError}))
    def run_web_job(context, job_id: int) -> str:
        return RUNNERS[TASK](SITES[TASK], job_id, context.worker_name or "procrastinate")

    return app


def prepare(site: Site) -> None:
    """procrastinate's tables in the site's database, made once (an advisory lock keeps two starts apart)."""
    if not uses_procrastinate(site):
        return
    from sqlalchemy import text

    with site.engine.connect() as connection, connection.begin():
        connection.execute(text("SELECT pg_advisory_xact_lock(727274)"))
        present = connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar()
        if present is None:
            app = make_app(site, sync=True)
            with app.open():
                app.schema_manager.apply_schema()


def defer(site: Site, job_ids: list[int]) -> None:
    """Defer the rows' jobs; one already waiting (same queueing lock) is left as it is."""
    from procrastinate.exceptions import AlreadyEnqueued

    app = make_app(site, sync=True)
    with app.open():
        task = app.tasks[TASK]
        for job_id in job_ids:
            with contextlib.suppress(AlreadyEnqueued):  # waiting already: once is enough
                task.configure(queueing_lock=f"web-job-{job_id}").defer(job_id=job_id)


async def orphan_watch(parent: int | None) -> None:
    import signal

    while parent is not None:
        await asyncio.sleep(1.0)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)
            return


async def sweep(app, site: Site) -> None:
    """Retry jobs whose worker stopped sending heartbeats; defer rows queued long ago but not waiting."""
    from starlette.concurrency import run_in_threadpool

    while True:
        await asyncio.sleep(SWEEP_SECONDS)
        for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER):
            print(f"job {job.id} stalled (its worker stopped): retried", file=sys.stderr, flush=True)
            await app.job_manager.retry_job(job)
        await run_in_threadpool(defer_late, site)


def defer_late(site: Site) -> None:
    from datetime import UTC, datetime, timedelta

    cutoff = (datetime.now(UTC) - timedelta(seconds=LATE_SECONDS)).isoformat(timespec="seconds")
    with site.read() as connection:
        late = connection.execute(select(jobs.c.id).where(jobs.c.state == "queued", jobs.c.created_at < cutoff)
                                  ).scalars().all()
    if late:
        defer(site, list(late))


def procrastinate_worker(site: Site, name: str, parent: int | None, run_row: Callable[[Site, int, str], str]) -> None:
    """One worker process: one job at a time (reports are CPU-bound; one process per core keeps them busy).
    SIGTERM lets the job at hand finish (procrastinate's graceful stop); so does the end of the process
    that started it, noticed as a new parent. `run_row` runs one row's job (`jobs.run_row`)."""
    RUNNERS[TASK] = run_row

    async def main():
        app = make_app(site, sync=False)
        async with app.open_async():
            helpers = [asyncio.create_task(sweep(app, site)), asyncio.create_task(orphan_watch(parent))]
            try:
                await app.run_worker_async(queues=[QUEUE], concurrency=1, name=name, wait=True,
                                           update_heartbeat_interval=HEARTBEAT,
                                           stalled_worker_timeout=STALLED_AFTER, install_signal_handlers=True)
            finally:
                for helper in helpers:
                    helper.cancel()
                await asyncio.gather(*helpers, return_exceptions=True)

    asyncio.run(main())


def describe(site: Site) -> dict[str, Any]:
    return {"mode": "procrastinate" if uses_procrastinate(site) else "local", "queue": QUEUE}
