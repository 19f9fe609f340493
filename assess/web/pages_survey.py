"""The community's page of its residents' phone survey: the link and its code, open / close / replace, the
answers received by building, the precision reached, the poster and the exports. Its JSON twin is
`GET /api/units/{id}/survey`, which this page calls through the same function.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from assess.web import api_survey
from assess.web.app import Person, Refused, render
from assess.web.roles import REPORT, VIEW
from assess.web.survey import close_link, open_link, replace_link, survey_status

router = APIRouter()
ACTIONS = {"open": open_link, "close": close_link, "replace": replace_link}


@router.get("/units/{unit_id}/survey")
def survey_page(request: Request, unit_id: int, person: Person) -> HTMLResponse:
    unit, status = api_survey.in_survey_unit(request, person, unit_id, VIEW, lambda c, unit, rnd: (
        unit, survey_status(c, unit, rnd, api_survey.base_url(request))))
    request.state.person = person
    return render(request, "survey.html", unit=unit, survey=status, can_change=person.can(REPORT, unit))


@router.post("/units/{unit_id}/survey/{action}")
async def survey_action(request: Request, unit_id: int, action: str, person: Person) -> Response:
    if action not in ACTIONS:
        raise Refused(404, "没有这个操作 / no such action")
    form = await request.form()
    settings = {}
    if action == "open":
        for name in ("cap", "households"):
            text = str(form.get(name) or "").strip()
            if text:
                if not text.isdigit() or int(text) < 1:
                    raise Refused(422, f"{name}: 请填正整数 / enter a whole number above 0")
                settings[name] = int(text)
    api_survey.in_survey_unit(request, person, unit_id, REPORT,
                              lambda c, unit, rnd: ACTIONS[action](c, unit, rnd, person, **settings), write=True)
    return RedirectResponse(f"/units/{unit_id}/survey", 303)
