"""The view of a district's report in one language: plain values for `templates/district.html`.

As for the community report (`report.view`), every text is already in the report's language and every
number formatted, so the template only places them.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from typing import Any

from assess.actions.library import ACTOR_NAMES, HORIZON_NAMES
from assess.district.heatmap import HeatRow, heat_map
from assess.district.league import Standing, rank_text, score_of
from assess.district.report_data import DistrictReport
from assess.i18n import Lang
from assess.report.texts import LocalTexts, ReportText, local_texts
from assess.report.view import page_counter_css

STREET_ACTOR = "street-party-committee"


def district_context(report: DistrictReport, lang: Lang, texts: Mapping[str, ReportText]) -> dict[str, Any]:
    t = local_texts(texts, lang)
    league, pack = report.league, report.pack
    ordered = sorted(league.standings, key=lambda s: (s.rank is None, s.rank or 0))
    dims = {d.id: d.title.get(lang) for d in pack.dimensions}
    return {
        "lang": lang,
        "t": t,
        "title": t.d_title,
        "running_head": f"{district_name(report, lang, t)} · {league.round.label}",
        "page_content": page_counter_css(t.page_number),
        "cover": cover_view(report, lang, t),
        "summary": summary_view(report, ordered, dims, lang, t),
        "league": [league_row(report, s, dims, lang) for s in ordered],
        "league_note": t.fill("d_league_note", draws=league.uncertainty) if league.uncertainty else t.d_no_uncertainty,
        "heat_map": heat_map(list(dims.values()), [heat_row(s, pack) for s in ordered], t.d_heat),
        "below": below_view(report, lang, t),
        "plan": plan_rows(report, lang, t),
        "trend": trend_view(report, dims, lang, t),
        "weights": weights_view(report, dims, lang, t),
        "quality": [quality_row(s) for s in ordered],
        "notes": [zh if lang == "zh" else en for zh, en in league.notes],
    }


def district_name(report: DistrictReport, lang: Lang, t: LocalTexts) -> str:
    round_ = report.league.round
    return (round_.district_en if lang == "en" and round_.district_en else round_.district) or t.d_unnamed


def cover_view(report: DistrictReport, lang: Lang, t: LocalTexts) -> dict[str, Any]:
    league = report.league
    dates = sorted({s.result.assessed_on for s in league.standings if s.result.assessed_on})
    return {
        "name": district_name(report, lang, t),
        "round": league.round.label,
        "communities": t.fill("d_communities_value", n=len(league.standings)),
        "weights": t[f"d_weights_name_{league.weights_method}"],
        "rank_by": t[f"d_rank_by_{league.rank_by}"],
        "assessed": "—" if not dates else dates[0] if len(dates) == 1 else f"{dates[0]} – {dates[-1]}",
        "pack": t.fill("cover_pack_value", title=report.pack.title.get(lang), version=report.pack.version),
        "pack_title": report.pack.title.get(lang),
    }


def summary_view(report: DistrictReport, ordered: list[Standing], dims: dict[str, str], lang: Lang,
                 t: LocalTexts) -> dict[str, Any]:
    scores = [s.overall for s in ordered if s.overall is not None]
    grades: dict[str, int] = {}
    for s in ordered:
        if s.overall is not None:
            label = report.pack.grade(s.overall).label.get(lang)
            grades[label] = grades.get(label, 0) + 1
    means = []
    for dim_id, title in dims.items():
        values = [v for s in ordered if not math.isnan(v := score_of(s.result, dim_id))]
        if values:
            means.append((sum(values) / len(values), title))
    return {
        "n": len(ordered),
        "mean": f"{statistics.fmean(scores):.2f}" if scores else "—",
        "sd": f"{statistics.stdev(scores):.2f}" if len(scores) > 1 else "—",
        "range": f"{min(scores):.2f} – {max(scores):.2f}" if scores else "—",
        "grades": [t.fill("d_grade_count", label=label, n=n) for label, n in grades.items()],
        "weakest": [f"{title}（{mean:.1f}）" if lang == "zh" else f"{title} ({mean:.1f})"
                    for mean, title in sorted(means)[:3]],
        "indistinct": indistinct_sentence(ordered, report.league.uncertainty, t),
        "failed": t.fill("d_failed", names=t.list_separator.join(m.id for m, _ in report.league.failed))
        if report.league.failed else None,
    }


def indistinct_sentence(ordered: list[Standing], draws: int, t: LocalTexts) -> str:
    """Which communities cannot be told apart: runs of communities, in rank order, whose ranges overlap."""
    if not draws:
        return t.d_no_uncertainty
    groups: list[list[Standing]] = []
    for standing in (s for s in ordered if s.rank_low is not None):
        if groups and standing.rank_low <= max(s.rank_high for s in groups[-1]):
            groups[-1].append(standing)
        else:
            groups.append([standing])
    shared = [g for g in groups if len(g) > 1]
    if not shared:
        return t.d_all_distinct
    names = "；".join(t.list_separator.join(s.result.community.name for s in g) for g in shared)
    return t.fill("d_indistinct", names=names if t.list_separator == "、" else names.replace("；", "; "))


def league_row(report: DistrictReport, standing: Standing, dims: dict[str, str], lang: Lang) -> dict[str, Any]:
    result = standing.result
    scored = [d for d in result.dimensions if d.score is not None]
    weakest = min(scored, key=lambda d: d.score) if scored else None
    plan = report.plans[standing.member.id]
    grade = report.pack.grade(standing.overall) if standing.overall is not None else None
    return {
        "rank": rank_text(standing),
        "name": result.community.name,
        "overall": "—" if standing.overall is None else f"{standing.overall:.2f}",
        "band": "" if standing.overall_interval is None else "{:.1f}–{:.1f}".format(*standing.overall_interval),
        "grade": grade.label.get(lang) if grade else "—",
        "grade_id": grade.id if grade else "none",
        "respondents": result.respondents,
        "weakest": dims[weakest.id] if weakest else "—",
        "top_action": plan.actions[0].title.get(lang) if plan.actions else "—",
    }


def heat_row(standing: Standing, pack) -> HeatRow:
    cells = []
    for dim in pack.dimensions:
        score = next(d.score for d in standing.result.dimensions if d.id == dim.id)
        cells.append((score, pack.grade(score).id if score is not None else None))
    return HeatRow(standing.result.community.name, cells)


def below_view(report: DistrictReport, lang: Lang, t: LocalTexts) -> list[dict[str, str]]:
    where = {ind.id: (ind, dim) for dim, ind in report.pack.indicators()}
    return [{"indicator": where[r.indicator][0].title.get(lang), "dimension": where[r.indicator][1].title.get(lang),
             "count": t.fill("d_below_value", n=r.communities, of=r.scored), "gap": f"{r.mean_gap:.1f}"}
            for r in report.below_target]


def plan_rows(report: DistrictReport, lang: Lang, t: LocalTexts) -> list[dict[str, Any]]:
    rows = []
    for number, entry in enumerate(report.district_plan, start=1):
        action = entry.action
        actors = [ACTOR_NAMES[a].get(lang) for a in action.actors if a in ACTOR_NAMES]
        rows.append({
            "number": number, "title": action.title.get(lang), "description": action.description.get(lang),
            "priority": f"{entry.points:.2f}",
            "serves": t.fill("d_serves_value", n=len(entry.communities),
                             names=t.list_separator.join(entry.communities)),
            "actors": t.list_separator.join(actors),
            "street_leads": STREET_ACTOR in action.actors,
            "horizon": HORIZON_NAMES[action.horizon].get(lang),
        })
    return rows


def trend_view(report: DistrictReport, dims: dict[str, str], lang: Lang, t: LocalTexts) -> dict[str, Any] | None:
    trend = report.trend
    if trend is None:
        return None

    def mark(change: float | None, real: bool | None) -> str:
        return "—" if change is None else f"{change:+.2f}" + (" *" if real else "")

    moving = [c for c in trend.changes if c.overall_change is not None]
    improved = sorted((c for c in moving if c.overall_change > 0), key=lambda c: -c.overall_change)[:3]
    declined = sorted((c for c in moving if c.overall_change < 0), key=lambda c: c.overall_change)[:3]

    def row(c) -> dict[str, str]:
        return {"name": c.name, "change": mark(c.overall_change, c.real_change),
                "rank": f"{c.rank_before or '—'} → {c.rank_now or '—'}"}

    moves = []
    for dim_id in trend.dimensions:
        changes = [(c.dimensions[dim_id], c) for c in trend.changes if c.dimensions.get(dim_id) is not None]
        if not changes:
            continue
        value, biggest = max(changes, key=lambda pair: abs(pair[0]))
        moves.append({"dimension": dims.get(dim_id, dim_id),
                      "mean": f"{sum(v for v, _ in changes) / len(changes):+.2f}",
                      "biggest": f"{biggest.name} {mark(value, biggest.dimensions_real[dim_id])}"})
    return {
        "heading": t.fill("d_trend", since=trend.earlier.label),
        "improved": [row(c) for c in improved],
        "declined": [row(c) for c in declined],
        "moves": moves,
        "left_out": [zh if lang == "zh" else en for _, zh, en in trend.left_out],
        "new": t.fill("d_new_members", names=t.list_separator.join(trend.only_now)) if trend.only_now else None,
    }


def weights_view(report: DistrictReport, dims: dict[str, str], lang: Lang, t: LocalTexts) -> dict[str, Any]:
    found = report.data_weights
    reasons = [t.fill("d_weights_none", method=t[f"d_weights_name_{m}"], reason=v)
               for m, v in found.items() if isinstance(v, str)]

    def share(method: str, dim_id: str) -> str:
        weights = found.get(method)
        return f"{weights[dim_id] * 100:.1f}%" if isinstance(weights, dict) else "—"

    return {
        "method": t[f"d_weights_name_{report.league.weights_method}"],
        "rows": [{"dimension": title, "used": share("used", d), "entropy": share("entropy", d),
                  "critic": share("critic", d)} for d, title in dims.items()],
        "reasons": reasons,
    }


def quality_row(standing: Standing) -> dict[str, Any]:
    result = standing.result
    alphas = [r.alpha for r in result.reliability if r.alpha is not None]
    return {
        "name": result.community.name,
        "coverage": f"{result.overall.coverage * 100:.0f}%",
        "respondents": result.respondents,
        "alpha": f"{min(alphas):.2f}" if alphas else "—",
        "alpha_low": bool(alphas) and min(alphas) < 0.6,
        "warnings": len(result.warnings),
    }
