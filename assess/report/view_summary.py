"""The summary and dimension sections: overall score and grade, dimensions with their indicators, comments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from assess.i18n import Lang
from assess.packs.model import Pack
from assess.report.data import FreeTextAnswers, ReportData
from assess.report.texts import LocalTexts, percent, points, score_text
from assess.scoring.results import IndicatorScore, ScoreResult

if TYPE_CHECKING:  # imported lazily at run time, where they are used
    from assess.actions.recommend import Recommendation


COMMENTS_SHOWN = 8
COMMENT_CHARS = 500  # characters of one free-text answer a report shows; a longer one is cut, with a note


def overall_view(result: ScoreResult, lang: Lang, t: LocalTexts) -> dict[str, Any]:
    overall = result.overall
    band = None
    if result.uncertainty is not None:
        u = result.uncertainty
        key = {("sampling", "weights"): "score_band", ("sampling",): "score_band_sampling",
               ("weights",): "score_band_weights"}[tuple(u.sources)]
        band = t.fill(
            key, spread=f"{u.spread * 100:g}", low=score_text(u.p5), high=score_text(u.p95),
            stable=percent(u.grade_stability), draws=u.draws, se=score_text(u.se),
        )
    return {
        "score": score_text(overall.score),
        "grade": overall.grade,
        "grade_label": overall.grade_label.get(lang) if overall.grade_label else t.not_available,
        "coverage": percent(overall.coverage),
        "band": band,
    }


def dimension_views(data: ReportData, lang: Lang, t: LocalTexts) -> list[dict[str, Any]]:
    result, pack = data.score, data.pack.pack
    questions = {q.id: q for _, _, q in pack.questions()}
    indicators_of: dict[str, list[IndicatorScore]] = {d.id: [] for d in pack.dimensions}
    for ind in result.indicators:
        indicators_of[ind.dimension].append(ind)
    views = []
    for dim_score, dim in zip(result.dimensions, pack.dimensions, strict=True):
        rows = [indicator_row(ind, lang) for ind in indicators_of[dim.id]]
        views.append(
            {
                "id": dim.id,
                "title": dim.title.get(lang),
                "description": dim.description.get(lang) if dim.description else None,
                "score": dim_score.score,
                "score_text": score_text(dim_score.score),
                "grade": dim_score.grade,
                "grade_label": dim_score.grade_label.get(lang) if dim_score.grade_label else t.not_available,
                "coverage": percent(dim_score.coverage),
                "weight": percent(dim_score.weight),
                "insufficient": dim_score.insufficient_data,
                "target": dimension_target(pack, dim.id),
                "indicators": rows,
                "weak": [r["title"] for r in rows if r["status"] == "weak"],
                "answered": any(r["status"] != "unanswered" for r in rows),
                "comments": comment_views(data.free_text, dim.id, questions, lang, t),
            }
        )
    return views


def indicator_row(ind: IndicatorScore, lang: Lang) -> dict[str, Any]:
    status = "unanswered" if ind.score is None else ("weak" if (ind.gap or 0) > 0 else "ok")
    return {
        "id": ind.id,
        "title": ind.title.get(lang),
        "score": ind.score,
        "score_text": score_text(ind.score, 1),
        "target": points(ind.target),
        "target_value": ind.target,
        "gap": score_text(ind.gap, 1) if ind.gap else ("0" if ind.gap == 0 else "—"),
        "coverage": percent(ind.coverage),
        "status": status,
    }


def dimension_target(pack: Pack, dimension_id: str) -> float:
    """The weighted mean of the dimension's indicator targets: what the dimension score would be at target."""
    dim = next(d for d in pack.dimensions if d.id == dimension_id)
    total = sum(i.weight for i in dim.indicators)
    if total == 0:
        return pack.default_target
    return sum(i.weight * pack.target_of(i) for i in dim.indicators) / total


def comment_views(
    free_text: FreeTextAnswers, dimension_id: str, questions: Mapping[str, Any], lang: Lang, t: LocalTexts
) -> list[dict[str, Any]]:
    views = []
    for qid in free_text.questions:
        answers = free_text.most_common(qid)
        if not answers or free_text.dimension_of[qid] != dimension_id:
            continue
        question = questions[qid]
        hidden = len(answers) - COMMENTS_SHOWN + free_text.overflow[qid]
        views.append(
            {
                "question": question.title.get(lang),
                "answers": [comment_view(text, n, t) for text, n in answers[:COMMENTS_SHOWN]],
                "more": t.fill("comments_more", n=hidden) if hidden > 0 else None,
            }
        )
    return views


def comment_view(text: str, n: int, t: LocalTexts) -> tuple[str, str]:
    """(the answer, its note): how many gave it, and, for an answer over COMMENT_CHARS, that it was cut (a
    1 MB answer would otherwise fill some 250 pages)."""
    note = t.fill("comment_count", n=n) if n > 1 else ""
    if len(text) <= COMMENT_CHARS:
        return text, note
    return text[:COMMENT_CHARS - 1] + "…", note + t.fill("comment_cut", n=f"{len(text):,}", shown=COMMENT_CHARS)


def extreme_dimensions(dimensions: list[dict[str, Any]], strongest: bool, count: int = 2) -> list[dict[str, Any]]:
    """The best (or worst) scored dimensions; ties keep the pack's order."""
    scored = [d for d in dimensions if d["score"] is not None and not d["insufficient"]]
    ordered = sorted(scored, key=lambda d: -d["score"] if strongest else d["score"])
    return ordered[:count]


def top_action_titles(plan: Recommendation | None, lang: Lang, count: int = 3) -> list[str]:
    if plan is None:
        return []
    ranked = sorted(plan.actions, key=lambda a: a.rank)
    return [a.title.get(lang) for a in ranked[:count]]


def coverage_line(result: ScoreResult, t: LocalTexts) -> str:
    return t.fill(
        "coverage_line",
        coverage=percent(result.overall.coverage),
        respondents=result.respondents,
        sufficient=len(result.dimensions),
        sufficient_ok=sum(1 for d in result.dimensions if not d.insufficient_data),
    )
