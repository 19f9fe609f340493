"""Stage 3, scoring: checked answers and a pack in, a `ScoreResult` out.

Answers become 0-100 on fixed goalposts and are aggregated up the pack with the chosen weights (declared,
equal, AHP; with joint draws of the residents' sample and the weights), with coverage, Cronbach's alpha per
dimension and warnings (`score.score`). How to score is chosen once, in the `ScoringOptions` the clients build
and hand down. A new weighting method is one module here, chosen in `weights.effective_weights`.
"""

from __future__ import annotations

import importlib
from typing import Any

# The stage's entry points, which the command line and the web call; each is imported when first used,
# so that importing the stage stays cheap.
PLACES = {
    "score_file": "score",
    "score_loaded": "score",
    "ScoreResult": "results",
    "ScoringOptions": "options",
    "score_csv": "output",
    "score_table": "output",
}
__all__ = list(PLACES)


def __getattr__(name: str) -> Any:
    if name not in PLACES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{PLACES[name]}"), name)
