"""The pages of rounds: the list with the form that opens one, the progress board (refreshed while people
answer), the printable list of reminders, and the closed round's league and reports.

Each page calls what its JSON twin in `api_rounds` calls, with the same checks.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from assess.web import api_rounds
from assess.web.app import Person, Refused, lang_of, render
from assess.web.roles import ROUNDS
from assess.web.rounds import stored_league, visible_rounds
from assess.web.store import jobs
from assess.web.units import Viewer, visible_units

router = APIRouter()


def page(request: Request, template: str, person: Viewer, **values: Any) -> HTMLResponse:
    request.state.person = person
    return render(request, template, **values)


@router.get("/rounds")
def rounds_page(request: Request, person: Person) -> HTMLResponse:
    site = request.app.state.site
    with site.read() as connection:
        found = visible_rounds(connection, person.visible())
        owners = [u for u in visible_units(connection, person, ("district", "subdistrict"))
                  if person.can(ROUNDS, u)]
    from assess.web.pages_packs import pack_choices

    return page(request, "rounds.html", person, rounds=found, owners=owners, error=None, packs=pack_choices(site))


@router.post("/rounds")
async def rounds_open(request: Request, person: Person) -> Response:
    form = await request.form()
    try:
        body = api_rounds.NewRound(label=str(form.get("label", "")), pack=str(form.get("pack") or "core"),
                                   units=[str(u) for u in form.getlist("units")],
                                   residents_needed=int(form.get("residents_needed") or 30),
                                   starts_on=str(form.get("starts_on") or "") or None,
                                   ends_on=str(form.get("ends_on") or "") or None,
                                   weights=str(form.get("weights") or "declared"),
                                   rank_by=str(form.get("rank_by") or "score"))
    except (ValidationError, ValueError):
        raise Refused(422, "请填写轮次名称并选择单位 / give a label and choose the units") from None
    round_id = api_rounds.create_round(request.app.state.site, person, body)
    return RedirectResponse(f"/rounds/{round_id}", 303)


def round_page_values(request: Request, person: Viewer, round_id: int) -> dict[str, Any]:
    site = request.app.state.site
    row, communities = api_rounds.board(site, person, round_id)
    with site.read() as connection:
        round_jobs = connection.execute(select(jobs).where(jobs.c.round_id == round_id, jobs.c.kind != "report")
                                        .order_by(jobs.c.id.desc()).limit(10)).all()
    league = stored_league(row)
    return {"round": row, "communities": communities, "league": league, "jobs": round_jobs,
            "standings": standings(league, row.pack, lang_of(request)) if league else [],
            "started": sum(1 for c in communities if c["answered"]),
            "submitted": sum(1 for c in communities if c["submitted"]), "manage": person.can(ROUNDS)}


JOB_KINDS = {"round-score": ("计分与排名", "scoring and ranking"), "district-report": ("汇总报告", "district report"),
             "community-reports": ("全部社区报告", "every community's report"), "workbook": ("排名工作簿", "workbook")}


def standings(league: dict[str, Any], pack_ref: str, lang: str) -> list[dict[str, Any]]:
    """The league's rows by rank, each grade in words (never its id)."""
    from assess.packs import load_pack

    pack = load_pack(pack_ref).pack
    rows = sorted(league["communities"], key=lambda c: (c["rank"] is None, c["rank"] or 0, c["name"]))
    return [c | {"grade_label": pack.grade(c["overall"]).label.get(lang) if c["overall"] is not None else "—"}
            for c in rows]


@router.get("/rounds/{round_id}")
def round_page(request: Request, round_id: int, person: Person) -> HTMLResponse:
    return page(request, "round.html", person, job_kinds=JOB_KINDS, **round_page_values(request, person, round_id))


@router.get("/rounds/{round_id}/board")
def board_fragment(request: Request, round_id: int, person: Person) -> HTMLResponse:
    return page(request, "_board.html", person, **round_page_values(request, person, round_id))


@router.get("/rounds/{round_id}/reminders")
def reminders_page(request: Request, round_id: int, person: Person) -> HTMLResponse:
    """The communities still to finish, with what each lacks: a list to print or send."""
    values = round_page_values(request, person, round_id)
    behind = [c for c in values["communities"]
              if not c["submitted"] or c["residents"] < c["residents_needed"]]
    return page(request, "reminders.html", person, behind=behind, **values)


@router.post("/rounds/{round_id}/close")
def close_page(request: Request, round_id: int, person: Person) -> Response:
    api_rounds.close(request.app.state.site, person, round_id)
    return RedirectResponse(f"/rounds/{round_id}", 303)


@router.post("/rounds/{round_id}/units/{unit_id}/unlock")
async def unlock_page(request: Request, round_id: int, unit_id: int, person: Person) -> Response:
    reason = str((await request.form()).get("reason") or "").strip()
    if not reason:
        raise Refused(422, "请填写解锁原因 / give the reason for unlocking")
    api_rounds.unlock_member(request.app.state.site, person, round_id, unit_id, reason)
    return RedirectResponse(f"/rounds/{round_id}", 303)


@router.post("/rounds/{round_id}/reports")
async def report_page(request: Request, round_id: int, person: Person) -> Response:
    from assess.web.round_jobs import order_round_report

    form = await request.form()
    site = request.app.state.site
    with site.write() as connection:
        row = api_rounds.round_for(connection, person, round_id, "report")
        job = order_round_report(site, connection, row, str(form.get("kind")), str(form.get("lang") or "zh"),
                                 str(form.get("format") or "") or None, person)
    return RedirectResponse(f"/jobs/{job}", 303)
