"""Long work out of the web process: job rows, and worker processes that take them one at a time.

A report is ordered as a job row (queued → running → done | failed, with progress and messages) holding
a snapshot of its inputs: the answer file as it stood and the residents' file in use. Workers are
single-threaded processes started with "spawn" (a fork of a running web server is unsafe) that claim the
oldest queued job in one write transaction, so no job starts twice. A job whose inputs hash the same as a
finished one (same answers, residents' file, language, format, assess version) is done at once with the
stored report: nothing is rendered twice. On start, jobs left running by a stopped server are queued again.

A job can be cancelled (`cancel_job`): a queued one at once (no worker claims it), a running one at its next
step (the worker reads the row at every progress note; a step under way, such as a PDF's layout, ends
first and what it made is not kept).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from assess.errors import AssessError
from assess.files import created_folders, write_atomic
from assess.report import build_report, render_html, report_pdf
from assess.responses import ReadOptions
from assess.web.accounts import audit_event
from assess.web.answers import answers_yaml
from assess.web.queue import after_commit, procrastinate_worker, uses_procrastinate, withdraw_after_commit
from assess.web.residents import latest_upload, reading_of
from assess.web.store import Site, as_json, engine_for, jobs, now, secret_key
from assess.web.store import database_url as site_database_url
from assess.web.survey_rows import residents_snapshot

POLL_SECONDS = 0.3
FORMATS = ("pdf", "html")
FINISHED = ("done", "failed", "cancelled")
CANCELLABLE = ("report", "district-report", "community-reports", "workbook")  # not a round's scoring: the
# round is closed and its league is what every page of it waits for
CANCELLED = "已取消 / cancelled"
REUSED = "输入未改动，直接使用已生成的报告 / the input is unchanged: the report made before is given again"


def job_json(row: Any) -> dict[str, Any]:
    return {"id": row.id, "state": row.state, "progress": row.progress, "messages": json.loads(row.messages),
            "download": f"/api/jobs/{row.id}/download" if row.state == "done" else None,
            "format": json.loads(row.params).get("format"), "lang": json.loads(row.params).get("lang"),
            "kind": row.kind}


def order_report(site: Site, connection, unit: Any, round_row: Any, lang: str, fmt: str, who: Any) -> int:
    """A report job for the community's answers as they stand now; done at once when nothing changed."""
    if lang not in ("zh", "en") or fmt not in FORMATS:
        raise AssessError("语言应为 zh 或 en，格式应为 pdf 或 html / lang must be zh or en, format pdf or html")
    upload = latest_upload(connection, unit.id, round_row.id)
    params = {"lang": lang, "format": fmt, "answers": answers_yaml(connection, unit, round_row),
              "residents": upload.stored if upload else None, "residents_name": upload.name if upload else None,
              "group_by": json.loads(upload.group_by) if upload else []}
    residents_hash = upload.sha256 if upload else None
    snapshot = residents_snapshot(site.uploads, connection, unit, round_row,
                                  site.uploads / upload.stored if upload else None, reading_of(upload))
    if snapshot is not None:  # answers from phones: the table they make (with any upload) is the input
        params.update(residents=snapshot.stored, residents_name="手机问卷", group_by=snapshot.group_by)
        residents_hash = snapshot.sha256
    digest = hashlib.sha256(as_json([params["answers"], residents_hash, params["group_by"], lang,
                                     fmt, version("assess")]).encode()).hexdigest()
    done = connection.execute(select(jobs).where(jobs.c.input_hash == digest, jobs.c.state == "done")
                              .order_by(jobs.c.id.desc()).limit(1)).first()
    reused = done is not None and (site.reports / done.output).is_file()
    job_id = connection.execute(insert(jobs).values(
        kind="report", unit_id=unit.id, round_id=round_row.id, params=as_json(params), input_hash=digest,
        state="done" if reused else "queued", progress=1.0 if reused else 0.0,
        messages=as_json([REUSED] if reused else []), output=done.output if reused else None, who=who.user_id,
        created_at=now(), finished_at=now() if reused else None)).inserted_primary_key[0]
    if not reused:
        after_commit(connection, job_id, site)
    audit_event(connection, who.name, "report", {"job": job_id, "lang": lang, "format": fmt, "reused": reused},
                unit.id)
    return job_id


# -- the worker side ----------------------------------------------------------------------------------------


def claim(site: Site, worker: int) -> Any | None:
    """The oldest queued job, now running under `worker`; None when there is none. An idle poll only reads,
    so the workers' polling never takes the write lock from the people saving answers."""
    with site.read() as connection:
        if connection.execute(select(jobs.c.id).where(jobs.c.state == "queued").limit(1)).first() is None:
            return None
    with site.write() as connection:
        row = connection.execute(select(jobs).where(jobs.c.state == "queued").order_by(jobs.c.id).limit(1)
                                 .with_for_update(skip_locked=True)).first()
        if row is None:
            return None
        connection.execute(update(jobs).where(jobs.c.id == row.id, jobs.c.state == "queued")
                           .values(state="running", worker=worker, progress=0.05))
        return row


class JobCancelled(Exception):
    """Raised in a worker when the job's row asks it to stop; the row is already marked cancelled."""


def note(site: Site, job_id: int, progress: float, message: str | None = None, **values: Any) -> None:
    """Record a job's progress; when someone asked to cancel it, mark it cancelled instead and stop the job
    here (raised once that is committed)."""
    with site.write() as connection:
        row = connection.execute(select(jobs.c.messages, jobs.c.state).where(jobs.c.id == job_id)).one()
        cancelled = row.state in ("cancelling", "cancelled")  # cancelled: a step swallowed the first stop
        if row.state == "cancelling":
            connection.execute(update(jobs).where(jobs.c.id == job_id).values(
                state="cancelled", finished_at=now(), messages=as_json([*json.loads(row.messages), CANCELLED])))
        elif not cancelled:
            messages = json.loads(row.messages) + ([message] if message else [])
            connection.execute(update(jobs).where(jobs.c.id == job_id).values(
                progress=progress, messages=as_json(messages), **values))
    if cancelled:
        raise JobCancelled(job_id)


def run_job(site: Site, job: Any) -> None:
    """Render one report as `assess report` does, from the job's snapshot; the outcome goes to its row."""
    params = json.loads(job.params)
    try:
        if job.kind != "report":
            from assess.web.round_jobs import run_round_job

            return run_round_job(site, job, note)
        with tempfile.TemporaryDirectory() as folder:
            answers = Path(folder) / "answers.yaml"
            answers.write_text(params["answers"], encoding="utf-8")
            residents = site.uploads / params["residents"] if params["residents"] else None
            note(site, job.id, 0.1, "正在计分和比较案例 / scoring and comparing with the cases")
            data = build_report(answers, residents, reading=ReadOptions(group_by=tuple(params["group_by"])))
            note(site, job.id, 0.4, "正在排版 / laying out the report")
            if params["format"] == "html":
                content: str | bytes = render_html(data, params["lang"])
            else:
                content = report_pdf(data, params["lang"]).pdf
        name = f"{job.input_hash}.{params['format']}"
        write_atomic(site.reports / name, content, force=True)
        note(site, job.id, 1.0, "已完成 / done", state="done", output=name, finished_at=now())
    except JobCancelled:
        print(f"job {job.id} cancelled", file=sys.stderr, flush=True)
    except AssessError as exc:
        note(site, job.id, 1.0, str(exc), state="failed", finished_at=now())
    except Exception:
        traceback.print_exc(file=sys.stderr)
        note(site, job.id, 1.0, "生成报告出错，详见服务器日志 / the report failed: the server's log has the details",
             state="failed", finished_at=now())
    finally:
        created_folders.clear()  # folders made inside the job's temporary one: no command line to name them


def run_queued(site: Site, worker: int = 0) -> int:
    """Run jobs until none is queued; how many ran (the worker's loop, and tests, call this)."""
    count = 0
    while (job := claim(site, worker)) is not None:
        run_job(site, job)
        count += 1
    return count


def requeue_abandoned(site: Site) -> int:
    """Jobs left running when the server stopped go back to the queue, those being cancelled end cancelled
    (embedded mode: every worker was ours)."""
    with site.write() as connection:
        connection.execute(update(jobs).where(jobs.c.state == "cancelling")
                           .values(state="cancelled", finished_at=now()))
        return connection.execute(update(jobs).where(jobs.c.state == "running")
                                  .values(state="queued", progress=0.0, worker=None)).rowcount


def cancel_job(site: Site, connection, row: Any, who: Any) -> str:
    """Cancel a queued or running job (audited): queued → cancelled, never started; running → cancelling,
    stopped by its worker at the next step. On PostgreSQL the waiting procrastinate job is cancelled too,
    once this transaction commits. Finished jobs and a round's scoring are refused."""
    if row.kind not in CANCELLABLE:
        raise AssessError("计分与排名不能取消：轮次已结束，排名在此之后才有 / a round's scoring cannot be cancelled: "
                          "the round is closed and its league comes from it")
    if row.state not in ("queued", "running"):
        raise AssessError("这项任务已结束，无需取消 / this job has finished: nothing to cancel")
    state = "cancelled" if row.state == "queued" else "cancelling"
    changed = connection.execute(update(jobs).where(jobs.c.id == row.id, jobs.c.state == row.state).values(
        state=state, finished_at=now() if state == "cancelled" else None,
        messages=as_json([*json.loads(row.messages), CANCELLED if state == "cancelled" else
                          "正在取消，当前步骤完成后停止 / cancelling: stops after the step under way"]))).rowcount
    if not changed:  # a worker took it (or finished it) meanwhile: the caller may try again
        raise AssessError("任务状态刚刚改变，请刷新后再试 / the job changed meanwhile: reload and try again")
    if state == "cancelled":
        withdraw_after_commit(connection, row.id, site)
    audit_event(connection, who.name, "job.cancel", {"job": row.id, "kind": row.kind, "was": row.state}, row.unit_id)
    return state


STOPPING: list[bool] = []  # set in a worker by SIGTERM: finish the job at hand, then end


def run_row(site: Site, job_id: int, worker: str) -> str:
    """Run the row's job unless it is done; the claim is the row's move to running."""
    with site.write() as connection:
        row = connection.execute(select(jobs).where(jobs.c.id == job_id).with_for_update()).first()
        if row is None or row.state in FINISHED:
            return "skipped"
        if row.state == "cancelling":  # cancelled while a worker that then stopped had it
            connection.execute(update(jobs).where(jobs.c.id == job_id).values(state="cancelled", finished_at=now()))
            return "skipped"
        connection.execute(update(jobs).where(jobs.c.id == job_id)
                           .values(state="running", worker=os.getpid(), progress=0.05))
    print(f"[{worker} pid {os.getpid()}] job {job_id} ({row.kind}) started", file=sys.stderr, flush=True)
    run_job(site, row)
    return "ran"


def worker_loop(site: Site, name: str, worker: int, parent: int | None) -> None:
    """The loop of one worker process, whichever the mode."""
    if uses_procrastinate(site):
        procrastinate_worker(site, name, parent, run_row)
        return
    poll_forever(site, worker, parent)


def worker_main(root: str, db: str | None, worker: int, parent: int | None) -> None:
    """One worker process, started by `assess serve` (`parent`: the server) or `assess worker` (None).

    Ctrl-C reaches the whole process group; a worker leaves it to whoever started it, which stops its
    workers. SIGTERM lets the job at hand finish."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    site = Site(Path(root), engine_for(site_database_url(Path(root), db)), secret_key(Path(root) / "secret.key"))
    worker_loop(site, f"assess-worker-{os.getpid()}", worker, parent)


def poll_forever(site: Site, worker: int, parent: int | None) -> None:
    """Claim, run, repeat until told to stop (SIGTERM) or the server that started it is gone (it then has a
    new parent: a server killed outright leaves no worker behind)."""
    signal.signal(signal.SIGTERM, lambda *_: STOPPING.append(True))
    while not STOPPING and (parent is None or os.getppid() == parent):
        job = claim(site, worker)
        if job is None:
            time.sleep(POLL_SECONDS)
        else:
            print(f"[worker {worker} pid {os.getpid()}] job {job.id} ({job.kind}) started", file=sys.stderr, flush=True)
            run_job(site, job)


@dataclass
class Workers:
    processes: list[Any]

    def close(self, timeout: float = 30.0) -> None:
        """Stop every worker: each finishes the report at hand (up to `timeout`), else it is killed and its
        job is queued again at the next start."""
        for process in self.processes:
            process.terminate()
        deadline = time.monotonic() + timeout
        for process in self.processes:
            process.join(max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(5)


def start_workers(site: Site, count: int, db: str | None) -> Workers:
    """Worker processes, not daemonic: a round's community reports are rendered with a pool of their own
    (each worker is stopped by `Workers.close`, or notices that its parent is gone)."""
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=worker_main, args=(str(site.root), db, n + 1, os.getpid()), daemon=False,
                                 name=f"assess-worker-{n + 1}") for n in range(count)]
    for process in processes:
        process.start()
    return Workers(processes)
