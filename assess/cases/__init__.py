"""Stage 4, cases: the case profiles coded from the theses, and benchmarking a community against them.

Takes a `ScoreResult`; gives the nearest documented cases per dimension and the cases strong where the
community is weak (`benchmark.benchmark`), each claim with the abstract's own words as evidence.
"""

from __future__ import annotations

import importlib
from typing import Any

# The stage's entry points, which the command line and the web call; each is imported when first used,
# so that importing the stage stays cheap.
PLACES = {
    "benchmark_lines": "benchmark",
    "load_cases": "profiles",
    "case_by_id": "profiles",
    "case_export": "profiles",
    "case_lines": "profiles",
    "case_list_lines": "profiles",
}
__all__ = list(PLACES)


def __getattr__(name: str) -> Any:
    if name not in PLACES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{PLACES[name]}"), name)
