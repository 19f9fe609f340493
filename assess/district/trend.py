"""What changed between two stored rounds, and which changes are larger than the scores' uncertainty.

For a community and a score (overall or a dimension) with 90 % intervals [l, h] in both rounds (from the
joint draws: residents resampled and weights perturbed), each round's standard error is se = (h - l) / (2z),
z = 1.645, and the change Δ = now - earlier is called real only when |Δ| > z · sqrt(se_earlier² + se_now²):
a two-sided test at the 10 % level of independent rounds, so two rounds with no true change are called
different about one time in ten. Without intervals (a round stored with `--uncertainty 0`) nothing is
called real or not: `real` is None. Rounds on different packs are compared only on the dimensions and indicators
whose definitions (`history.definition_hash`) are the same in both; the overall score only when every
dimension and its weight is, and both rounds were weighted the same way. What was left out is listed with
the reason. Communities are matched by their id (the folder name) in both rounds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from assess.district.history import StoredCommunity, StoredRound
from assess.scoring.draws import LEVEL, Z


@dataclass
class Change:
    id: str
    name: str
    overall_change: float | None
    real_change: bool | None
    overall_se: float | None  # the change's standard error, sqrt(se_earlier² + se_now²)
    rank_before: int | None
    rank_now: int | None
    dimensions: dict[str, float | None]
    dimensions_real: dict[str, bool | None]
    indicators: dict[str, float | None]
    dimensions_se: dict[str, float | None] = field(default_factory=dict)


@dataclass
class Trend:
    now: StoredRound
    earlier: StoredRound
    dimensions: list[str]  # compared, in the current pack's order
    indicators: list[str]
    overall_compared: bool
    left_out: list[tuple[str, str, str]]  # (element or "overall", zh reason, en reason)
    changes: list[Change]
    only_now: list[str] = field(default_factory=list)
    only_earlier: list[str] = field(default_factory=list)


def compare(now: StoredRound, earlier: StoredRound) -> Trend:
    dims, inds, left_out = comparable(now, earlier)
    same_dims = len(dims) == sum(1 for d in now.definitions.values() if d["level"] == "dimension") and all(
        math.isclose(now.definitions[d]["weight"], earlier.definitions[d]["weight"], abs_tol=1e-9) for d in dims)
    overall = same_dims and now.weights == earlier.weights
    if not overall:
        left_out.insert(0, ("overall", "维度定义、维度权重或赋权方法不同，总分不作比较",
                            "dimensions, their weights or the weighting method differ: overall scores not compared"))
    changes = [change(now.communities[c], earlier.communities[c], dims, inds, overall)
               for c in now.communities if c in earlier.communities]
    return Trend(now, earlier, dims, inds, overall, left_out, changes,
                 sorted(set(now.communities) - set(earlier.communities)),
                 sorted(set(earlier.communities) - set(now.communities)))


def comparable(now: StoredRound, earlier: StoredRound) -> tuple[list[str], list[str], list[tuple[str, str, str]]]:
    dims, inds, left_out = [], [], []
    for element, row in now.definitions.items():
        before = earlier.definitions.get(element)
        title = row["title_zh"]
        if before is None:
            left_out.append((element, f"{title}：上一轮没有此项", f"{row['title_en']}: not in the earlier round"))
        elif before["definition_sha256"] != row["definition_sha256"] or before["level"] != row["level"]:
            left_out.append((element, f"{title}：两轮的定义不同（题目、计分或权重有变）",
                             f"{row['title_en']}: defined differently in the two rounds "
                             "(questions, scoring or weights)"))
        else:
            (dims if row["level"] == "dimension" else inds).append(element)
    return dims, inds, left_out


def change(now: StoredCommunity, earlier: StoredCommunity, dims: list[str], inds: list[str],
           overall: bool) -> Change:
    def delta(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else round(a - b, 2)

    dim_changes = {d: delta(now.scores.get(d, (None, None))[0], earlier.scores.get(d, (None, None))[0]) for d in dims}
    dim_se = {d: change_se(now.scores.get(d, (None, None))[1], earlier.scores.get(d, (None, None))[1]) for d in dims}
    overall_change = delta(now.overall, earlier.overall) if overall else None
    overall_se = change_se(now.overall_interval, earlier.overall_interval)
    return Change(
        id=now.id, name=now.name, overall_change=overall_change, real_change=beyond(overall_change, overall_se),
        overall_se=None if overall_change is None else rounded_se(overall_se),
        rank_before=earlier.rank, rank_now=now.rank, dimensions=dim_changes,
        dimensions_real={d: beyond(dim_changes[d], dim_se[d]) for d in dims},
        indicators={i: delta(now.scores.get(i, (None, None))[0], earlier.scores.get(i, (None, None))[0]) for i in inds},
        dimensions_se={d: None if dim_changes[d] is None else rounded_se(dim_se[d]) for d in dims},
    )


def change_se(now: tuple[float, float] | None, earlier: tuple[float, float] | None) -> float | None:
    """sqrt(se_now² + se_earlier²), each se from its round's 90 % interval: (h - l) / (2z)."""
    if now is None or earlier is None:
        return None
    return math.hypot((now[1] - now[0]) / (2 * Z), (earlier[1] - earlier[0]) / (2 * Z))


def rounded_se(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def beyond(change_: float | None, se: float | None) -> bool | None:
    """True when |Δ| > z · se (two-sided, 10 % level); None when a round has no interval."""
    if change_ is None or se is None:
        return None
    return abs(change_) > Z * se


TEST = {
    "rule": "|change| > z * sqrt(se_now^2 + se_since^2)",
    "z": Z,
    "level": 1 - LEVEL,
    "two_sided": True,
    "se": "each round's (high - low) / (2 z), from its 90 % interval over the joint draws",
}


def trend_json(trend: Trend) -> dict:
    return {
        "round": trend.now.label,
        "since": trend.earlier.label,
        "district": trend.now.district or None,
        "packs": {"now": {"id": trend.now.pack_id, "version": trend.now.pack_version, "hash": trend.now.pack_hash},
                  "since": {"id": trend.earlier.pack_id, "version": trend.earlier.pack_version,
                            "hash": trend.earlier.pack_hash}},
        "compared": {"overall": trend.overall_compared, "dimensions": trend.dimensions, "indicators": trend.indicators},
        "left_out": [{"element": e, "zh": zh, "en": en} for e, zh, en in trend.left_out],
        "test": TEST,
        "communities": [
            {"id": c.id, "name": c.name, "overall_change": c.overall_change, "real_change": c.real_change,
             "change": c.overall_change, "se": c.overall_se,
             "rank_before": c.rank_before, "rank_now": c.rank_now, "dimensions": c.dimensions,
             "dimensions_real": c.dimensions_real, "dimensions_se": c.dimensions_se, "indicators": c.indicators}
            for c in trend.changes
        ],
        "only_now": trend.only_now,
        "only_since": trend.only_earlier,
    }


def signed(value: float | None, real: bool | None) -> str:
    if value is None:
        return "—"
    mark = "" if real is None else (" *" if real else "")
    return f"{value:+.2f}{mark}"


def trend_table(trend: Trend, lang: str = "zh") -> str:
    zh = lang == "zh"
    titles = {e: (r["title_zh"] if zh else r["title_en"]) for e, r in trend.now.definitions.items()}
    head = (["社区", "总分变化", "名次"] if zh else ["Community", "Overall change", "Rank"]) + [titles[d]
                                                                                            for d in trend.dimensions]
    rows = [head]
    for c in sorted(trend.changes, key=lambda c: -(c.overall_change or 0)):
        rows.append([c.name, signed(c.overall_change, c.real_change), f"{c.rank_before or '—'}→{c.rank_now or '—'}",
                     *(signed(c.dimensions[d], c.dimensions_real[d]) for d in trend.dimensions)])
    lines = [f"{trend.earlier.label} → {trend.now.label}" + (" 的变化" if zh else ": changes"),
             *("\t".join(r) for r in rows),
             "* 变化超过居民抽样与权重两方面不确定性可解释的范围：|Δ| > 1.645 × √(se₁² + se₂²)（双侧检验，"
             "显著性水平 10%），可视为真实变化" if zh else
             "* the change is more than residents' sampling and the weights together explain: "
             "|Δ| > 1.645 × √(se₁² + se₂²) (two-sided test at the 10 % level)"]
    for _, reason_zh, reason_en in trend.left_out:
        lines.append(("未比较：" if zh else "Not compared: ") + (reason_zh if zh else reason_en))
    for c in trend.only_now:
        lines.append(("本轮新增：" if zh else "New this round: ") + c)
    for c in trend.only_earlier:
        lines.append(("本轮缺少：" if zh else "Missing this round: ") + c)
    return "\n".join(lines)
