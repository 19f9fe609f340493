"""The audit log searched and exported: by person, action, unit (and everything below it) and dates, as a
page, JSON, CSV (Excel-friendly UTF-8 with BOM) or .xlsx. Filtered like every query by the units the
person may see; events on no unit (logins, accounts) only for the administrator."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import and_, select

from assess.web.access import FORBIDDEN
from assess.web.app import Person, Refused, render
from assess.web.roles import AUDIT
from assess.web.store import audit, units
from assess.web.units import Viewer

router = APIRouter()
MAX_ROWS = 100_000
HEADER = ["时间 when", "操作人 who", "地址 address", "操作 action", "单位 unit", "内容 detail"]


@dataclass(frozen=True)
class AuditFilter:
    who: str = ""
    action: str = ""
    unit: str = ""  # a unit's path: it and everything below it
    since: str = ""  # YYYY-MM-DD, inclusive
    until: str = ""  # YYYY-MM-DD, inclusive

    @classmethod
    def of(cls, request: Request) -> AuditFilter:
        given = request.query_params
        return cls(*(str(given.get(k, "")).strip()[:200] for k in ("who", "action", "unit", "since", "until")))


def search(connection, person: Viewer, wanted: AuditFilter, limit: int = MAX_ROWS) -> list[Any]:
    where = audit.c.unit_id.in_(person.visible())
    if person.can_all():
        where = where | audit.c.unit_id.is_(None)
    terms = [where]
    if wanted.who:
        terms.append(audit.c.who == wanted.who)
    if wanted.action:
        terms.append(audit.c.action == wanted.action)
    if wanted.since:
        terms.append(audit.c.at >= wanted.since)
    if wanted.until:
        terms.append(audit.c.at < wanted.until + "T99")  # the whole last day
    if wanted.unit:
        lineage = connection.execute(select(units.c.lineage).where(units.c.path == wanted.unit.strip("/"))).scalar()
        below = select(units.c.id).where(units.c.lineage.startswith(lineage or "/none/", autoescape=True))
        terms.append(audit.c.unit_id.in_(below))
    return connection.execute(select(audit).where(and_(*terms)).order_by(audit.c.id.desc()).limit(limit)).all()


def rows_for(request: Request, person: Viewer, limit: int = MAX_ROWS) -> list[Any]:
    if not person.can(AUDIT):
        raise Refused(403, FORBIDDEN)
    with request.app.state.site.read() as connection:
        return search(connection, person, AuditFilter.of(request), limit)


def cells(row: Any) -> list[Any]:
    return [row.at, row.who, row.address, row.action, row.unit_id, json.dumps(json.loads(row.detail),
                                                                             ensure_ascii=False)]


@router.get("/admin/audit/search")
def search_page(request: Request, person: Person) -> HTMLResponse:
    request.state.person = person
    rows = rows_for(request, person, 500)
    return render(request, "audit.html", rows=rows, wanted=AuditFilter.of(request), query=request.url.query)


@router.get("/api/audit/search")
def search_json(request: Request, person: Person) -> list[dict[str, Any]]:
    return [{"at": r.at, "who": r.who, "address": r.address, "action": r.action, "unit": r.unit_id,
             "detail": json.loads(r.detail)} for r in rows_for(request, person)]


@router.get("/admin/audit/export.csv")
def export_csv(request: Request, person: Person) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(cells(r) for r in rows_for(request, person))
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=audit.csv"})


@router.get("/admin/audit/export.xlsx")
def export_xlsx(request: Request, person: Person) -> Response:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "操作记录 audit"
    sheet.append(HEADER)
    for row in rows_for(request, person):
        sheet.append(cells(row))
    out = io.BytesIO()
    book.save(out)
    return Response(out.getvalue(), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=audit.xlsx"})
