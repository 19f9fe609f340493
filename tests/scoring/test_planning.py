"""How many residents are enough: Cochran's sample size with the finite population correction (Cochran,
Sampling Techniques, 3rd ed., 1977, eq. 4.1 and 4.2: n0 = (z·S/E)², n = n0 / (1 + (n0 − 1)/N)), and the
spread S measured on a last round by resampling its residents."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.cli import main
from assess.packs.loading import load_pack
from assess.scoring.planning import DEFAULT_SPREAD, MIN_RESIDENTS, needed_residents, sample_plan
from assess.scoring.score import score_file_with_sample
from assess.scoring.weights import effective_weights

EXAMPLE = Path(__file__).parents[2] / "examples" / "old-community"


def test_cochran_s_worked_numbers():
    # z = 1.645 (90 %), S = 10, E = 1: n0 = 270.6 -> 271; with N = 1000: 270.6 / (1 + 269.6 / 1000) = 213.1 -> 214
    assert needed_residents(10, 1, 0.9) == 271
    assert needed_residents(10, 1, 0.9, population=1000) == 214
    assert needed_residents(10, 2, 0.95) == math.ceil((1.959964 * 10 / 2) ** 2)  # 96.04 -> 97


def test_small_communities_and_loose_targets():
    assert needed_residents(10, 20, 0.9) == MIN_RESIDENTS  # never fewer than 30
    assert needed_residents(10, 0.5, 0.9, population=25) == 25  # never more than everyone


def test_a_last_round_gives_the_spread_and_says_whether_its_sample_was_enough():
    pack = load_pack("core").pack
    result, sample = score_file_with_sample(EXAMPLE / "answers.yaml", EXAMPLE / "residents.csv", None)
    weights = effective_weights(pack, "declared")
    plan = sample_plan(pack, weights, sample, result.community.name, margin=3.0)
    assert plan.spread_from == "last_round" and plan.respondents == 124 and plan.population == 6800
    # the margin reached is z · sqrt(1 - n/N) · S / sqrt(n), and S / sqrt(n) is the resampled sampling error
    assert plan.reached_margin == pytest.approx(1.645 * math.sqrt(1 - 124 / 6800) * plan.spread / math.sqrt(124),
                                                rel=1e-3)
    assert plan.reached is True
    strict = sample_plan(pack, weights, sample, result.community.name, margin=0.5)
    assert strict.reached is False and strict.needed > 124
    default = sample_plan(pack, weights, None, margin=3.0, population=6800)
    assert default.spread == DEFAULT_SPREAD and default.spread_from == "default" and default.reached is None


def test_the_command_in_both_formats():
    runner = CliRunner()
    out = runner.invoke(main, ["plan-sample", "--households", "800", "--margin", "2", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["needed"] == needed_residents(DEFAULT_SPREAD, 2, 0.9, 800) and data["unit"] == "households"
    table = runner.invoke(main, ["plan-sample", str(EXAMPLE / "answers.yaml"), "--respondents",
                                 str(EXAMPLE / "residents.csv")])
    assert table.exit_code == 0 and "需要完成的居民问卷" in table.stdout and "已达到目标精度" in table.stdout
    missing = runner.invoke(main, ["plan-sample"])
    assert missing.exit_code == 1 and "--population" in missing.output and "Traceback" not in missing.output
