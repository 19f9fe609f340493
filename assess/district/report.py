"""A district's report: `DistrictReport` -> HTML in one language -> PDF, with the community report's
sandboxed templates, local-files-only PDF renderer and fonts (`report.templates`, `report.pdf`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assess.district.report_data import DistrictReport
from assess.district.report_view import district_context
from assess.i18n import Lang
from assess.report.pdf import LocalFiles, layout_pdf, write_pdf
from assess.report.templates import render_document, template_dirs
from assess.report.view_quality import package_version

TEMPLATE = "district.html"


def district_html(report: DistrictReport, lang: Lang = "zh", templates: Path | None = None) -> str:
    return render_document(
        templates, lambda css, texts: {**district_context(report, lang, texts), "version": package_version()},
        template=TEMPLATE,
    )


@dataclass(frozen=True)
class RenderedDistrict:
    html: str
    pdf: bytes
    pages: int


def district_pdf(report: DistrictReport, lang: Lang = "zh", templates: Path | None = None) -> RenderedDistrict:
    dirs = template_dirs(templates)
    html = district_html(report, lang, templates)
    document = layout_pdf(html, dirs, LocalFiles(dirs))
    return RenderedDistrict(html, write_pdf(document), len(document.pages))
