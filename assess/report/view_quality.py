"""The data-quality and method sections: coverage, reliability, warnings, weights and grade bands."""

from __future__ import annotations

from collections import Counter
from typing import Any

from assess.i18n import TERMS, Lang
from assess.packs.model import Pack
from assess.report.data import ReportData
from assess.report.texts import LocalTexts, percent
from assess.report.view_summary import overall_view
from assess.scoring.results import Reliability, ScoreResult

WEAK_ITEM_CORRELATION = 0.3


# -- data quality and method ------------------------------------------------------------------------------


def quality_view(data: ReportData, lang: Lang, t: LocalTexts) -> dict[str, Any]:
    result, pack = data.score, data.pack.pack
    question_titles = {q.id: q.title.get(lang) for _, _, q in pack.questions()}
    reliability = {r.dimension: r for r in result.reliability}
    rows = []
    for dim in result.dimensions:
        rel = reliability.get(dim.id)
        rows.append(
            {
                "title": dim.title.get(lang),
                "coverage": percent(dim.coverage),
                "insufficient": dim.insufficient_data,
                "alpha": f"{rel.alpha:.2f}" if rel is not None and rel.alpha is not None else "—",
                "alpha_low": rel is not None and rel.alpha is not None and rel.alpha < 0.6,
                "item_count": rel.items if rel is not None else "—",
                "complete": rel.complete_respondents if rel is not None else "—",
                "weak_items": [question_titles.get(q, q) for q in weak_items(rel)] if rel is not None else [],
                "note": rel.note.get(lang) if rel is not None and rel.note else None,
            }
        )
    uncertainty = overall_view(result, lang, t)["band"]
    return {
        "answers_file": data.answers_file,
        "respondents_file": data.respondents_file or t.quality_none,
        "respondents": result.respondents,
        "coverage": percent(result.overall.coverage),
        "rows": rows,
        "warnings": quality_warnings(result, pack, lang, t),
        "uncertainty": uncertainty or t.uncertainty_not_computed,
        "sampling_note": result.uncertainty.sampling_note.get(lang)
        if result.uncertainty is not None and result.uncertainty.sampling_note else None,
        "precision": precision_text(data, t),
    }


def precision_text(data: ReportData, t: LocalTexts) -> str:
    """Whether the residents who answered were enough for the overall score's target precision."""
    plan = data.precision
    if plan is None:
        return t.precision_no_residents
    key = "precision_reached" if plan.reached else "precision_not_reached"
    return t.fill(key, n=plan.respondents, reached=f"{plan.reached_margin:.1f}", margin=f"{plan.margin:g}",
                  level=f"{plan.level:.0%}", needed=plan.needed)


def quality_warnings(result: ScoreResult, pack: Pack, lang: Lang, t: LocalTexts) -> list[str]:
    """The score's warnings for a reader: dimensions and questions by their titles, not by their ids.

    Thin dimensions, unanswered required questions and a missing overall score are written from the
    result's own fields; a warning about one question (answered in the other questionnaire) is given with
    the question's title in front of its `detail`.
    """
    questions = {q.id: q for _, _, q in pack.questions()}
    answered = {q.id: q.n for q in result.questions}
    warnings = [t.no_overall] if result.overall.score is None else []
    warnings += [
        t.fill("warning_insufficient", title=d.title.get(lang), coverage=percent(d.coverage))
        for d in result.dimensions if d.insufficient_data
    ]
    warnings += [
        t.fill("warning_required", title=q.title.get(lang))
        for q in questions.values() if q.required and answered.get(q.id, 0) == 0
    ]
    warnings += missing_kind_warnings(result, pack, lang, t)
    skipped = [q.title.get(lang) for q in questions.values() if q.respondent == "committee" and not q.required
               and answered.get(q.id, 0) == 0]
    if skipped and any(answered.get(q.id, 0) for q in questions.values() if q.respondent == "committee"):
        warnings.append(t.fill("warning_unanswered", n=len(skipped), titles=t.list_separator.join(skipped)))
    for warning in result.warnings:
        if warning.question in questions and warning.detail is not None:
            title = questions[warning.question].title.get(lang)
            warnings.append(t.fill("warning_question", title=title, rest=warning.detail.get(lang)))
    return warnings


def missing_kind_warnings(result: ScoreResult, pack: Pack, lang: Lang, t: LocalTexts) -> list[str]:
    """One warning per kind of respondent whose questionnaire was not received at all (no party member
    answered, say), naming the indicators it leaves without data and the coverage that results."""
    answered = {q.id: q.n for q in result.questions}
    warnings = []
    for kind in ("committee", "resident", "party_member"):
        asked = [(ind, q) for _, ind, q in pack.questions() if q.respondent == kind and q.type != "text"]
        if not asked or any(answered.get(q.id, 0) for _, q in asked):
            continue
        titles = list(dict.fromkeys(ind.title.get(lang) for ind, _ in asked))
        shown = t.list_separator.join(titles[:6]) + ("…" if len(titles) > 6 else "")
        warnings.append(t.fill("warning_missing_kind", kind=TERMS.word(kind, lang), n=len(titles), titles=shown,
                               coverage=percent(result.overall.coverage)))
    return warnings


def weak_items(reliability: Reliability) -> list[str]:
    """Items that do not hang with the rest: low corrected item-total correlation, or alpha rises without them."""
    if reliability.alpha is None:
        return []
    weak = []
    for item in reliability.item_stats:
        low = item.item_total_correlation is not None and item.item_total_correlation < WEAK_ITEM_CORRELATION
        better_without = item.alpha_if_deleted is not None and item.alpha_if_deleted > reliability.alpha
        if low or better_without:
            weak.append(item.question)
    return weak


def method_view(data: ReportData, lang: Lang, t: LocalTexts) -> dict[str, Any]:
    from assess.packs.theses import load_register

    result, pack = data.score, data.pack.pack
    cited = Counter(s.seed for _, ind in pack.indicators() for s in {src.seed: src for src in ind.sources}.values())
    titles = {d.id: d.title.get(lang) for d in pack.dimensions}
    titles["dimensions"] = t.ahp_dimensions
    return {
        "weights": result.method.weights,
        "ahp": [
            t.fill("ahp_cr_item", name=titles.get(key, key), cr=f"{cr:.3f}")
            for key, cr in result.method.ahp_cr.items()
        ],
        "grades": grade_band_texts(pack, lang, t),
        "targets": t.fill("method_targets", target=f"{pack.default_target:g}"),
        "benchmark": data.benchmark.method.description.get(lang) if data.benchmark else None,
        "benchmark_caveat": data.benchmark.caveat.get(lang) if data.benchmark else None,
        "recommend": data.plan.method.formula.get(lang) if data.plan else None,
        "theses": [
            t.fill("thesis_item", place=thesis.place.get(lang), subject=thesis.subject.get(lang))
            + (t.fill("thesis_cited", n=cited[thesis.file]) if cited[thesis.file] else "")
            for thesis in load_register().theses
        ],
        "software": t.fill("method_software", version=package_version()),
    }


def grade_band_texts(pack: Pack, lang: Lang, t: LocalTexts) -> list[str]:
    """The pack's grade bands as ranges ("良好 70–85 分", "薄弱 60 分以下"), highest first, as a reader expects.

    A band reaches from its own minimum up to the next higher band's; the top one has no upper end and a
    band starting at 0 is written by its upper end only.
    """
    bands = sorted(pack.grade_bands, key=lambda b: -b.min)
    texts = []
    for upper, band in zip([None, *(b.min for b in bands)], bands, strict=False):
        label = band.label.get(lang)
        if upper is None:
            texts.append(t.fill("grade_band_top", label=label, min=f"{band.min:g}"))
        elif band.min == 0:
            texts.append(t.fill("grade_band_bottom", label=label, max=f"{upper:g}"))
        else:
            texts.append(t.fill("grade_band_range", label=label, min=f"{band.min:g}", max=f"{upper:g}"))
    return texts


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("assess")
    except PackageNotFoundError:
        return "(development)"
