"""What the history database holds, for `assess district history`: the stored rounds, or one community's
record over them (matched by its folder name or by its name as written in its answer files)."""

from __future__ import annotations

from assess.district.history import History, load_stored, stored_rounds
from assess.errors import AssessError
from assess.i18n import WEIGHTINGS, local_time


def community_record(history: History, community: str | None = None) -> dict:
    rounds = stored_rounds(history)
    data: dict = {"rounds": [
        {"label": r["label"], "district": r["district"] or None, "pack": {"id": r["pack_id"],
         "version": r["pack_version"], "hash": r["pack_hash"]}, "weights": r["weights"], "rank_by": r["rank_by"],
         "uncertainty": r["uncertainty"], "stored_at": r["stored_at"], "communities": r["communities"]}
        for r in rounds
    ]}
    if community is None:
        return data
    record = []
    for r in rounds:
        stored = load_stored(history, r["label"], r["district"])
        found = next((c for c in stored.communities.values() if community in (c.id, c.name)), None)
        if found is not None:
            record.append({"round": r["label"], "district": r["district"] or None, "id": found.id,
                           "name": found.name, "overall": found.overall, "grade": found.grade, "rank": found.rank,
                           "rank_low": found.rank_low, "rank_high": found.rank_high,
                           "respondents": found.respondents, "of": r["communities"]})
    if not record:
        raise AssessError(f"历史数据库中没有社区“{community}” / no community {community!r} in the history database")
    data["community"] = community
    data["record"] = record
    return data


def history_table(data: dict, lang: str = "zh") -> str:
    zh = lang == "zh"
    if "record" in data:
        head = ["轮次", "总分", "等级", "名次", "受访者"] if zh else ["Round", "Overall", "Grade", "Rank", "Resp."]
        rows = [[r["round"], "—" if r["overall"] is None else f"{r['overall']:.2f}",
                 r["grade"][lang] if r["grade"] else "—",
                 rank_cell(r) + f" / {r['of']}", str(r["respondents"])] for r in data["record"]]
        return "\n".join([data["record"][-1]["name"], *("\t".join(x) for x in [head, *rows])])
    if not data["rounds"]:
        return "历史数据库中还没有轮次 / no rounds stored yet"
    head = (["轮次", "街道/区", "指标包版本", "权重", "社区数", "存入时间"] if zh else
            ["Round", "District", "Pack", "Weights", "Communities", "Stored"])
    rows = [[r["label"], r["district"] or "—", pack_cell(r["pack"], lang), weighting(r["weights"], lang),
             str(r["communities"]), local_time(r["stored_at"], lang)] for r in data["rounds"]]
    return "\n".join("\t".join(x) for x in [head, *rows])


def pack_cell(pack: dict, lang: str) -> str:
    """The pack a round was scored with: its version and content hash (Chinese output names no pack id)."""
    return f"{pack['version']} [{pack['hash']}]" if lang == "zh" else f"{pack['id']} {pack['version']}"


def weighting(method: str, lang: str) -> str:
    return WEIGHTINGS.word(method, lang) if method in WEIGHTINGS else method


def rank_cell(row: dict) -> str:
    if row["rank"] is None:
        return "—"
    if row["rank_low"] is None or row["rank_low"] == row["rank_high"] == row["rank"]:
        return str(row["rank"])
    return f"{row['rank']} ({row['rank_low']}–{row['rank_high']})"
