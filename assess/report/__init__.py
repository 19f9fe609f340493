"""Stage 6, report: the results of the stages before it as a bilingual HTML and PDF report.

`data` gathers (score, benchmark, plan, free text), the `view*` modules word each section in one language,
`templates` renders them in a sandbox and `pdf` lays the HTML out; `community` is the community report built
from these parts, `charts` draws its SVG charts and `demo` runs it on the bundled examples.
"""

from __future__ import annotations

import importlib
from typing import Any

# The stage's entry points, which the command line and the web call; each is imported when first used,
# so that importing the stage stays cheap.
PLACES = {
    "DEFAULT_TOP_ACTIONS": "data",
    "ReportData": "data",
    "build_report": "data",
    "render_html": "community",
    "report_pdf": "community",
    "LayoutInBackground": "layout",
    "report_format": "pdf",
    "render_pdf": "pdf",
    "run_demo": "demo",
    "bundled_examples": "demo",
    "radar_chart": "charts",
    "RadarAxis": "charts",
    "RadarLegend": "charts",
}
__all__ = list(PLACES)


def __getattr__(name: str) -> Any:
    if name not in PLACES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{PLACES[name]}"), name)
