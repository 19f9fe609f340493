"""The relative weights that scoring uses (perturbed for `--uncertainty` in `draws`).

Three ways to weight a pack: the weights its authors declared (default), equal weights everywhere, or AHP
weights derived from expert judgments stored in the pack (they replace the dimension weights and, where a
dimension has judgments, its indicator weights; question weights stay as declared). Weights are relative:
scoring renormalizes them over what was answered, so only their ratios among siblings matter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assess.errors import AssessError
from assess.packs.model import Element, Pack
from assess.scoring.results import Method

WEIGHT_MODES = ("declared", "equal", "ahp")
UNCERTAINTY_SPREAD = 0.25


@dataclass(frozen=True)
class Weights:
    """Relative weight of every element by id (dimension, indicator and question ids are unique in a pack)."""

    dimensions: dict[str, float]
    indicators: dict[str, float]
    questions: dict[str, float]
    method: Method = field(default_factory=lambda: Method(weights="declared"))


def effective_weights(pack: Pack, mode: str, allow_inconsistent: bool = False) -> Weights:
    """The weights of `mode` ("declared", "equal" or "ahp"); AHP refusals arrive as `AssessError`."""
    if mode == "declared":
        return declared_weights(pack)
    if mode == "equal":
        return Weights(
            dimensions=dict.fromkeys((d.id for d in pack.dimensions), 1.0),
            indicators=dict.fromkeys((i.id for _, i in pack.indicators()), 1.0),
            questions=dict.fromkeys((q.id for _, _, q in pack.questions()), 1.0),
            method=Method(weights="equal"),
        )
    if mode == "ahp":
        return ahp_weights(pack, allow_inconsistent)
    raise AssessError(f"未知的权重方式 / unknown weighting '{mode}'; use one of {', '.join(WEIGHT_MODES)}")


def declared_weights(pack: Pack) -> Weights:
    return Weights(
        dimensions=weights_of(pack.dimensions),
        indicators=weights_of([i for _, i in pack.indicators()]),
        questions=weights_of([q for _, _, q in pack.questions()]),
        method=Method(weights="declared"),
    )


def weights_of(elements: list[Element]) -> dict[str, float]:
    return {e.id: float(e.weight) for e in elements}


def ahp_weights(pack: Pack, allow_inconsistent: bool) -> Weights:
    """Declared weights with the AHP results laid over the levels that have judgments."""
    from assess.scoring.ahp import pack_ahp_weights

    results = pack_ahp_weights(pack, allow_inconsistent)
    if not results:
        raise AssessError(
            f"指标包 {pack.id} 中没有层次分析法判断（ahp: 部分），不能使用 --weights ahp；请用 --weights declared 或 "
            "equal，或在指标包中加入判断（见使用指南第九节） / "
            f"pack '{pack.id}' has no AHP judgments (an `ahp:` section), so --weights ahp cannot be used; "
            "use --weights declared or equal, or add judgments (see docs/reference.md, AHP weights)"
        )
    base = declared_weights(pack)
    dimensions = dict(base.dimensions)
    indicators = dict(base.indicators)
    for key, result in results.items():
        target = dimensions if key == "dimensions" else indicators
        target.update(zip(result.items, result.weights, strict=True))
    method = Method(
        weights="ahp",
        ri_table=next(iter(results.values())).ri_table,
        ahp_cr={key: result.cr for key, result in results.items()},
    )
    return Weights(dimensions=dimensions, indicators=indicators, questions=dict(base.questions), method=method)
