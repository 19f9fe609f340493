"""Stage 5, actions: the countermeasure library and the prioritized plan for a community's weak points.

Takes a `ScoreResult` (and the cases, for named practices); gives a `Recommendation`: countermeasures for
the indicators below target, ranked by weight × gap and grouped by horizon (`recommend.recommend`).
"""

from __future__ import annotations

import importlib
from typing import Any

# The stage's entry points, which the command line and the web call; each is imported when first used,
# so that importing the stage stays cheap.
PLACES = {
    "load_library": "library",
    "plan_lines": "recommend",
    "dropped_note": "recommend",
}
__all__ = list(PLACES)


def __getattr__(name: str) -> Any:
    if name not in PLACES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{PLACES[name]}"), name)
