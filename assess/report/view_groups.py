"""The section "不同居民群体的评价": each group of residents' scores, and which group rates each dimension lowest.

Only dimensions residents answer are shown: on the others every group gets the committee's score, so a
difference there cannot exist. A group that is too small to show is listed with its count and no score.
"""

from __future__ import annotations

from typing import Any

from assess.i18n import Lang
from assess.report.data import ReportData
from assess.report.texts import LocalTexts, score_text
from assess.scoring.groups import MIN_GROUP_SIZE


def groups_view(data: ReportData, lang: Lang, t: LocalTexts) -> list[dict[str, Any]]:
    """One table per `--group-by` column: its groups' scores by dimension and a sentence on the lowest."""
    result, pack = data.score, data.pack.pack
    resident_dimensions = [
        d for d in pack.dimensions
        if any(q.respondent != "committee" for i in d.indicators for q in i.questions)
    ]
    tables = []
    for column in dict.fromkeys(g.column for g in result.groups):
        groups = [g for g in result.groups if g.column == column]
        shown = [g for g in groups if not g.too_few]
        lowest = []
        for dim in resident_dimensions:
            scored = [g for g in shown if g.dimensions.get(dim.id) is not None]
            if len(scored) >= 2:
                low = min(scored, key=lambda g: g.dimensions[dim.id])
                high = max(scored, key=lambda g: g.dimensions[dim.id])
                gap = high.dimensions[dim.id] - low.dimensions[dim.id]
                if round(gap, 1) == 0:
                    lowest.append(t.fill("groups_equal", dimension=dim.title.get(lang)))
                    continue
                lowest.append(t.fill("groups_lowest", dimension=dim.title.get(lang), group=low.value,
                                     score=score_text(low.dimensions[dim.id], 1), high=high.value,
                                     gap=score_text(gap, 1)))
        tables.append({
            "column": column,
            "dimensions": [d.title.get(lang) for d in resident_dimensions],
            "rows": [
                {"value": g.value, "respondents": g.respondents, "too_few": g.too_few,
                 "overall": score_text(g.overall, 1),
                 "scores": [score_text(g.dimensions.get(d.id), 1) for d in resident_dimensions]}
                for g in groups
            ],
            "lowest": lowest,
        })
    return tables


def too_few_note(t: LocalTexts) -> str:
    return t.fill("groups_too_few_note", n=MIN_GROUP_SIZE)
