"""The JSON API: every page that shows data has its twin here, with the same checks and the CLI's shapes.

`POST /api/login` gives the session cookie and, for scripts, the CSRF token to send as `X-CSRF-Token`.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from assess.errors import AssessError
from assess.web.access import NOT_FOUND, allowed_unit, in_unit
from assess.web.accounts import LoginRefused, NewSession, sign_in, sign_out
from assess.web.answers import (
    answer_file,
    coverage,
    is_submitted,
    question_of,
    questionnaire,
    save_answer,
    stored_answers,
)
from assess.web.app import COOKIE, Person, Refused, address, set_session_cookie
from assess.web.jobs import FINISHED, job_json, order_report
from assess.web.residents import (
    TooLarge,
    check_upload,
    latest_upload,
    record_upload,
    score_unit,
    store_upload,
    unit_uploads,
)
from assess.web.roles import FILL, REPORT, UPLOAD, VIEW
from assess.web.store import Site, jobs
from assess.web.units import Viewer, unit_json, visible_units

router = APIRouter(prefix="/api")


def site_of(request: Request) -> Site:
    return request.app.state.site


class Login(BaseModel):
    username: str
    password: str


async def start_session(request: Request, name: str, password: str) -> NewSession:
    """Sign in (argon2id off the event loop); any session the browser had is ended: a new id every login."""
    site = site_of(request)
    try:
        session = await run_in_threadpool(sign_in, site, name, password, address(request))
    except LoginRefused as exc:
        raise Refused(429 if exc.locked else 401, str(exc)) from None
    old = request.cookies.get(COOKIE)
    if old:
        await run_in_threadpool(sign_out, site, old, name, address(request))
    return session


@router.post("/login")
async def login(request: Request, body: Login) -> Response:
    session = await start_session(request, body.username, body.password)
    response = JSONResponse({"user": session.name, "csrf_token": session.csrf})
    set_session_cookie(response, request, session.token)
    return response


@router.post("/logout")
async def logout(request: Request, person: Person) -> Response:
    await run_in_threadpool(sign_out, site_of(request), request.cookies[COOKIE], person.name, address(request))
    response = JSONResponse({"signed_out": True})
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/units")
def units_list(request: Request, person: Person) -> list[dict[str, Any]]:
    with site_of(request).read() as connection:
        return [unit_json(row) for row in visible_units(connection, person)]


@router.get("/units/{unit_id}")
def unit_get(request: Request, unit_id: int, person: Person) -> dict[str, Any]:
    """The workspace's overview: the unit, how much is answered, what is not, whether it is submitted."""
    def work(connection, unit, rnd):
        answered, total, missing = coverage(questionnaire(rnd.pack), stored_answers(connection, unit.id, rnd.id))
        submitted = is_submitted(connection, unit.id, rnd.id)
        return {**unit_json(unit), "round": rnd.label, "answered": answered, "total": total,
                "unanswered": [q.id for _, q in missing], "submitted": submitted.at if submitted else None}

    return in_unit(site_of(request), person, unit_id, VIEW, work)


@router.get("/units/{unit_id}/answers")
def answers_get(request: Request, unit_id: int, person: Person) -> dict[str, Any]:
    return in_unit(site_of(request), person, unit_id, VIEW,
                   lambda c, unit, rnd: answer_file(c, unit, rnd).model_dump(mode="json"))


@router.get("/units/{unit_id}/answers/{question_id}")
def answer_get(request: Request, unit_id: int, question_id: str, person: Person) -> dict[str, Any]:
    def work(connection, unit, rnd):
        known_question(rnd.pack, question_id)
        return {"question_id": question_id, "value": stored_answers(connection, unit.id, rnd.id).get(question_id)}

    return in_unit(site_of(request), person, unit_id, VIEW, work)


class Value(BaseModel):
    value: Any = None


def known_question(pack: str, question_id: str) -> Any:
    try:
        return question_of(pack, question_id)
    except LookupError:
        raise Refused(404, f"问卷中没有题目 {question_id} / no question {question_id} in the questionnaire") from None


def put_answer(site: Site, person: Viewer, unit_id: int, question_id: str, raw: Any) -> Any:
    def work(connection, unit, rnd):
        return save_answer(connection, unit, rnd, known_question(rnd.pack, question_id), raw, person)

    return in_unit(site, person, unit_id, FILL, work, write=True)


@router.put("/units/{unit_id}/answers/{question_id}")
def answer_put(request: Request, unit_id: int, question_id: str, body: Value,
               person: Person) -> dict[str, Any]:
    return {"question_id": question_id, "value": put_answer(site_of(request), person, unit_id, question_id,
                                                            body.value)}


async def receive_upload(request: Request, person: Viewer, unit_id: int) -> dict[str, Any]:
    """Store the form's `file`, read it as `--respondents` would (off the event loop), record the outcome."""
    site = site_of(request)
    await run_in_threadpool(in_unit, site, person, unit_id, UPLOAD, lambda c, u, r: None)
    form = await request.form()
    sent = form.get("file")
    if not isinstance(sent, UploadFile) or not sent.filename:
        raise Refused(422, "请选择要上传的文件 / choose a file to upload (form field 'file')")
    group_by = tuple(g.strip() for g in str(form.get("group_by") or "").split(",") if g.strip())
    try:
        stored, size, digest = await run_in_threadpool(store_upload, site.uploads, sent.filename, sent.file,
                                                       site.max_upload)
    except TooLarge as exc:
        raise Refused(413, str(exc)) from None

    def work(connection, unit, rnd):
        return unit, rnd, check_upload(connection, unit, rnd, stored, sent.filename, group_by)

    unit, rnd, checked = await run_in_threadpool(in_unit, site, person, unit_id, UPLOAD, work)

    def record():
        with site.write() as connection:
            record_upload(connection, unit, rnd, site, stored, sent.filename, size, digest, group_by, checked, person)

    await run_in_threadpool(record)
    return checked


@router.post("/units/{unit_id}/residents")
async def residents_post(request: Request, unit_id: int, person: Person) -> dict[str, Any]:
    return await receive_upload(request, person, unit_id)


@router.get("/units/{unit_id}/residents")
def residents_get(request: Request, unit_id: int, person: Person) -> list[dict[str, Any]]:
    """The residents' files sent for this community, newest first, and which one scoring uses."""
    def work(connection, unit, rnd):
        in_use = latest_upload(connection, unit.id, rnd.id)
        return [{"id": row.id, "file": row.name, "at": row.at, "size": row.size, "respondents": row.respondents,
                 "notes": json.loads(row.notes), "problems": json.loads(row.problems),
                 "in_use": in_use is not None and in_use.id == row.id}
                for row in unit_uploads(connection, unit.id, rnd.id)]

    return in_unit(site_of(request), person, unit_id, VIEW, work)


@router.get("/units/{unit_id}/reports")
def reports_get(request: Request, unit_id: int, person: Person) -> list[dict[str, Any]]:
    return in_unit(site_of(request), person, unit_id, VIEW, lambda c, unit, rnd: unit_jobs(c, person, unit))


def unit_jobs(connection, person: Viewer, unit: Any, limit: int = 50) -> list[dict[str, Any]]:
    from sqlalchemy import select

    rows = connection.execute(select(jobs).where(jobs.c.unit_id == unit.id, jobs.c.unit_id.in_(person.visible()))
                              .order_by(jobs.c.id.desc()).limit(limit)).all()
    return [job_json(row) | {"created_at": row.created_at} for row in rows]


@router.get("/units/{unit_id}/scores")
def scores_get(request: Request, unit_id: int, person: Person) -> dict[str, Any]:
    site = site_of(request)
    return in_unit(site, person, unit_id, VIEW, lambda c, unit, rnd: score_unit(site, c, unit, rnd)
                   .model_dump(mode="json"))


class ReportOrder(BaseModel):
    lang: str = "zh"
    format: str = "pdf"


@router.post("/units/{unit_id}/reports")
def reports_post(request: Request, unit_id: int, body: ReportOrder, person: Person) -> dict:
    site = site_of(request)
    job = in_unit(site, person, unit_id, REPORT,
                  lambda c, unit, rnd: order_report(site, c, unit, rnd, body.lang, body.format, person), write=True)
    return {"job": job}


def visible_job(site: Site, person: Viewer, job_id: int) -> Any:
    """The job, if its unit is one this person may see (else 404, as for a job that does not exist)."""
    from sqlalchemy import select

    with site.read() as connection:
        row = connection.execute(select(jobs).where(jobs.c.id == job_id, jobs.c.unit_id.in_(person.visible()))).first()
        if row is None:
            raise Refused(404, NOT_FOUND)
        allowed_unit(connection, person, row.unit_id, VIEW)
        return row


@router.get("/jobs/{job_id}")
def job_get(request: Request, job_id: int, person: Person) -> dict[str, Any]:
    return job_json(visible_job(site_of(request), person, job_id))


@router.post("/jobs/{job_id}/cancel")
def job_cancel(request: Request, job_id: int, person: Person) -> dict[str, Any]:
    """Cancel a queued or running report: {state: cancelled | cancelling, job}. Whoever may order the unit's
    reports may cancel them; 409 for a finished job or a round's scoring."""
    from sqlalchemy import select

    from assess.web.jobs import cancel_job

    site = site_of(request)
    visible_job(site, person, job_id)
    with site.write() as connection:
        row = connection.execute(select(jobs).where(jobs.c.id == job_id)).one()
        allowed_unit(connection, person, row.unit_id, REPORT)
        try:
            state = cancel_job(site, connection, row, person)
        except AssessError as exc:
            raise Refused(409, str(exc)) from None
    return {"state": state, "job": job_json(visible_job(site, person, job_id))}


@router.get("/jobs/{job_id}/download")
def job_download(request: Request, job_id: int, person: Person) -> Response:
    site = site_of(request)
    row = visible_job(site, person, job_id)
    if row.state != "done":
        raise Refused(409, "报告尚未生成 / the report is not ready yet")
    params = json.loads(row.params)
    with site.read() as connection:
        unit = allowed_unit(connection, person, row.unit_id, VIEW)
    name = f"{unit.name}-报告-{params['lang']}.{params['format']}"
    media = {"pdf": "application/pdf", "zip": "application/zip",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}.get(
        params["format"], "text/html; charset=utf-8")
    return FileResponse(site.reports / row.output, media_type=media, filename=name)


@router.get("/jobs/{job_id}/events")
async def job_events(request: Request, job_id: int, person: Person) -> StreamingResponse:
    """The job's state as server-sent events until it is done or failed (pages poll where this is cut off)."""
    site = site_of(request)
    await run_in_threadpool(visible_job, site, person, job_id)

    async def events():
        last = None
        while not await request.is_disconnected():
            row = await run_in_threadpool(visible_job, site, person, job_id)
            state = job_json(row)
            if state != last:
                yield f"data: {json.dumps(state, ensure_ascii=False)}\n\n"
                last = state
            if row.state in FINISHED:
                return
            await asyncio.sleep(0.4)

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-store",
                                                                                 "X-Accel-Buffering": "no"})


