"""How a community is scored, chosen once: the weights, whether inconsistent AHP judgments may be used, and
the joint draws of the uncertainty analysis (how many, from which seed, varying what).

The command line and the web build one `ScoringOptions` from what the user chose and hand it down through
scoring, the report and a district round, so that a new choice is one field here rather than one more
argument in every signature on the way.
"""

from __future__ import annotations

from dataclasses import dataclass

UNCERTAINTY_SOURCES = ("both", "sampling", "weights")


@dataclass(frozen=True)
class ScoringOptions:
    """`weights`: declared, equal or ahp (a district round also takes objective methods, see
    `district.reweigh`); `allow_inconsistent`: use AHP weights whose consistency ratio exceeds 0.10;
    `uncertainty`: joint draws, 0 for none; `seed`: of the draws' random streams; `source`: what a draw
    varies, the residents' sample, the weights or both (`draws.sources_used`)."""

    weights: str = "declared"
    allow_inconsistent: bool = False
    uncertainty: int = 0
    seed: int = 0
    source: str = "both"

    def __post_init__(self) -> None:
        if self.source not in UNCERTAINTY_SOURCES:
            raise ValueError(f"source must be one of {', '.join(UNCERTAINTY_SOURCES)}, not {self.source!r}")
        if self.uncertainty < 0:
            raise ValueError(f"uncertainty is a number of draws, not {self.uncertainty}")


DEFAULT_SCORING = ScoringOptions()
