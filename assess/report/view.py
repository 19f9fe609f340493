"""The view of a community's report in one language: plain values for the templates.

`report_context` assembles what each section's view module gives (summary and dimensions, benchmark, action
plan, data quality and method, charts): every text already in the report's language, every number already
formatted, so templates only place them. A new report section is a new `view_*` module and a template.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from markupsafe import Markup

from assess.i18n import Lang
from assess.report.data import ReportData
from assess.report.quotes import Quotes
from assess.report.texts import ReportText, local_texts
from assess.report.view_benchmark import benchmark_view, nearest_view
from assess.report.view_charts import chart_views
from assess.report.view_groups import groups_view, too_few_note
from assess.report.view_plan import plan_view
from assess.report.view_quality import method_view, quality_view
from assess.report.view_summary import (
    coverage_line,
    dimension_views,
    extreme_dimensions,
    overall_view,
    top_action_titles,
)

# -- the view of the report in one language ----------------------------------------------------------------


def report_context(
    data: ReportData, lang: Lang, texts: Mapping[str, ReportText], chart_css: str = ""
) -> dict[str, Any]:
    """Plain values for the templates: every text already in `lang`, every number already formatted.

    `chart_css` recolours the charts (see `chart_style`).
    """
    t = local_texts(texts, lang)
    result, pack = data.score, data.pack.pack
    dimensions = dimension_views(data, lang, t)
    quotes = Quotes(lang)
    nearest = nearest_view(data, lang, t, quotes)
    return {
        "lang": lang,
        "t": t,
        "title": t.report_title,
        "page_content": page_counter_css(t.page_number),
        "community": result.community,
        "community_kind": community_kind(result.community.type, pack, lang),
        "assessed_on": result.assessed_on or t.cover_not_dated,
        "pack": {"id": result.pack.id, "version": result.pack.version, "hash": result.pack.hash,
                 "title": pack.title.get(lang), "file": Path(result.pack.file).name,
                 "parents": result.pack.parents},
        "overall": overall_view(result, lang, t),
        "strongest": extreme_dimensions(dimensions, strongest=True),
        "weakest": extreme_dimensions(dimensions, strongest=False),
        "dimensions": dimensions,
        "top_actions": top_action_titles(data.plan, lang),
        "nearest": nearest,
        "coverage_line": coverage_line(result, t),
        "charts": chart_views(data, dimensions, nearest, t, chart_css),
        "benchmark": benchmark_view(data, lang, t, quotes),
        "plan": plan_view(data, lang, t, quotes),
        "groups": groups_view(data, lang, t),
        "groups_note": too_few_note(t),
        "quality": quality_view(data, lang, t),
        "method": method_view(data, lang, t),
        "quotes": quotes.appendix(),
    }


def community_kind(community_type: str | None, pack, lang: Lang) -> str | None:
    """The kind of community as the pack names it in `lang` (老小区 → Old estate in English)."""
    kind = pack.kind_of(community_type)
    return kind.label.get(lang) if kind is not None else community_type


def page_counter_css(template: str) -> Markup:
    """'Page {page} of {pages}' as a CSS `content` value with page counters, each literal part quoted."""
    parts = []
    for literal, name in re.findall(r"([^{]*)(?:\{(page|pages)\})?", template):
        if literal:
            parts.append(css_string(literal))
        if name:
            parts.append(f"counter({name})")
    return Markup(" ".join(parts) or '""')


def css_string(text: str) -> str:
    escaped = "".join(ch if ch.isalnum() or ch in " .,:;-_/()（）·，：" else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'
