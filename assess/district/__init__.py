"""Stage 7, district rounds: many communities scored together, weighted by what the data say, ranked with
their uncertainty."""

from __future__ import annotations

import importlib
from typing import Any

# The stage's entry points, which the command line and the web call; each is imported when first used,
# so that importing the stage stays cheap.
PLACES = {
    "RoundOptions": "workflow",
    "score_and_store": "workflow",
    "community_reports": "workflow",
    "trend_since": "workflow",
    "open_history": "history",
    "database_url": "history",
    "league_json": "league",
    "league_table": "league",
    "league_workbook": "workbook",
    "district_html": "report",
    "district_pdf": "report",
    "build_district_report": "report_data",
    "load_round": "rounds",
    "compare": "trend",
    "trend_json": "trend",
    "trend_table": "trend",
    "run_district_demo": "demo",
}
__all__ = list(PLACES)


def __getattr__(name: str) -> Any:
    if name not in PLACES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{PLACES[name]}"), name)
