"""Research outputs for thesis writers: item statistics, reliability, validity, fuzzy comprehensive
evaluation, and exports for statistics software, from a community's resident survey."""

from __future__ import annotations

import importlib
from typing import Any

# The stage's entry points, which the command line and the web call; each is imported when first used,
# so that importing the stage stays cheap.
PLACES = {
    "analyze": "run",
    "analysis_json": "run",
    "load_survey": "survey",
    "analysis_table": "tables",
    "analysis_workbook": "export",
    "write_sav": "export",
    "sav_columns": "export",
    "sav_cells": "export",
}
__all__ = list(PLACES)


def __getattr__(name: str) -> Any:
    if name not in PLACES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{PLACES[name]}"), name)
