"""The residents' phone survey over HTTP: the community's link (JSON), its poster and exports, and the
residents' side (the survey page and the answers it sends), which needs no account.

A resident's request is checked by the site's guards like any other (cross-site refused, body at most
1 MB) and then by the survey's own bounds (`survey`); nothing of the request but the answers is kept.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from assess.web.access import in_unit
from assess.web.app import Person, Refused, address, render
from assess.web.roles import REPORT, VIEW
from assess.web.store import Site, current_round, rounds
from assess.web.survey import (
    CLOSED,
    AddressLimits,
    SurveyRefused,
    close_link,
    count_request,
    current_link,
    estimated_minutes,
    link_by_token,
    link_json,
    open_link,
    phone_question,
    replace_link,
    resident_questions,
    survey_status,
    take_response,
)

router = APIRouter()
ANSWERED_COOKIE = "assess_answered"


def site_of(request: Request) -> Site:
    return request.app.state.site


def base_url(request: Request) -> str:
    """Where phones reach the site: ASSESS_PUBLIC_URL when set (an https name behind a reverse proxy),
    else the address the staff's browser used."""
    return os.environ.get("ASSESS_PUBLIC_URL", "").strip() or str(request.base_url)


def refusal(exc: SurveyRefused) -> Refused:
    return Refused(exc.status, str(exc))


def in_survey_unit(request: Request, person: Person, unit_id: int, permission: str, work, write: bool = False):
    try:
        return in_unit(site_of(request), person, unit_id, permission, work, write=write)
    except SurveyRefused as exc:
        raise refusal(exc) from None


# -- the community's side --------------------------------------------------------------------------------


class LinkSettings(BaseModel):
    cap: int | None = None
    households: int | None = None
    attributes: list[dict[str, Any]] | None = None


@router.get("/api/units/{unit_id}/survey")
def survey_get(request: Request, unit_id: int, person: Person) -> dict[str, Any]:
    """The link, the answers received (by building and each attribute) and the precision they reach."""
    return in_survey_unit(request, person, unit_id, VIEW,
                          lambda c, unit, rnd: survey_status(c, unit, rnd, base_url(request)))


@router.post("/api/units/{unit_id}/survey")
def survey_open(request: Request, unit_id: int, person: Person, body: LinkSettings | None = None) -> dict[str, Any]:
    """Open the community's survey (made on first use, reopened when closed): {url, token, open, …}."""
    settings = body or LinkSettings()
    return in_survey_unit(request, person, unit_id, REPORT, lambda c, unit, rnd: link_json(
        open_link(c, unit, rnd, person, settings.cap, settings.households, settings.attributes), base_url(request)),
        write=True)


@router.post("/api/units/{unit_id}/survey/close")
def survey_close(request: Request, unit_id: int, person: Person) -> dict[str, Any]:
    return in_survey_unit(request, person, unit_id, REPORT, lambda c, unit, rnd: link_json(
        close_link(c, unit, rnd, person), base_url(request)), write=True)


@router.post("/api/units/{unit_id}/survey/replace")
def survey_replace(request: Request, unit_id: int, person: Person) -> dict[str, Any]:
    """A new link; the old one answers that the survey is closed."""
    return in_survey_unit(request, person, unit_id, REPORT, lambda c, unit, rnd: link_json(
        replace_link(c, unit, rnd, person), base_url(request)), write=True)


def open_link_or_404(connection, unit: Any, rnd: Any) -> Any:
    link = current_link(connection, unit.id, rnd.id)
    if link is None:
        raise Refused(404, "本社区还没有居民问卷链接，请先开启 / this community has no survey link yet: open it first")
    return link


@router.get("/api/units/{unit_id}/survey/poster.pdf")
def survey_poster(request: Request, unit_id: int, person: Person) -> Response:
    """The A4 poster to print: the community's name, the code, the link, the time it takes, the privacy promise."""
    from assess.web.survey_poster import poster_pdf

    def work(connection, unit, rnd):
        link = open_link_or_404(connection, unit, rnd)
        count = len(resident_questions(rnd.pack))
        return unit, poster_pdf(request.app.state.templates, unit.name, link_json(link, base_url(request))["url"],
                                estimated_minutes(count), count)

    unit, pdf = in_survey_unit(request, person, unit_id, VIEW, work)
    return Response(pdf, media_type="application/pdf", headers=download_headers(f"{unit.name}-居民问卷海报.pdf"))


@router.get("/api/units/{unit_id}/survey/qr.svg")
def survey_qr(request: Request, unit_id: int, person: Person) -> Response:
    from assess.web.survey_poster import qr_svg

    link = in_survey_unit(request, person, unit_id, VIEW, open_link_or_404)
    return Response(qr_svg(link_json(link, base_url(request))["url"]), media_type="image/svg+xml")


@router.get("/api/units/{unit_id}/survey/answers.{kind}")
def survey_export(request: Request, unit_id: int, kind: str, person: Person) -> Response:
    """The phone answers as a table: csv (the project's residents' file, UTF-8), xlsx or sav (SPSS)."""
    from assess.web.survey_export import MEDIA, exported

    if kind not in MEDIA:
        raise Refused(404, "可导出 csv、xlsx、sav / export as csv, xlsx or sav")
    unit, data = in_survey_unit(request, person, unit_id, VIEW,
                                lambda c, unit, rnd: (unit, exported(c, unit, rnd, kind)))
    return Response(data, media_type=MEDIA[kind], headers=download_headers(f"{unit.name}-手机问卷.{kind}"))


def download_headers(name: str) -> dict[str, str]:
    from urllib.parse import quote

    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}


# -- the residents' side -------------------------------------------------------------------------------------


def link_and_pack(site: Site, token: str) -> tuple[Any, str, str]:
    """(link, the round's pack, the community's name); 404 for a token that never was."""
    from sqlalchemy import select

    from assess.web.store import units

    with site.read() as connection:
        link = link_by_token(connection, token)
        if link is None:
            raise Refused(404, "没有这个问卷链接，请核对二维码 / no such survey link: check the code")
        pack = connection.execute(select(rounds.c.pack).where(rounds.c.id == link.round_id)).scalar()
        name = connection.execute(select(units.c.name).where(units.c.id == link.unit_id)).scalar()
        return link, pack or current_round(connection).pack, name


@router.get("/s/{token}")
def survey_page(request: Request, token: str) -> HTMLResponse:
    """The survey a resident's phone opens from the code: no account, everything in one page."""
    link, pack, community = link_and_pack(site_of(request), token)
    if link.state != "open":
        return render(request, "survey_closed.html", 410, community=community, message=CLOSED)
    lang = "en" if request.cookies.get("lang") == "en" else "zh"
    questions = [phone_question(q, lang) for q in resident_questions(pack)]
    survey = {"token": token, "community": community, "questions": questions,
              "attributes": json.loads(link.attributes), "minutes": estimated_minutes(len(questions)),
              "answered_before": request.cookies.get(ANSWERED_COOKIE, "").split(",").count(token) > 0}
    response = render(request, "survey_phone.html", community=community, survey=survey)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


class Submission(BaseModel):
    client_id: str
    answers: dict[str, Any]
    attributes: dict[str, Any] | None = None


@router.post("/api/survey/{token}/responses")
async def survey_respond(request: Request, token: str, body: Submission) -> Response:
    """One resident's answers: 201 the first time, 200 for the same `client_id` again (counted once)."""
    site = site_of(request)
    link, pack, _ = await run_in_threadpool(link_and_pack, site, token)
    limits: AddressLimits = getattr(request.app.state, "survey_limits", None) or AddressLimits.from_environment()

    def counted() -> float:
        with site.write() as connection:
            return count_request(connection, site.secret, link, address(request), limits)

    def store() -> bool:
        with site.write() as connection:
            fresh = link_by_token(connection, token)  # closed or replaced since the first read?
            return take_response(connection, fresh, pack, body.client_id, body.answers, body.attributes)

    try:
        delay = await run_in_threadpool(counted)
        if delay:
            await asyncio.sleep(delay)  # a flood is slowed before it is refused: no puzzle for older residents
        created = await run_in_threadpool(store)
    except SurveyRefused as exc:
        return JSONResponse({"detail": str(exc)}, exc.status)
    response = JSONResponse({"received": True, "client_id": body.client_id}, 201 if created else 200)
    answered = [t for t in request.cookies.get(ANSWERED_COOKIE, "").split(",") if t and t != token][-9:]
    response.set_cookie(ANSWERED_COOKIE, ",".join([*answered, token]), max_age=180 * 24 * 3600, httponly=True,
                        samesite="lax", secure=request.url.scheme == "https", path="/")
    return response
