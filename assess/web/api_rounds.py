"""The JSON API of rounds: open one for communities, watch its progress, unlock, close, and its results.

Every query is filtered by the units the person may see: a round is visible when its owner unit (the
sub-district or district that opened it) is, and its board lists only the communities the person sees.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from assess.errors import AssessError
from assess.web.access import NOT_FOUND, allowed_unit
from assess.web.answers import unlock
from assess.web.app import Person, Refused
from assess.web.jobs import job_json
from assess.web.roles import REPORT, ROUNDS, UNLOCK, VIEW
from assess.web.round_jobs import order_round_report, queue_round_job
from assess.web.rounds import (
    close_round,
    export_round,
    open_round,
    progress,
    round_communities,
    stored_league,
    trend,
    visible_round,
    visible_rounds,
)
from assess.web.store import Site, jobs
from assess.web.units import Viewer

router = APIRouter(prefix="/api")


def site_of(request: Request) -> Site:
    return request.app.state.site


class NewRound(BaseModel):
    label: str
    pack: str = "core"
    units: list[int | str] = Field(min_length=1, max_length=20_000)
    residents_needed: int = Field(default=30, ge=0, le=100_000)
    starts_on: str | None = None
    ends_on: str | None = None
    weights: str = "declared"
    rank_by: str = "score"


class RoundReport(BaseModel):
    kind: str
    lang: str = "zh"
    format: str | None = None


class Reason(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


def round_for(connection, person: Viewer, round_id: int, permission: str) -> Any:
    """The round (404 unless its owner unit is visible; 403 when the role lacks `permission` there)."""
    row = visible_round(connection, person.visible(), round_id)
    if row is None:
        raise Refused(404, "没有这一轮，或您无权查看 / no such round, or not yours to see")
    allowed_unit(connection, person, row.unit_id, permission)
    return row


def round_json(row: Any) -> dict[str, Any]:
    return {"id": row.id, "label": row.label, "pack": row.pack, "unit": row.unit_id, "opened_at": row.opened_at,
            "closed_at": row.closed_at}


def create_round(site: Site, person: Viewer, body: NewRound) -> int:
    from assess.web.pages_packs import pack_choices

    if not person.can(ROUNDS):
        raise Refused(403, "您的角色不能开启评估轮次 / your role cannot open rounds")
    refs = {str(c["id"]): c["ref"] for c in pack_choices(site) if c["id"]} | {
        c["ref"]: c["ref"] for c in pack_choices(site)}
    if body.pack not in refs:
        raise AssessError(f"没有指标包 {body.pack}：请用 core 或在“指标包”页上传的包 / no pack {body.pack}: "
                          "use core or a pack uploaded on the packs page")
    with site.write() as connection:
        round_id = open_round(connection, person, body.label, refs[body.pack], body.units, body.residents_needed,
                              body.starts_on, body.ends_on, body.weights, body.rank_by)
        round_for(connection, person, round_id, ROUNDS)  # the owner unit, too, must be within the role's reach
        return round_id


@router.post("/rounds")
def rounds_post(request: Request, body: NewRound, person: Person) -> dict[str, int]:
    return {"id": create_round(site_of(request), person, body)}


@router.get("/rounds")
def rounds_get(request: Request, person: Person) -> list[dict[str, Any]]:
    with site_of(request).read() as connection:
        return [round_json(r) | {"owner": r.owner} for r in visible_rounds(connection, person.visible())]


def board(site: Site, person: Viewer, round_id: int) -> tuple[Any, list[dict[str, Any]]]:
    with site.read() as connection:
        row = round_for(connection, person, round_id, VIEW)
        return row, progress(connection, row, person.visible())


@router.get("/rounds/{round_id}/progress")
def progress_get(request: Request, round_id: int, person: Person) -> dict[str, Any]:
    row, communities = board(site_of(request), person, round_id)
    return round_json(row) | {"communities": communities}


def close(site: Site, person: Viewer, round_id: int) -> int:
    """Close the round (its answers locked) and queue its scoring; the scoring job's id."""
    with site.write() as connection:
        row = round_for(connection, person, round_id, ROUNDS)
        close_round(connection, row, person)
        row = round_for(connection, person, round_id, ROUNDS)
        return queue_round_job(site, connection, row, "round-score", {}, person)


@router.post("/rounds/{round_id}/close")
def close_post(request: Request, round_id: int, person: Person) -> dict[str, Any]:
    return {"id": round_id, "closed": True, "job": close(site_of(request), person, round_id)}


def unlock_member(site: Site, person: Viewer, round_id: int, unit_id: int, reason: str) -> None:
    with site.write() as connection:
        row = round_for(connection, person, round_id, VIEW)
        unit = allowed_unit(connection, person, unit_id, UNLOCK, community=True)
        if unit.id not in {u.id for u in round_communities(connection, row.id, person.visible())}:
            raise Refused(404, NOT_FOUND)
        if row.closed_at is not None:
            raise AssessError("这一轮已经结束，不能再解锁 / the round is closed: nothing can be unlocked")
        unlock(connection, unit, row, person, reason.strip())


@router.post("/rounds/{round_id}/units/{unit_id}/unlock")
def unlock_post(request: Request, round_id: int, unit_id: int, body: Reason, person: Person) -> dict[str, Any]:
    unlock_member(site_of(request), person, round_id, unit_id, body.reason)
    return {"unit": unit_id, "submitted": False}


def scoring_state(connection, round_id: int) -> str | None:
    from sqlalchemy import select

    return connection.execute(select(jobs.c.state).where(jobs.c.round_id == round_id, jobs.c.kind == "round-score")
                              .order_by(jobs.c.id.desc()).limit(1)).scalar()


@router.get("/rounds/{round_id}/league")
def league_get(request: Request, round_id: int, person: Person) -> dict[str, Any]:
    """The league as `assess district score --format json`; 409 until the closed round is scored."""
    with site_of(request).read() as connection:
        row = round_for(connection, person, round_id, VIEW)
        league = stored_league(row)
        if league is None:
            state = scoring_state(connection, round_id)
            raise Refused(409, "排名尚未算出：请先结束本轮，并等待计分完成 / no league yet: close the round and wait "
                               f"for its scoring (scoring: {state or 'not queued'})")
        return league


@router.get("/rounds/{round_id}/trend")
def trend_get(request: Request, round_id: int, since: str, person: Person) -> dict[str, Any]:
    site = site_of(request)
    with site.read() as connection:
        row = round_for(connection, person, round_id, VIEW)
    return trend(site, row, since)


@router.post("/rounds/{round_id}/reports")
def reports_post(request: Request, round_id: int, body: RoundReport, person: Person) -> dict[str, int]:
    site = site_of(request)
    with site.write() as connection:
        row = round_for(connection, person, round_id, REPORT)
        return {"job": order_round_report(site, connection, row, body.kind, body.lang, body.format, person)}


@router.get("/rounds/{round_id}/jobs")
def jobs_get(request: Request, round_id: int, person: Person) -> list[dict[str, Any]]:
    from sqlalchemy import select

    with site_of(request).read() as connection:
        round_for(connection, person, round_id, VIEW)
        rows = connection.execute(select(jobs).where(jobs.c.round_id == round_id, jobs.c.kind != "report",
                                                     jobs.c.unit_id.in_(person.visible()))
                                  .order_by(jobs.c.id.desc()).limit(50)).all()
        return [job_json(r) for r in rows]


def export_zip(site: Site, person: Viewer, round_id: int) -> tuple[str, bytes]:
    """The round as a folder `assess district score` reads, zipped: (file name, bytes)."""
    import tempfile

    with site.read() as connection, tempfile.TemporaryDirectory() as folder:
        row = round_for(connection, person, round_id, ROUNDS)
        target = export_round(site, connection, row, Path(folder) / row.label)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(target.rglob("*")):
                if path.is_file():
                    archive.write(path, str(path.relative_to(folder)))
        return f"{row.label}.zip", buffer.getvalue()


@router.get("/rounds/{round_id}/export")
def export_get(request: Request, round_id: int, person: Person) -> Response:
    from urllib.parse import quote

    name, data = export_zip(site_of(request), person, round_id)
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
