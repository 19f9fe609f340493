"""A community's history: its scores in every round it took part in, each with its 90 % interval, as a page
and as its JSON twin (`/api/units/{id}/history`).

The scores are those of each closed round's stored league (`assess district score --format json`), found
by the folder name the round gave the community when it was scored (`rounds.scored_folder_of`). A community's
own scores are shown to whoever may see the community; its rank among the others only to those who may
see the round itself (the sub-district or district that opened it), as the league is.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from assess.web.access import in_unit
from assess.web.app import Person, lang_of, render
from assess.web.roles import VIEW
from assess.web.round_tables import round_members, round_scopes
from assess.web.rounds import scored_folder_of
from assess.web.store import Site, rounds, units
from assess.web.units import Viewer

router = APIRouter()

NOT_SCORED = {"open": ("本轮尚未结束", "the round is still open"),
              "scoring": ("本轮已结束，正在计分", "closed, being scored"),
              "left_out": ("本轮未作答，未计分", "no answers in this round: not scored"),
              "failed": ("本轮计分未成功", "could not be scored in this round")}


def community_history(site: Site, connection, person: Viewer, unit: Any) -> dict[str, Any]:
    """{unit, name, path, rounds: [...]}, oldest round first. Each round: its label, dates and state, and
    when scored the overall score with its interval, grade, respondents, each dimension's score with its
    interval, and the rank with its interval when the person may see the round (else `rank` is None and
    `rank_shown` False)."""
    taken = connection.execute(
        select(rounds, round_scopes.c.league, round_scopes.c.unit_id.label("owner"))
        .join(round_scopes, round_scopes.c.round_id == rounds.c.id)
        .join(round_members, round_members.c.round_id == rounds.c.id)
        .where(round_members.c.unit_id == unit.id).order_by(rounds.c.opened_at, rounds.c.id)).all()
    seen_owners = set(connection.execute(person.visible().where(
        units.c.id.in_([row.owner for row in taken]))).scalars().all()) if taken else set()
    history = [one_round(site, connection, row, unit, row.owner in seen_owners) for row in taken]
    return {"unit": unit.id, "name": unit.name, "path": unit.path, "rounds": history}


def one_round(site: Site, connection, row: Any, unit: Any, rank_shown: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"round": row.id, "label": row.label, "opened_at": row.opened_at,
                             "closed_at": row.closed_at, "pack": row.pack, "scored": False, "state": "open"}
    if row.closed_at is None:
        return entry
    if not row.league:
        return entry | {"state": "scoring"}
    league = json.loads(row.league)
    name = scored_folder_of(site, connection, row.id, unit.id)
    found = next((c for c in league["communities"] if c["id"] == name), None)
    if found is None:
        failed = next((f["message"] for f in league.get("failed", []) if f["id"] == name), None)
        return entry | ({"state": "failed", "message": failed} if failed else {"state": "left_out"})
    ranked = sum(1 for c in league["communities"] if c["rank"] is not None)
    return entry | {
        "state": "scored", "scored": True, "overall": found["overall"], "interval": found["overall_interval"],
        "level": league.get("level"), "respondents": found["respondents"], "sampling": found.get("sampling"),
        "dimensions": dimensions(row.pack, found),
        "rank_shown": rank_shown, "rank": found["rank"] if rank_shown else None,
        "rank_low": found["rank_low"] if rank_shown else None, "rank_high": found["rank_high"] if rank_shown else None,
        "of": ranked if rank_shown else None,
    }


def dimensions(pack_ref: str, found: dict[str, Any]) -> list[dict[str, Any]]:
    """Each dimension's score and interval, with its title in both languages (pages never show an id)."""
    from assess.packs import load_pack

    pack = load_pack(pack_ref).pack
    intervals = found.get("dimension_intervals") or {}
    return [{"id": d.id, "title": {"zh": d.title.get("zh"), "en": d.title.get("en")},
             "score": found["dimensions"].get(d.id), "interval": intervals.get(d.id)} for d in pack.dimensions]


def with_grades(history: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The rounds as the page shows them: each scored one's grade in words, the state of the others."""
    from assess.packs import load_pack

    shown = []
    for entry in history["rounds"]:
        grade = (load_pack(entry["pack"]).pack.grade(entry["overall"]).label.get(lang)
                 if entry["scored"] and entry["overall"] is not None else None)
        words = NOT_SCORED.get(entry["state"])
        shown.append(entry | {"grade": grade, "state_words": words[0 if lang == "zh" else 1] if words else None})
    return shown


def chart(entries: list[dict[str, Any]], width: int = 560, height: int = 200) -> dict[str, Any] | None:
    """Points of the overall score across the scored rounds on a 0–100 scale, with interval bars (SVG units)."""
    scored = [e for e in entries if e["scored"] and e["overall"] is not None]
    if not scored:
        return None
    left, right, top, bottom = 40, 20, 10, 30
    step = (width - left - right) / max(1, len(scored) - 1)

    def y(value: float) -> float:
        return round(top + (100 - max(0.0, min(100.0, value))) / 100 * (height - top - bottom), 1)

    points = [{"x": round(left + (n * step if len(scored) > 1 else (width - left - right) / 2), 1),
               "y": y(e["overall"]), "low": y(e["interval"][0]) if e["interval"] else None,
               "high": y(e["interval"][1]) if e["interval"] else None, "label": e["label"],
               "overall": e["overall"]} for n, e in enumerate(scored)]
    return {"width": width, "height": height, "points": points, "ticks": [(v, y(v)) for v in (0, 25, 50, 75, 100)],
            "line": " ".join(f"{p['x']},{p['y']}" for p in points), "left": left, "right": width - right,
            "base": height - bottom}


def history_of(request: Request, person: Viewer, unit_id: int) -> dict[str, Any]:
    site = request.app.state.site
    return in_unit(site, person, unit_id, VIEW, lambda connection, unit, _: community_history(site, connection, person,
                                                                                              unit))


@router.get("/api/units/{unit_id}/history")
def history_json(request: Request, unit_id: int, person: Person) -> dict[str, Any]:
    """The community's rounds, oldest first: scores with their 90 % intervals; ranks where the round is yours."""
    return history_of(request, person, unit_id)


@router.get("/units/{unit_id}/history")
def history_page(request: Request, unit_id: int, person: Person) -> HTMLResponse:
    site = request.app.state.site
    history = history_of(request, person, unit_id)
    with site.read() as connection:
        unit = connection.execute(select(units).where(units.c.id == unit_id)).one()
    entries = with_grades(history, lang_of(request))
    request.state.person = person
    return render(request, "history.html", unit=unit, history=history, entries=entries, chart=chart(entries))
