"""Administration pages: accounts (a manager creates them for the units below), units, the audit log."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlalchemy import select, update
from starlette.concurrency import run_in_threadpool

from assess.errors import AssessError
from assess.web.access import FORBIDDEN, allowed_unit
from assess.web.accounts import add_user, new_password, new_session, password_matches, set_password
from assess.web.app import Person, Refused, render, set_session_cookie
from assess.web.roles import AUDIT, MANAGE_UNITS, MANAGE_USERS, ROLES
from assess.web.store import assignments, audit, current_round, units, users
from assess.web.units import (
    KIND_WORDS,
    KINDS,
    Viewer,
    clean_name,
    community_kinds,
    community_type,
    ensure_path,
    unit_json,
    visible_units,
)

router = APIRouter()
AUDIT_SHOWN = 200


def page(request: Request, template: str, person: Viewer, status: int = 200, **values: Any) -> HTMLResponse:
    request.state.person = person
    return render(request, template, status, **values)


def accounts_view(connection, person: Viewer) -> dict[str, Any]:
    where = assignments.c.unit_id.in_(person.visible())
    if person.can_all():
        where = where | assignments.c.unit_id.is_(None)
    rows = connection.execute(
        select(users.c.name, users.c.revoked_at, assignments.c.role, units.c.path)
        .select_from(users.join(assignments).outerjoin(units))
        .where(where)
        .order_by(users.c.name)).all()
    return {"accounts": rows, "roles": ROLES.values(), "role_names": ROLES, "units": visible_units(connection, person)}


@router.get("/admin/users")
def users_page(request: Request, person: Person) -> HTMLResponse:
    if not person.can(MANAGE_USERS):
        raise Refused(403, FORBIDDEN)
    with request.app.state.site.read() as connection:
        return page(request, "users.html", person, created=None, error=None, **accounts_view(connection, person))


@router.post("/admin/users")
async def users_post(request: Request, person: Person) -> HTMLResponse:
    form = await request.form()
    name, role, unit_id = str(form.get("name", "")), str(form.get("role", "")), int(form.get("unit") or 0)
    site = request.app.state.site

    def work():
        with site.write() as connection:
            unit = allowed_unit(connection, person, unit_id, MANAGE_USERS, community=False)
            if role not in ROLES or ROLES[role].rank >= person.top_rank(unit):
                raise Refused(403, "只能分配低于自己的角色 / you can give only roles below your own")
            password = new_password()
            add_user(connection, name, password, role, unit.id, person.name, must_change=True)
            return password

    created, error = None, None
    try:
        created = {"name": name.strip(), "password": await run_in_threadpool(work)}
    except AssessError as exc:
        error = str(exc)
    with site.read() as connection:
        return page(request, "users.html", person, 422 if error else 200, created=created, error=error,
                    **accounts_view(connection, person))


@router.get("/admin/units")
def units_page(request: Request, person: Person) -> HTMLResponse:
    if not person.can(MANAGE_UNITS):
        raise Refused(403, FORBIDDEN)
    with request.app.state.site.read() as connection:
        return page(request, "units.html", person, units=visible_units(connection, person), kinds=KIND_WORDS,
                    community_kinds=community_kinds(current_round(connection).pack), error=None, typed={})


@router.post("/admin/units")
async def units_post(request: Request, person: Person) -> HTMLResponse:
    form = await request.form()
    site = request.app.state.site
    fields = {name: str(form.get(name) or "") for name in ("parent", "kind", "name", "community_type")}
    error = None
    try:
        await run_in_threadpool(add_unit, site, person, fields)
    except AssessError as exc:
        error = str(exc)
    with site.read() as connection:
        return page(request, "units.html", person, 422 if error else 200, units=visible_units(connection, person),
                    kinds=KIND_WORDS, community_kinds=community_kinds(current_round(connection).pack), error=error,
                    typed=fields if error else {})


class NewUnit(BaseModel):
    parent: int | None = None
    kind: str = "community"
    name: str
    community_type: str | None = None


@router.post("/api/units")
async def units_api_post(request: Request, body: NewUnit, person: Person) -> dict[str, Any]:
    """The twin of the form above: the same checks, the unit made (or found) as `GET /api/units` lists it."""
    fields = {"parent": str(body.parent or ""), "kind": body.kind, "name": body.name,
              "community_type": body.community_type or ""}
    site = request.app.state.site
    try:
        unit_id = await run_in_threadpool(add_unit, site, person, fields)
    except AssessError as exc:
        raise Refused(422, str(exc)) from None
    with site.read() as connection:
        return unit_json(connection.execute(select(units).where(units.c.id == unit_id)).one())


def add_unit(site, person: Viewer, fields: dict[str, str]) -> int:
    """A unit below one the person manages (a district at the top only for the administrator); a community
    may be given its type, checked against the open round's pack."""
    parent_id, kind = int(fields["parent"] or 0), fields["kind"] or "community"
    with site.write() as connection:
        if parent_id:
            parent = allowed_unit(connection, person, parent_id, MANAGE_UNITS, community=False)
            names = [*parent.path.split("/"), clean_name(fields["name"])]
            kinds = [*[row.kind for row in connection.execute(select(units).where(
                units.c.id.in_([int(i) for i in parent.lineage.strip("/").split("/")]))
                .order_by(units.c.lineage)).all()], kind]
        elif person.can_all():
            names, kinds = [clean_name(fields["name"])], [kind]
        else:
            raise Refused(403, FORBIDDEN)
        if kind not in KINDS:
            raise Refused(422, "单位类型不对 / unknown kind of unit")
        typed = community_type(current_round(connection).pack, kind, fields["community_type"])
        unit_id = ensure_path(connection, names, kinds)
        if typed is not None:
            connection.execute(update(units).where(units.c.id == unit_id).values(community_type=typed))
        return unit_id


def audit_rows(connection, person: Viewer) -> list[Any]:
    """Events on the units this person may see; events on no unit (logins, accounts) for the administrator."""
    where = audit.c.unit_id.in_(person.visible())
    if person.can_all():
        where = where | audit.c.unit_id.is_(None)
    return connection.execute(select(audit).where(where).order_by(audit.c.id.desc()).limit(AUDIT_SHOWN)).all()


@router.get("/admin/audit")
def audit_page(request: Request, person: Person) -> HTMLResponse:
    if not person.can(AUDIT):
        raise Refused(403, FORBIDDEN)
    with request.app.state.site.read() as connection:
        return page(request, "audit.html", person, rows=audit_rows(connection, person))


@router.get("/api/audit")
def audit_json(request: Request, person: Person) -> list[dict[str, Any]]:
    if not person.can(AUDIT):
        raise Refused(403, FORBIDDEN)
    with request.app.state.site.read() as connection:
        return [{"at": row.at, "who": row.who, "address": row.address, "action": row.action, "unit": row.unit_id,
                 "detail": json.loads(row.detail)} for row in audit_rows(connection, person)]


@router.get("/admin/audit.csv")
def audit_csv(request: Request, person: Person) -> Response:
    if not person.can(AUDIT):
        raise Refused(403, FORBIDDEN)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["时间 when", "操作人 who", "地址 address", "操作 action", "单位 unit", "内容 detail"])
    with request.app.state.site.read() as connection:
        for row in audit_rows(connection, person):
            writer.writerow([row.at, row.who, row.address, row.action, row.unit_id,
                             json.dumps(json.loads(row.detail), ensure_ascii=False)])
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=audit.csv"})


@router.get("/account/password")
def password_page(request: Request, person: Person) -> HTMLResponse:
    return page(request, "password.html", person, error=None, done=False, first=person.must_change)


@router.post("/account/password")
async def password_post(request: Request, person: Person) -> Response:
    """A person's own new password (an account made by a manager starts with a generated one): the old one
    is checked, every session ends, and this browser gets a new one."""
    form = await request.form()
    old, new, again = (str(form.get(k, "")) for k in ("old", "new", "again"))
    site = request.app.state.site

    def change():
        with site.read() as connection:
            stored = connection.execute(select(users.c.password_hash).where(users.c.id == person.user_id)).scalar()
        if not password_matches(stored, old):
            raise Refused(422, "原密码不正确 / the current password is wrong")
        if new != again:
            raise Refused(422, "两次输入的新密码不一致 / the new passwords differ")
        with site.write() as connection:
            set_password(connection, person.name, new, person.name)
            return new_session(connection, person.user_id, person.name)

    try:
        session = await run_in_threadpool(change)
    except AssessError as exc:
        return page(request, "password.html", person, 422, error=str(exc), done=False, first=person.must_change)
    request.state.csrf = session.csrf
    response = page(request, "password.html", person, error=None, done=True, first=False)
    set_session_cookie(response, request, session.token)
    return response
