"""Rounds in the browser: a sub-district or district opens one for its communities, watches it fill, closes it.

A round is a row of `web_rounds` (label, pack) with, in tables of its own, who opened it for which unit
(its scope, with dates and the residents' sample each community needs) and its member communities.
A community answers in the latest round it belongs to (the site's first round, opened at set-up, when it
belongs to none). Closing a round locks its answers and queues the scoring as a job: the round is written
out as the round folder `assess district` reads (one sub-folder per community with `answers.yaml` and its
residents' file, and `round.yaml`), then scored and stored in the history database by the district stage's
own entry points. The league is kept as `assess district score --format json` gives it; the same folder is
what an export gives the CLI: one history, two ways in.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, insert, select, update

from assess.errors import AssessError
from assess.files import write_atomic
from assess.web.accounts import audit_event
from assess.web.answers import answers_yaml, coverage, questionnaire, stored_answers
from assess.web.residents import latest_upload
from assess.web.round_tables import round_members, round_scopes
from assess.web.store import Site, as_json, history_url, now, rounds, submissions, units

ROUNDS_FOLDER = "rounds"
CLOSED = "本轮已结束，答卷不能再修改 / the round is closed: its answers can no longer change"


def unit_round(connection, unit: Any) -> Any:
    """The round a community answers in: the latest one it belongs to, else the site's first round."""
    row = connection.execute(select(rounds).join(round_members, round_members.c.round_id == rounds.c.id)
                             .where(round_members.c.unit_id == unit.id)
                             .order_by(rounds.c.id.desc()).limit(1)).first()
    if row is not None:
        return row
    return connection.execute(select(rounds).order_by(rounds.c.id).limit(1)).one()


def member_units(connection, visible, unit_refs: list[Any]) -> list[Any]:
    """The communities named by ids or paths (a sub-district's path names all its communities), each one
    visible to the person; every unknown or foreign name is listed in one message."""
    found: dict[int, Any] = {}
    problems = []
    for ref in unit_refs:
        column = units.c.id if isinstance(ref, int) or str(ref).isdigit() else units.c.path
        key = int(ref) if column is units.c.id else str(ref).strip().strip("/")
        row = connection.execute(select(units).where(column == key, units.c.id.in_(visible))).first()
        if row is None:
            problems.append(str(ref))
            continue
        below = connection.execute(select(units).where(units.c.lineage.startswith(row.lineage, autoescape=True),
                                                       units.c.kind == "community").order_by(units.c.path)).all()
        found.update((u.id, u) for u in below)
    if problems:
        raise AssessError(f"没有这些单位，或不在您的范围内：{'、'.join(problems)} / no such units, or not yours: "
                          f"{', '.join(problems)}")
    if not found:
        raise AssessError("所选单位下没有社区 / the units chosen hold no community")
    return list(found.values())


def common_owner(members: list[Any]) -> int:
    """The lowest unit above every member: whose round it is (a sub-district's, a district's)."""
    shared = members[0].lineage.strip("/").split("/")[:-1]
    for member in members[1:]:
        above = member.lineage.strip("/").split("/")[:-1]
        cut = next((n for n, (a, b) in enumerate(zip(shared, above, strict=False)) if a != b),
                   min(len(shared), len(above)))
        shared = shared[:cut]
    if not shared:
        raise AssessError("所选社区不属于同一个区或街道 / the communities chosen share no district or sub-district")
    return int(shared[-1])


WEIGHTS = ("declared", "equal", "ahp", "entropy", "critic", "combined")
RANK_BY = ("score", "topsis")


def open_round(connection, person: Any, label: str, pack: str, unit_refs: list[Any], residents_needed: int = 30,
               starts_on: str | None = None, ends_on: str | None = None, weights: str = "declared",
               rank_by: str = "score") -> int:
    """A new round for the communities named, owned by the unit above them all; its id."""
    from assess.packs import load_pack

    label = str(label).strip()
    if not label or len(label) > 100:
        raise AssessError("请填写轮次名称（最多 100 字）/ give the round a label (at most 100 characters)")
    if weights not in WEIGHTS or rank_by not in RANK_BY:
        raise AssessError(f"权重应为 {'、'.join(WEIGHTS)} 之一，排序依据为 score 或 topsis / weights must be one of "
                          f"{', '.join(WEIGHTS)}; rank_by score or topsis")
    load_pack(pack)  # an unknown pack is refused now, with the packs stage's message
    members = member_units(connection, person.visible(), unit_refs)
    owner = common_owner(members)
    round_id = connection.execute(insert(rounds).values(label=label, pack=pack, opened_at=now())
                                  ).inserted_primary_key[0]
    connection.execute(insert(round_scopes).values(round_id=round_id, unit_id=owner, starts_on=starts_on,
                                                   ends_on=ends_on, residents_needed=residents_needed,
                                                   opened_by=person.name, weights=weights, rank_by=rank_by))
    connection.execute(insert(round_members), [{"round_id": round_id, "unit_id": m.id} for m in members])
    audit_event(connection, person.name, "round.open", {"round": round_id, "label": label, "pack": pack,
                                                         "communities": len(members)}, owner)
    return round_id


def visible_round(connection, visible, round_id: int) -> Any | None:
    """The round with its scope, if its owner unit is one this person may see."""
    return connection.execute(
        select(rounds, round_scopes.c.unit_id, round_scopes.c.residents_needed, round_scopes.c.starts_on,
               round_scopes.c.ends_on, round_scopes.c.league, round_scopes.c.weights, round_scopes.c.rank_by)
        .join(round_scopes, round_scopes.c.round_id == rounds.c.id)
        .where(rounds.c.id == round_id, round_scopes.c.unit_id.in_(visible))).first()


def visible_rounds(connection, visible) -> list[Any]:
    return connection.execute(
        select(rounds, round_scopes.c.unit_id, units.c.path.label("owner"))
        .join(round_scopes, round_scopes.c.round_id == rounds.c.id).join(units, units.c.id == round_scopes.c.unit_id)
        .where(round_scopes.c.unit_id.in_(visible)).order_by(rounds.c.id.desc())).all()


def round_communities(connection, round_id: int, visible) -> list[Any]:
    return connection.execute(select(units).join(round_members, round_members.c.unit_id == units.c.id)
                              .where(round_members.c.round_id == round_id, units.c.id.in_(visible))
                              .order_by(units.c.path)).all()


def progress(connection, round_row: Any, visible) -> list[dict[str, Any]]:
    """Each community's state: answers given of those asked, submitted or not, residents received of those
    needed (the latest residents' file without problems)."""
    sections = questionnaire(round_row.pack)
    done = {row.unit_id for row in connection.execute(select(submissions.c.unit_id).where(
        submissions.c.round_id == round_row.id)).all()}
    board = []
    for unit in round_communities(connection, round_row.id, visible):
        answered, total, _ = coverage(sections, stored_answers(connection, unit.id, round_row.id))
        upload = latest_upload(connection, unit.id, round_row.id)
        board.append({"unit": unit.id, "name": unit.name, "path": unit.path, "answered": answered, "total": total,
                      "submitted": unit.id in done, "residents": (upload.respondents or 0) if upload else 0,
                      "residents_needed": round_row.residents_needed})
    return board


def close_round(connection, round_row: Any, person: Any) -> None:
    if round_row.closed_at is not None:
        raise AssessError("这一轮已经结束 / the round is already closed")
    connection.execute(update(rounds).where(rounds.c.id == round_row.id).values(closed_at=now()))
    audit_event(connection, person.name, "round.close", {"round": round_row.id, "label": round_row.label},
                round_row.unit_id)


def member_count(connection, round_id: int) -> int:
    return connection.execute(select(func.count()).select_from(round_members)
                              .where(round_members.c.round_id == round_id)).scalar()


# -- the round as a folder the CLI reads, and its scoring -------------------------------------------------------


def folder_names(members: list[Any]) -> dict[int, str]:
    """A folder name per community: its name, with the sub-district's before it where two share a name."""
    names = [m.name for m in members]
    chosen = {}
    for member in members:
        name = member.name if names.count(member.name) == 1 else member.path.replace("/", "-")
        chosen[member.id] = name
    return chosen


def export_round(site: Site, connection, round_row: Any, target: Path) -> Path:
    """Write the round as `assess district` reads it: `round.yaml` and one folder per community holding its
    `answers.yaml` and the residents' file it uses. Communities with no answer at all are left out and
    named in the manifest's comment."""
    owner = connection.execute(select(units).where(units.c.id == round_row.unit_id)).one()
    members = round_communities(connection, round_row.id, select(units.c.id))
    names = folder_names(members)
    target.mkdir(parents=True, exist_ok=True)
    listed, left_out = [], []
    for member in members:
        if not stored_answers(connection, member.id, round_row.id):
            left_out.append(member.name)
            continue
        folder = target / names[member.id]
        folder.mkdir(exist_ok=True)
        (folder / "answers.yaml").write_text(answers_yaml(connection, member, round_row), encoding="utf-8")
        upload = latest_upload(connection, member.id, round_row.id)
        if upload is not None:
            source = site.uploads / upload.stored
            shutil.copyfile(source, folder / f"residents{source.suffix.lower()}")
        listed.append({"dir": names[member.id]})
    if not listed:
        raise AssessError("这一轮还没有社区填写答卷 / no community of the round has answered yet")
    manifest = {"district": owner.name, "round": round_row.label, "pack": round_row.pack, "communities": listed}
    comment = f"# 未作答、未列入 / not answered, left out: {'、'.join(left_out)}\n" if left_out else ""
    (target / "round.yaml").write_text(comment + yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    return target


def round_folder(site: Site, round_id: int) -> Path:
    return site.root / ROUNDS_FOLDER / str(round_id)


def load_scope(site: Site, round_id: int) -> Any:
    with site.read() as connection:
        return visible_round(connection, select(units.c.id), round_id)


def score_closed_round(site: Site, round_id: int, uncertainty: int = 1000) -> tuple[Any, Path]:
    """Export, score and store the round as `assess district score` does; (league, folder)."""
    from assess.district import RoundOptions, score_and_store
    from assess.scoring import ScoringOptions

    row = load_scope(site, round_id)
    folder = round_folder(site, round_id)
    if folder.exists():
        shutil.rmtree(folder)
    with site.read() as connection:
        export_round(site, connection, row, folder)
    options = RoundOptions(pack=row.pack, label=row.label, db=history_url(site), rank_by=row.rank_by,
                           scoring=ScoringOptions(weights=row.weights, uncertainty=uncertainty))
    league, _ = score_and_store(folder / "round.yaml", options)
    with site.read() as connection:
        names = folder_names(round_communities(connection, round_id, select(units.c.id)))
    write_atomic(members_file(site, round_id), as_json({name: unit for unit, name in names.items()}), force=True)
    return league, folder


def members_file(site: Site, round_id: int) -> Path:
    """Beside the round's folder (not in it: the exported folder stays what `assess district` reads): which
    unit each community folder was, as scored, so a community renamed later is still found in the league."""
    return site.root / ROUNDS_FOLDER / f"{round_id}.members.json"


def scored_folder_of(site: Site, connection, round_id: int, unit_id: int) -> str | None:
    """The folder name the round gave this community when it was scored (today's names for rounds scored
    before the members file was kept)."""
    stored = members_file(site, round_id)
    if stored.is_file():
        return next((name for name, unit in json.loads(stored.read_text(encoding="utf-8")).items()
                     if unit == unit_id), None)
    return folder_names(round_communities(connection, round_id, select(units.c.id))).get(unit_id)


def store_league_json(site: Site, round_id: int, league: Any) -> dict[str, Any]:
    from assess.district import league_json

    data = league_json(league)
    with site.write() as connection:
        connection.execute(update(round_scopes).where(round_scopes.c.round_id == round_id)
                           .values(league=as_json(data)))
    return data


def stored_league(row: Any) -> dict[str, Any] | None:
    return json.loads(row.league) if row.league else None


def trend(site: Site, row: Any, since: str) -> dict[str, Any]:
    """The trend from the stored round `since` to this one, as `assess district trend --format json`."""
    from assess.district import load_round, trend_json, trend_since

    folder = round_folder(site, row.id)
    if not (folder / "round.yaml").is_file():
        raise AssessError("这一轮尚未结束并计分 / the round is not closed and scored yet")
    identity = _Scored(load_round(folder / "round.yaml", row.label))
    found = trend_since(history_url(site), identity, since)
    if found is None:
        raise AssessError(f"历史数据库中没有轮次 {since} / no round {since} in the history database")
    return trend_json(found)


class _Scored:
    """What the trend needs of a league: the round's identity (label, district)."""

    def __init__(self, round_: Any):
        self.round = round_
