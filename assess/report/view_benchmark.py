"""The benchmarking section: the nearest documented case and the cases strong where the community is weak."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assess.i18n import Lang, bracketed
from assess.report.data import ReportData
from assess.report.quotes import Quotes
from assess.report.texts import LocalTexts, points, score_text, signed

if TYPE_CHECKING:  # imported lazily at run time, where they are used
    from assess.cases.benchmark import WeakDimension


EXEMPLARS_SHOWN = 3  # cases per weak dimension; theses come first


# -- benchmark --------------------------------------------------------------------------------------------


def nearest_view(data: ReportData, lang: Lang, t: LocalTexts, quotes: Quotes) -> dict[str, Any] | None:
    bench = data.benchmark
    if bench is None or bench.nearest is None:
        return None
    nearest = bench.nearest
    comparison = next(c for c in bench.cases if c.id == nearest.id)
    similarity = f"{nearest.similarity:.2f}"
    reason = nearest.reason.get(lang).rstrip("。.")
    return {
        "name": nearest.name.get(lang),
        "similarity": similarity,
        "reason": reason,
        "sentence": t.fill("nearest_sentence", name=nearest.name.get(lang), similarity=similarity, reason=reason),
        "estimates": {d.id: d.case_estimate for d in comparison.dimensions},
        "problems": [p.get(lang) for p in nearest.problems],
        "causes": [c.get(lang) for c in nearest.causes],
        "rows": [
            {
                "title": d.title.get(lang),
                "community": score_text(d.community_score, 1),
                "level": level_label(d.case_level, lang),
                "estimate": points(d.case_estimate),
                "difference": signed(d.difference),
                "evidence": [quotes.quote(e) for e in d.evidence],
            }
            for d in comparison.dimensions
        ],
    }


def level_label(level: str | None, lang: Lang) -> str:
    from assess.cases.profiles import coding_scale

    return "—" if level is None else coding_scale().label(level, lang)


def benchmark_view(data: ReportData, lang: Lang, t: LocalTexts, quotes: Quotes) -> dict[str, Any] | None:
    bench = data.benchmark
    if bench is None:
        return None
    estimates = t["list_separator"].join(
        f"{level_label(level, lang)} {value:g}" for level, value in sorted(bench.method.estimates.items(),
                                                                            key=lambda kv: -kv[1])
    )
    cases = []
    for number, case in enumerate(bench.cases, start=1):
        place = case.source.thesis.get(lang)
        source = t.fill("source_thesis" if case.source.kind == "thesis" else "source_exemplar", place=place)
        cases.append(
            {
                "rank": number if case.similarity is not None else "",
                "name": case.name.get(lang),
                "source": source,
                "shared": case.shared,
                "similarity": f"{case.similarity:.2f}" if case.similarity is not None else t.not_ranked,
            }
        )
    return {
        "intro": t.fill("benchmark_intro", estimates=estimates),
        "caveat": t.fill("benchmark_caveat", caveat=bench.caveat.get(lang)),
        "message": bench.message.get(lang) if bench.message else None,
        "cases": cases,
        "exemplars": [exemplar_view(w, lang, t, quotes) for w in bench.exemplars],
    }


def exemplar_view(weak: WeakDimension, lang: Lang, t: LocalTexts, quotes: Quotes) -> dict[str, Any]:
    return {
        "heading": t.fill("exemplar_dimension", title=weak.title.get(lang), score=score_text(weak.community_score)),
        "cases": [
            {
                "name": case.name.get(lang),
                "source": t.fill(
                    "source_thesis" if case.source.kind == "thesis" else "source_exemplar",
                    place=case.source.thesis.get(lang),
                ) + (bracketed(level_label(case.level, lang), lang) if case.level != "strength" else ""),
                "evidence": [quotes.quote(e) for e in case.evidence],
                "practices": [
                    p.name.get(lang) + (t.colon + p.results.get(lang) if p.results else "") for p in case.practices
                ],
            }
            for case in weak.cases[:EXEMPLARS_SHOWN]
        ],
    }
