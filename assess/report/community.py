"""A community's assessment report: `ReportData` -> HTML in one language -> PDF.

The same inputs give the same HTML byte for byte. A report longer than a few pages gets a table of
contents: it is laid out with the contents first and, when short, laid out again without.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assess.i18n import Lang
from assess.report.data import ReportData
from assess.report.layout import Laid, Layout, LocalLayout
from assess.report.pdf import FontLookup
from assess.report.templates import render_document, template_dirs
from assess.report.texts import ReportText
from assess.report.view import report_context
from assess.report.view_charts import chart_style

CONTENTS_AFTER_PAGES = 4  # a table of contents once the report (without it) is longer than this


def render_html(
    data: ReportData, lang: Lang = "zh", district_dir: Path | None = None, contents: bool = True
) -> str:
    """The report as one HTML document in `lang`; `contents` adds the table of contents."""

    def context(css: str, texts: Mapping[str, ReportText]) -> dict[str, Any]:
        return {**report_context(data, lang, texts, chart_style(css)), "contents": contents}

    return render_document(district_dir, context)


@dataclass(frozen=True)
class RenderedReport:
    html: str
    pdf: bytes
    pages: int
    refused: list[str]
    first_pages: dict[str, int]  # element id -> the (1-based) page it starts on


def report_pdf(
    data: ReportData,
    lang: Lang = "zh",
    district_dir: Path | None = None,
    font_lookup: FontLookup | None = None,
    layout: Layout | None = None,
) -> RenderedReport:
    """The report as PDF (and the HTML it was laid out from), with a table of contents when it is long.

    Laid out with the contents first, since reports are usually long; a short one is laid out again without.
    `layout` is where (default: here, in this process).
    """
    layout = layout or LocalLayout(template_dirs(district_dir), font_lookup)
    html = render_html(data, lang, district_dir, contents=True)
    laid = layout.layout(html)
    if pages_without_contents(laid) <= CONTENTS_AFTER_PAGES:
        html = render_html(data, lang, district_dir, contents=False)
        laid = layout.layout(html)
    return RenderedReport(
        html=html,
        pdf=layout.pdf(),
        pages=laid.pages,
        refused=laid.refused,
        first_pages={name: index + 1 for name, index in laid.first_pages.items()},
    )


def pages_without_contents(laid: Laid) -> int:
    """Pages the report would have without its table of contents (`#contents` up to `#summary`)."""
    first = laid.first_pages
    if "contents" in first and "summary" in first:
        return laid.pages - (first["summary"] - first["contents"])
    return laid.pages
