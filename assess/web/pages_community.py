"""The pages of signing in and of a community's workspace: questionnaire, residents' data, scores, reports.

Each page calls what its JSON twin in `api` calls, with the same checks.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from assess.errors import AssessError
from assess.packs import load_pack
from assess.report import RadarAxis, RadarLegend, radar_chart
from assess.responses import shown_value
from assess.web import api
from assess.web.access import allowed_unit, in_unit
from assess.web.answers import (
    answers_yaml,
    coverage,
    import_answers_yaml,
    is_submitted,
    questionnaire,
    stored_answers,
    submit,
    unlock,
)
from assess.web.app import COOKIE, Person, Refused, address, lang_of, render, set_session_cookie
from assess.web.jobs import CANCELLABLE, job_json
from assess.web.residents import latest_upload, safe_file_name, score_unit, unit_uploads
from assess.web.roles import FILL, REPORT, SUBMIT, UNLOCK, VIEW
from assess.web.rounds import unit_round
from assess.web.store import answers, current_round, submissions
from assess.web.units import Viewer, visible_units

router = APIRouter()


def page(request: Request, template: str, person: Viewer, **values: Any) -> HTMLResponse:
    request.state.person = person
    return render(request, template, **values)


@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    return render(request, "login.html", error=None)


@router.post("/login")
async def login_post(request: Request) -> Response:
    form = await request.form()
    try:
        session = await api.start_session(request, str(form.get("username", "")), str(form.get("password", "")))
    except Refused as exc:
        return render(request, "login.html", exc.status, error=exc.message)
    response = RedirectResponse("/", 303)
    set_session_cookie(response, request, session.token)
    return response


@router.post("/logout")
async def logout_post(request: Request, person: Person) -> Response:
    await run_in_threadpool(api.sign_out, request.app.state.site, request.cookies[COOKIE], person.name,
                            address(request))
    response = RedirectResponse("/login", 303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def switch_language(request: Request, code: str) -> Response:
    back = request.headers.get("referer") or "/"
    response = RedirectResponse(back if back.startswith(str(request.base_url)) else "/", 303)
    response.set_cookie("lang", "en" if code == "en" else "zh", samesite="lax", max_age=365 * 24 * 3600)
    return response


@router.get("/")
def home(request: Request, person: Person) -> HTMLResponse:
    """The person's units; for each community, how much of the questionnaire is answered and whether it is
    submitted (one grouped query each, filtered by the units the person may see)."""
    with request.app.state.site.read() as connection:
        listed = visible_units(connection, person)
        rnd = current_round(connection)
        round_of = {u.id: unit_round(connection, u).id for u in listed if u.kind == "community"}
        counts = {unit: count for unit, round_id, count in connection.execute(
            select(answers.c.unit_id, answers.c.round_id, func.count()).where(answers.c.unit_id.in_(person.visible()))
            .group_by(answers.c.unit_id, answers.c.round_id)).all() if round_of.get(unit) == round_id}
        locked = {unit for unit, round_id in connection.execute(select(submissions.c.unit_id, submissions.c.round_id)
                  .where(submissions.c.unit_id.in_(person.visible()))).all() if round_of.get(unit) == round_id}
    total = sum(len(s.questions) for s in questionnaire(rnd.pack))
    return page(request, "home.html", person, units=listed, counts=counts, locked=locked, total=total)


def workspace(connection, unit, rnd) -> dict[str, Any]:
    sections = questionnaire(rnd.pack)
    given = stored_answers(connection, unit.id, rnd.id)
    answered, total, missing = coverage(sections, given)
    return {"unit": unit, "round": rnd, "sections": sections, "given": given, "answered": answered, "total": total,
            "missing": missing, "submitted": is_submitted(connection, unit.id, rnd.id)}


@router.get("/units/{unit_id}")
def unit_page(request: Request, unit_id: int, person: Person) -> HTMLResponse:
    values = in_unit(request.app.state.site, person, unit_id, VIEW, workspace)
    return page(request, "unit.html", person, **values)


@router.get("/units/{unit_id}/questionnaire/{number}")
def section_page(request: Request, unit_id: int, number: int, person: Person) -> HTMLResponse:
    values = in_unit(request.app.state.site, person, unit_id, VIEW, workspace)
    if not 1 <= number <= len(values["sections"]):
        raise Refused(404, "没有这一部分 / no such part of the questionnaire")
    lang = lang_of(request)
    shown = {q.id: shown_with_unit(q, v, lang) for s in values["sections"] for q in s.questions
             if (v := values["given"].get(q.id)) is not None}
    return page(request, "section.html", person, section=values["sections"][number - 1], shown=shown,
                can_fill=person.can(FILL, values["unit"]) and not values["submitted"], **values)


def shown_with_unit(question: Any, value: Any, lang: str) -> str:
    """An answer as `assess fill` shows it, a number with its unit (90 %, 12 学时)."""
    unit = getattr(question, "unit", None)
    return f"{shown_value(question, value, lang)} {unit.get(lang)}" if unit is not None else \
        shown_value(question, value, lang)


@router.put("/units/{unit_id}/answers/{question_id}")
async def answer_put(request: Request, unit_id: int, question_id: str, person: Person) -> Response:
    form = await request.form()
    site = request.app.state.site
    rnd_pack = await run_in_threadpool(in_unit, site, person, unit_id, FILL, lambda c, u, r: r.pack)
    question = api.known_question(rnd_pack, question_id)
    raw: Any = " ".join(str(v) for v in form.getlist("value")) if question.type == "multi_choice" else \
        form.get("value")
    if question.type == "multi_choice" and not raw:
        raw = "无"  # every box cleared: chosen none of them
    value = await run_in_threadpool(api.put_answer, site, person, unit_id, question_id, raw)
    values = await run_in_threadpool(in_unit, site, person, unit_id, VIEW, workspace)
    shown = shown_with_unit(question, value, lang_of(request)) if value is not None else ""
    return page(request, "saved.html", person, question=question, shown=shown, **values)


@router.post("/units/{unit_id}/submit")
def submit_post(request: Request, unit_id: int, person: Person) -> Response:
    in_unit(request.app.state.site, person, unit_id, SUBMIT, lambda c, u, r: submit(c, u, r, person), write=True)
    return RedirectResponse(f"/units/{unit_id}", 303)


@router.post("/units/{unit_id}/unlock")
async def unlock_post(request: Request, unit_id: int, person: Person) -> Response:
    reason = str((await request.form()).get("reason", "")).strip()[:500]
    await run_in_threadpool(in_unit, request.app.state.site, person, unit_id, UNLOCK,
                            lambda c, u, r: unlock(c, u, r, person, reason), write=True)
    return RedirectResponse(f"/units/{unit_id}", 303)


def uploads_view(connection, unit: Any, rnd: Any) -> dict[str, Any]:
    in_use = latest_upload(connection, unit.id, rnd.id)
    return {"unit": unit, "uploads": [upload_view(u, in_use) for u in unit_uploads(connection, unit.id, rnd.id)]}


@router.get("/units/{unit_id}/residents")
def residents_page(request: Request, unit_id: int, person: Person) -> HTMLResponse:
    values = in_unit(request.app.state.site, person, unit_id, VIEW, uploads_view)
    return page(request, "residents.html", person, **values)


def upload_view(row: Any, in_use: Any) -> dict[str, Any]:
    return {"in_use": in_use is not None and in_use.id == row.id, "name": row.name, "at": row.at,
            "respondents": row.respondents, "notes": json.loads(row.notes),
            "problems": json.loads(row.problems)}


@router.post("/units/{unit_id}/residents")
async def residents_post(request: Request, unit_id: int, person: Person) -> Response:
    checked = await api.receive_upload(request, person, unit_id)
    values = await run_in_threadpool(in_unit, request.app.state.site, person, unit_id, VIEW, uploads_view)
    return page(request, "upload_result.html", person, checked=checked, **values)


@router.get("/units/{unit_id}/scores")
def scores_page(request: Request, unit_id: int, person: Person) -> HTMLResponse:
    site = request.app.state.site

    def work(connection, unit, rnd):
        result = score_unit(site, connection, unit, rnd)
        pack = load_pack(rnd.pack).pack
        titles = {q.id: q.title for _, _, q in pack.questions()}
        warnings = [shown_warning(w, titles, pack_ids(pack), lang_of(request)) for w in result.warnings]
        return {"unit": unit, "result": result, "radar": radar(result, lang_of(request)), "warnings": warnings}

    return page(request, "scores.html", person, **in_unit(site, person, unit_id, VIEW, work))


PACK_ID = re.compile(r" ?(?<![\w-])([a-z0-9][a-z0-9_-]*)\s*（")


def pack_ids(pack: Any) -> set[str]:
    return {element.id for d in pack.dimensions for element in (d, *d.indicators)} | \
        {q.id for _, _, q in pack.questions()}


def shown_warning(notice: Any, titles: dict[str, Any], ids: set[str], lang: str) -> str:
    """A score warning in the page's language; in Chinese without the pack's ids (`维度 resources（资源整合与共享）`
    reads `维度（资源整合与共享）`), as Chinese output never shows one."""
    if notice.question in titles and notice.detail is not None:
        return f"{titles[notice.question].get(lang)}{'：' if lang == 'zh' else ': '}{notice.detail.get(lang)}"
    text = notice.get(lang)
    if lang == "zh":
        text = PACK_ID.sub(lambda m: "（" if m.group(1) in ids else m.group(0), text)
    return text


def radar(result: Any, lang: str) -> Any:
    """The report's radar chart of the dimensions against their targets (the mean of their indicators')."""
    axes = []
    for dimension in result.dimensions:
        targets = [i.target for i in result.indicators if i.dimension == dimension.id]
        axes.append(RadarAxis(label=dimension.title.get(lang), score=dimension.score,
                              target=sum(targets) / len(targets) if targets else 0.0, case=None))
    legend = RadarLegend(community=result.community.name, target="目标" if lang == "zh" else "target")
    return radar_chart(axes, legend, "各维度得分" if lang == "zh" else "Scores by dimension") if axes else None


@router.get("/units/{unit_id}/reports")
def reports_page(request: Request, unit_id: int, person: Person) -> HTMLResponse:
    def work(connection, unit, rnd):
        return {"unit": unit, "jobs": api.unit_jobs(connection, person, unit, 20),
                "can_order": person.can(REPORT, unit)}

    return page(request, "reports.html", person, **in_unit(request.app.state.site, person, unit_id, VIEW, work))


@router.post("/units/{unit_id}/reports")
async def reports_post(request: Request, unit_id: int, person: Person) -> Response:
    form = await request.form()
    order = api.ReportOrder(lang=str(form.get("lang", "zh")), format=str(form.get("format", "pdf")))
    job = await run_in_threadpool(api.reports_post, request, unit_id, order, person)
    return RedirectResponse(f"/jobs/{job['job']}", 303)


def job_values(request: Request, person: Viewer, job_id: int) -> dict[str, Any]:
    """The job as its page shows it, and whether this person may cancel it (who may order the unit's reports)."""
    site = request.app.state.site
    row = api.visible_job(site, person, job_id)
    with site.read() as connection:
        unit = allowed_unit(connection, person, row.unit_id, VIEW)
    return {"job": job_json(row), "unit_id": row.unit_id, "can_cancel": person.can(REPORT, unit)
            and row.kind in CANCELLABLE}


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: int, person: Person) -> HTMLResponse:
    return page(request, "job.html", person, **job_values(request, person, job_id))


@router.post("/jobs/{job_id}/cancel")
def job_cancel_page(request: Request, job_id: int, person: Person) -> Response:
    api.job_cancel(request, job_id, person)
    return RedirectResponse(f"/jobs/{job_id}", 303)


@router.get("/jobs/{job_id}/progress")
def job_progress(request: Request, job_id: int, person: Person) -> HTMLResponse:
    """The progress block alone: the polling fallback where server-sent events do not arrive."""
    return page(request, "job_progress.html", person, **job_values(request, person, job_id))


@router.get("/units/{unit_id}/answers.yaml")
def export_answers(request: Request, unit_id: int, person: Person) -> Response:
    def work(connection, unit, rnd):
        return unit, answers_yaml(connection, unit, rnd)

    unit, text = in_unit(request.app.state.site, person, unit_id, VIEW, work)
    name = safe_file_name(f"{unit.name}-answers.yaml")
    return Response(text, media_type="application/x-yaml; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quoted(name)}"})


def quoted(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@router.post("/units/{unit_id}/answers.yaml")
async def import_answers(request: Request, unit_id: int, person: Person) -> Response:
    form = await request.form()
    sent = form.get("file")
    if not isinstance(sent, UploadFile):
        raise Refused(422, "请选择 answers.yaml 文件 / choose an answers.yaml file")
    content = await sent.read()
    shown_name = safe_file_name(sent.filename or "answers.yaml")

    def work(connection, unit, rnd):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / shown_name
            path.write_bytes(content)
            try:
                return import_answers_yaml(connection, unit, rnd, path, person)
            except AssessError as exc:
                raise Refused(422, str(exc).replace(str(path), shown_name)) from None

    await run_in_threadpool(in_unit, request.app.state.site, person, unit_id, FILL, work, True, True)
    return RedirectResponse(f"/units/{unit_id}", 303)

