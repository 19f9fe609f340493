"""The charts of the report: the radar of dimensions, the bars of indicators and the largest gaps.

A district's `--chart-ROLE` colours in its stylesheet reach the SVG through `chart_style`.
"""

from __future__ import annotations

import re
from typing import Any

from assess.report.charts import Bar, BarGroup, BarLegend, RadarAxis, RadarLegend, bar_chart, radar_chart
from assess.report.data import ReportData
from assess.report.texts import LocalTexts, points, score_text
from assess.scoring.results import ScoreResult

BARS_SHARING_A_PAGE = 12  # up to this many indicators, the bar chart fits under the radar chart
GAPS_SHOWN = 5


# -- charts -----------------------------------------------------------------------------------------------


def chart_views(
    data: ReportData,
    dimensions: list[dict[str, Any]],
    nearest: dict[str, Any] | None,
    t: LocalTexts,
    chart_css: str = "",
) -> dict[str, Any]:
    estimates = nearest["estimates"] if nearest else {}
    axes = [
        RadarAxis(label=d["title"], score=d["score"], target=d["target"], case=estimates.get(d["id"]),
                  mark=t.radar_insufficient if d["insufficient"] else "")
        for d in dimensions
    ]
    radar_legend = RadarLegend(
        community=t.legend_community,
        target=t.legend_target,
        case=t.fill("legend_case", case=nearest["name"]) if nearest else None,
    )
    groups = [
        BarGroup(
            label=d["title"],
            bars=[Bar(label=r["title"], score=r["score"], target=r["target_value"]) for r in d["indicators"]],
        )
        for d in dimensions
    ]
    bar_legend = BarLegend(
        meets=t.legend_meets, below=t.legend_below, target=t.legend_target, not_answered=t.not_answered
    )
    return {
        "radar": radar_chart(axes, radar_legend, t.radar_title, chart_css),
        "radar_caption": t.fill("radar_caption", case=nearest["name"]) if nearest else t.radar_caption_no_case,
        "bars": bar_chart(groups, bar_legend, t.bars_title, chart_css),
        "bars_own_page": sum(len(g.bars) for g in groups) > BARS_SHARING_A_PAGE,
        "gaps": largest_gaps(data.score, dimensions),
    }


CSS_VARIABLE = re.compile(r"(--[\w-]+)\s*:\s*([^;{}]+?)\s*(?:;|})")
CSS_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30}|rgba?\([0-9.,%\s]+\)")


def chart_style(css: str) -> str:
    """CSS for the charts' role classes from the stylesheet's `--chart-ROLE` variables (the last one wins, one
    `var(--x)` level resolved), only for colours that differ from the charts' own, so that a district's
    `:root { --chart-community: #004488; }` in district.css reaches the SVG, which the page's CSS does not.
    """
    from assess.report.charts import ROLES

    variables = dict(CSS_VARIABLE.findall(css))
    rules = []
    for default, role in ROLES.items():
        value = variables.get(f"--chart-{role}", default)
        inner = re.fullmatch(r"var\((--[\w-]+)\)", value)
        value = variables.get(inner.group(1), default) if inner else value
        if value.lower() != default and CSS_COLOUR.fullmatch(value):
            rules.append(f".fill-{role}{{fill:{value}}}.stroke-{role}{{stroke:{value}}}")
    return "".join(rules)


def largest_gaps(result: ScoreResult, dimensions: list[dict[str, Any]], count: int = GAPS_SHOWN) -> list[dict]:
    """The weak indicators that cost the overall score most: effective weight × gap, in score points."""
    titles = {d["id"]: d["title"] for d in dimensions}
    lost = [(ind.weight * ind.gap, ind) for ind in result.indicators if ind.gap]
    ranked = sorted(lost, key=lambda item: (-item[0], item[1].id))[:count]
    return [
        {
            "title": next(r["title"] for d in dimensions for r in d["indicators"] if r["id"] == ind.id),
            "dimension": titles[ind.dimension],
            "score": score_text(ind.score, 1),
            "target": points(ind.target),
            "points": f"{points_lost:.2f}",
        }
        for points_lost, ind in ranked
    ]
