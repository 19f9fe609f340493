"""Weights: declared, equal, AHP from the pack's judgments, and the ±25 % perturbation of --uncertainty."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assess.errors import AssessError
from assess.packs.loading import load_pack
from assess.responses.answer_file import load_answer_file
from assess.scoring.draws import pack_tree, weight_draws, weight_streams
from assess.scoring.options import ScoringOptions
from assess.scoring.score import score
from assess.scoring.weights import effective_weights

DATA = Path(__file__).parents[1] / "data" / "answers"
PACK = load_pack(DATA / "pack.yaml").pack

# Dimensions 3 : 3 : 1 (perfectly consistent, so CR = 0 and the weights are exactly 3/7, 3/7, 1/7);
# in `lead`, lead-members is 3 times as important as lead-org: 1/4 and 3/4.
AHP_BLOCK = """
ahp:
  dimensions:
    judgments:
      - [lead, serve, 1]
      - [lead, innovate, 3]
      - [serve, innovate, 3]
  indicators:
    lead:
      judgments:
        - [lead-org, lead-members, 1/3]
"""

INCONSISTENT_BLOCK = """
ahp:
  dimensions:
    judgments:
      - [lead, serve, 9]
      - [serve, innovate, 9]
      - [innovate, lead, 9]
"""


def pack_with(write, block: str):
    path = write("ahp-pack.yaml", (DATA / "pack.yaml").read_text(encoding="utf-8") + block)
    return load_pack(path)


def test_declared_weights_are_the_packs():
    w = effective_weights(PACK, "declared", False)
    assert w.dimensions == {"lead": 2.0, "serve": 1.0, "innovate": 1.0}
    assert w.indicators["lead-org"] == 3.0
    assert w.questions["q-yes"] == 2.0
    assert w.method.weights == "declared"


def test_equal_weights_are_one_everywhere():
    w = effective_weights(PACK, "equal", False)
    assert set(w.dimensions.values()) == set(w.indicators.values()) == set(w.questions.values()) == {1.0}
    assert len(w.questions) == 12
    assert w.method.weights == "equal"


def test_ahp_replaces_dimension_and_judged_indicator_weights(write):
    w = effective_weights(pack_with(write, AHP_BLOCK).pack, "ahp", False)
    assert w.dimensions == pytest.approx({"lead": 3 / 7, "serve": 3 / 7, "innovate": 1 / 7})
    assert w.indicators["lead-org"] == pytest.approx(0.25)
    assert w.indicators["lead-members"] == pytest.approx(0.75)
    assert w.indicators["serve-speed"] == 1.0  # no judgments for `serve`: declared weights stay
    assert w.questions["q-yes"] == 2.0
    assert w.method.weights == "ahp"
    assert w.method.ri_table == "saaty-1980"
    assert w.method.ahp_cr == pytest.approx({"dimensions": 0.0, "lead": 0.0}, abs=1e-9)


def test_ahp_weights_flow_into_the_score(write):
    # lead   = 0.25 × 81.25 + 0.75 × 80 = 80.3125   (indicator scores as in test_scoring's golden example)
    # overall = (3/7 × 80.3125 + 3/7 × 81.52174) / (6/7) = 80.91712   (innovate unanswered)
    loaded = pack_with(write, AHP_BLOCK)
    answers = load_answer_file(DATA / "golden.yaml", pack_ref=loaded.file).data
    result = score(loaded, answers, options=ScoringOptions(weights="ahp"))
    assert {d.id: d.score for d in result.dimensions} == {"lead": 80.31, "serve": 81.52, "innovate": None}
    assert result.overall.score == 80.92
    assert {d.id: d.weight for d in result.dimensions} == {"lead": 0.5, "serve": 0.5, "innovate": 0.0}
    assert result.method.ahp_cr.keys() == {"dimensions", "lead"}


def test_ahp_without_judgments_is_a_clear_error():
    with pytest.raises(AssessError, match="has no AHP judgments.*--weights declared or equal"):
        effective_weights(PACK, "ahp", False)


def test_inconsistent_judgments_are_refused_unless_allowed(write):
    pack = pack_with(write, INCONSISTENT_BLOCK).pack
    with pytest.raises(AssessError, match="CR ="):
        effective_weights(pack, "ahp", False)
    w = effective_weights(pack, "ahp", True)
    assert w.method.ahp_cr["dimensions"] > 0.1
    assert sum(w.dimensions.values()) == pytest.approx(1.0)


def test_unknown_mode_is_refused():
    with pytest.raises(AssessError, match="unknown weighting 'expert'"):
        effective_weights(PACK, "expert", False)


def test_perturbation_moves_every_weight_within_a_quarter_and_is_seeded():
    base = effective_weights(PACK, "declared", False)
    tree = pack_tree(PACK)
    first = weight_draws(PACK, tree, base, 50, weight_streams(7))
    again = weight_draws(PACK, tree, base, 50, weight_streams(7))
    other = weight_draws(PACK, tree, base, 50, weight_streams(8))
    declared = {
        "dimensions": np.array(list(base.dimensions.values())),
        "indicators": np.array(list(base.indicators.values())),
        "questions": np.array(list(base.questions.values()))[tree.scored],
    }
    for level, before in declared.items():
        after = getattr(first, level)
        assert after.shape == (50, len(before))
        assert np.array_equal(after, getattr(again, level))
        assert not np.array_equal(after, getattr(other, level))
        assert np.all((0.75 * before <= after) & (after <= 1.25 * before))
        assert np.all(after.std(axis=0) > 0)  # every weight moves
    unmoved = weight_draws(PACK, tree, base, 3, None)
    assert np.array_equal(unmoved.dimensions, np.tile(declared["dimensions"], (3, 1)))
