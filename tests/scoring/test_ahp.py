"""AHP weights: published worked examples, the judgment format's errors, experts, packs and `assess ahp`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from assess.cli import main
from assess.errors import AssessError, ProblemsError
from assess.packs.building import bundled_packs
from assess.packs.judgments import JudgmentSet, load_ahp_file
from assess.packs.loading import load_pack
from assess.scoring.ahp import RANDOM_INDEX, ahp_file_weights, ahp_weights, pack_ahp_weights
from tests.conftest import MINIMAL_PACK

DATA = Path(__file__).parents[1] / "data" / "ahp"
EXAMPLE = Path(__file__).resolve().parents[2] / "indicators" / "examples" / "ahp-core-dimensions.yaml"


def weights_by_item(result) -> dict[str, float]:
    return dict(zip(result.items, result.weights, strict=True))


# -- published worked examples ---------------------------------------------------------------------


def test_saaty_drinks_example_matches_published_priorities_and_cr():
    """Saaty, T. L. (2008). Decision making with the analytic hierarchy process. International Journal of
    Services Sciences 1(1), 83-98, Table 2 (relative consumption of drinks in the United States): priorities
    coffee .177, wine .019, tea .042, beer .116, soda .190, milk .129, water .327; C.R. = .022.
    """
    result = ahp_file_weights(DATA / "saaty-drinks.yaml", allow_inconsistent=False)
    published = {"coffee": 0.177, "wine": 0.019, "tea": 0.042, "beer": 0.116, "soda": 0.190, "milk": 0.129,
                 "water": 0.327}
    assert {k: round(v, 3) for k, v in weights_by_item(result).items()} == published
    assert round(result.cr, 3) == 0.022
    assert result.ri == 1.32 and result.ri_table == "saaty-1980"
    assert math.isclose(sum(result.weights), 1.0)


def test_wikipedia_leader_example_criteria():
    """Wikipedia, "Analytic hierarchy process – leader example", criteria with respect to the goal:
    Experience .547, Education .127, Charisma .270, Age .056, CR = .044 (4 x 4, RI = 0.90).

    Wikipedia states its figures came from an online demo "designed for convenience, not accuracy"; the exact
    eigenvector gives Experience .548 (as the AHPy README also reports), so weights are checked to within
    one unit of the third decimal and the consistency ratio to 3 decimals.
    """
    result = ahp_file_weights(DATA / "wikipedia-leader.yaml", allow_inconsistent=False)
    published = {"experience": 0.547, "education": 0.127, "charisma": 0.270, "age": 0.056}
    for item, weight in weights_by_item(result).items():
        assert abs(weight - published[item]) <= 0.001, item
    assert round(result.cr, 3) == 0.044


def test_wikipedia_car_example_criteria():
    """Wikipedia, "Analytic hierarchy process – car example", criteria with respect to the goal, as computed
    with an exact eigenvector in the AHPy README (github.com/PhilipGriffith/AHPy, "Purchasing a vehicle"):
    Cost .510, Safety .234, Style .041, Capacity .215.
    """
    result = ahp_file_weights(DATA / "wikipedia-car.yaml", allow_inconsistent=False)
    published = {"cost": 0.510, "safety": 0.234, "style": 0.041, "capacity": 0.215}
    assert {k: round(v, 3) for k, v in weights_by_item(result).items()} == published


def test_a_perfectly_consistent_matrix_recovers_its_weights():
    truth = {"a": 0.5, "b": 0.25, "c": 0.125, "d": 0.125}
    items = list(truth)
    judgments = [[x, y, truth[x] / truth[y]] for i, x in enumerate(items) for y in items[i + 1:]]
    result = ahp_weights(items, JudgmentSet(judgments=judgments), "test")
    assert result.weights == pytest.approx(list(truth.values()))
    assert result.lambda_max == pytest.approx(4.0)
    assert result.cr == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    ("items", "judgments", "weights"),
    [(["only"], [], [1.0]), (["a", "b"], [["a", "b", 3]], [0.75, 0.25])],
)
def test_one_or_two_items_are_consistent_by_definition(items, judgments, weights):
    result = ahp_weights(items, JudgmentSet(judgments=judgments), "test")
    assert result.weights == pytest.approx(weights)
    assert (result.ci, result.cr, result.ri) == (0.0, 0.0, 0.0)


def test_random_index_is_saatys_classic_table():
    assert [RANDOM_INDEX[n] for n in range(3, 16)] == [
        0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59
    ]


# -- several experts ------------------------------------------------------------------------------


def test_experts_are_combined_by_elementwise_geometric_mean():
    experts = JudgmentSet.model_validate({"experts": [
        {"name": "甲", "judgments": [["a", "b", 2], ["a", "c", 3], ["b", "c", "1/2"]]},
        {"name": "乙", "judgments": [["a", "b", 8], ["a", "c", "1/3"], ["b", "c", 2]]},
    ]})
    # geometric means: a/b = sqrt(2*8) = 4, a/c = sqrt(3/3) = 1, b/c = sqrt(1/2*2) = 1
    single = JudgmentSet(judgments=[["a", "b", 4], ["a", "c", 1], ["b", "c", 1]])
    combined = ahp_weights(["a", "b", "c"], experts, "test", allow_inconsistent=True)
    expected = ahp_weights(["a", "b", "c"], single, "test", allow_inconsistent=True)
    assert combined.weights == pytest.approx(expected.weights)
    assert combined.cr == pytest.approx(expected.cr)
    assert combined.experts == ["甲", "乙"]
    assert len(combined.expert_cr) == 2


# -- inconsistency --------------------------------------------------------------------------------

CYCLE = JudgmentSet(judgments=[["a", "b", 5], ["b", "c", 5], ["c", "a", 5], ["a", "d", 1], ["b", "d", 1],
                               ["c", "d", 1]])


def test_inconsistent_judgments_are_refused_naming_the_worst_pairs():
    with pytest.raises(AssessError) as caught:
        ahp_weights(["a", "b", "c", "d"], CYCLE, "panel")
    message = str(caught.value)
    assert "CR = " in message and "above 0.10" in message and "超过 0.10" in message
    assert "--allow-inconsistent" in message
    first_listed = message.splitlines()[2]
    assert first_listed.lstrip().startswith("- 「") and "重要 5 倍" in first_listed
    assert "5× as important" in first_listed
    assert any(pair in first_listed for pair in ("「a」比「b」", "「b」比「c」", "「c」比「a」"))


def test_allow_inconsistent_returns_the_weights_with_their_cr():
    result = ahp_weights(["a", "b", "c", "d"], CYCLE, "panel", allow_inconsistent=True)
    assert result.cr > 0.10 and not result.consistent
    assert sum(result.weights) == pytest.approx(1.0)


def test_cr_at_the_limit_is_accepted(monkeypatch):
    result = ahp_weights(["a", "b", "c", "d"], CYCLE, "panel", allow_inconsistent=True)
    monkeypatch.setitem(RANDOM_INDEX, 4, result.ci / 0.10)
    assert ahp_weights(["a", "b", "c", "d"], CYCLE, "panel").cr == pytest.approx(0.10)


def test_an_inconsistent_expert_is_named_among_several():
    jset = JudgmentSet.model_validate({"experts": [
        {"name": "steady", "judgments": [["a", "b", 2], ["b", "c", 2], ["a", "c", 4], ["a", "d", 1],
                                         ["b", "d", 1], ["c", "d", 1]]},
        {"name": "wobbly", "judgments": [["a", "b", 9], ["b", "c", 9], ["c", "a", 9], ["a", "d", 1],
                                         ["b", "d", 1], ["c", "d", 1]]},
    ]})
    with pytest.raises(AssessError, match=r"inconsistent.*wobbly"):
        ahp_weights(["a", "b", "c", "d"], jset, "panel")


# -- the judgment file format ------------------------------------------------------------------------


def problems_of(write, text: str) -> list[str]:
    with pytest.raises(ProblemsError) as caught:
        load_ahp_file(write("judgments.yaml", text))
    return [str(p) for p in caught.value.problems]


def test_fractions_may_be_written_as_text_or_decimals(write):
    spec, _ = load_ahp_file(write("j.yaml", """\
        items: [a, b, c]
        judgments:
          - [a, b, 1/2]
          - [a, c, "1/3"]
          - [b, c, 0.5]
        """))
    assert [j[2] for j in spec.judgments] == pytest.approx([0.5, 1 / 3, 0.5])


@pytest.mark.parametrize("value", ["10", "0", "1/10", "-3", "abc", "true", "0.1"])
def test_values_outside_one_ninth_to_nine_are_refused_with_line(write, value):
    problems = problems_of(write, f"""\
        items: [a, b]
        judgments:
          - [a, b, {value}]
        """)
    assert len(problems) == 1
    assert problems[0].startswith(f"{write('x', '').parent}/judgments.yaml:3: judgments.0.2:")
    assert "1/9" in problems[0]


def test_a_judgment_needs_three_parts(write):
    [problem] = problems_of(write, """\
        items: [a, b]
        judgments:
          - [a, b]
        """)
    assert "judgments.yaml:3: judgments.0:" in problem and "[first, second, value]" in problem


def test_unknown_ids_get_a_did_you_mean(write):
    missing, problem = problems_of(write, """\
        items: [services, resources]
        judgments:
          - [servces, resources, 3]
        """)
    assert "judgments.yaml:3: judgments.0:" in problem and "did you mean services?" in problem
    assert "services vs resources" in missing


def test_reciprocal_duplicate_self_and_missing_pairs_are_all_reported(write):
    problems = problems_of(write, """\
        items: [a, b, c, d]
        judgments:
          - [a, b, 3]
          - [b, a, 1/3]
          - [a, c, 2]
          - [a, c, 2]
          - [c, c, 1]
        """)
    text = "\n".join(problems)
    assert ":4: judgments.1:" in text and "other way round" in text
    assert ":6: judgments.3:" in text and "judged twice" in text
    assert ":7: judgments.4:" in text and "with itself" in text
    assert ":2: judgments:" in text and "4 pair(s) not judged: a vs d, b vs c, b vs d, c vs d" in text


def test_experts_each_need_all_pairs_and_distinct_names(write):
    problems = problems_of(write, """\
        items: [a, b, c]
        experts:
          - name: 王
            judgments: [[a, b, 2], [a, c, 2], [b, c, 1]]
          - name: 王
            judgments: [[a, b, 2]]
        """)
    text = "\n".join(problems)
    assert "two experts are both named '王'" in text
    assert "experts.1.judgments:" in text and "王: 2 pair(s) not judged: a vs c, b vs c" in text


def test_judgments_and_experts_are_exclusive(write):
    [problem] = problems_of(write, """\
        items: [a, b]
        judgments: [[a, b, 2]]
        experts: [{judgments: [[a, b, 2]]}]
        """)
    assert "give one of `judgments:` or `matrix:`" in problem


def test_items_must_be_unique(write):
    [problem] = problems_of(write, "items: [a, a]\njudgments: []\n")
    assert "items listed twice: a" in problem


# -- in a pack ------------------------------------------------------------------------------------

PACK_AHP = MINIMAL_PACK + """\
ahp:
  dimensions:
    judgments:
      - [lead, part, 3]
  indicators:
    lead:
      judgments: []
"""


def test_pack_ahp_weights_by_level(write):
    pack = load_pack(write("pack.yaml", PACK_AHP)).pack
    results = pack_ahp_weights(pack, allow_inconsistent=False)
    assert set(results) == {"dimensions", "lead"}
    assert weights_by_item(results["dimensions"]) == pytest.approx({"lead": 0.75, "part": 0.25})
    assert results["lead"].weights == [1.0]


def test_pack_without_ahp_has_no_ahp_weights(write):
    assert pack_ahp_weights(load_pack(write("pack.yaml", MINIMAL_PACK)).pack, allow_inconsistent=False) == {}


def test_pack_judgments_name_ids_of_their_level(write):
    text = MINIMAL_PACK + """\
ahp:
  dimensions:
    judgments:
      - [lead, lead-org, 3]
  indicators:
    leed:
      judgments: []
"""
    with pytest.raises(ProblemsError) as caught:
        load_pack(write("pack.yaml", text))
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "ahp.dimensions.judgments.0:" in text and "'lead-org' is not one of the items" in text
    assert "ahp.indicators.leed:" in text and "did you mean lead?" in text


def test_judgment_files_are_not_offered_as_packs():
    assert "ahp-core-dimensions" not in bundled_packs()


# -- the command ------------------------------------------------------------------------------------


def test_bundled_core_example_is_consistent(runner):
    outcome = runner.invoke(main, ["ahp", str(EXAMPLE), "--lang", "en"])
    assert outcome.exit_code == 0, outcome.output
    assert "2 experts, geometric mean" in outcome.output
    assert "RI table saaty-1980" in outcome.output
    result = ahp_file_weights(EXAMPLE, allow_inconsistent=False)
    assert len(result.items) == 8 and result.cr < 0.1
    core = load_pack("core").pack
    assert result.items == [d.id for d in core.dimensions]


def test_command_json_shape(runner):
    outcome = runner.invoke(main, ["ahp", str(DATA / "saaty-drinks.yaml"), "--format", "json"])
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(outcome.output)
    assert set(data) == {"file", "ri_table", "ri_table_description", "cr_limit", "sets"}
    drinks = data["sets"]["items"]
    assert set(drinks) == {"items", "weights", "lambda_max", "ci", "cr", "ri", "ri_table", "experts", "expert_cr",
                           "consistent"}
    assert round(drinks["cr"], 3) == 0.022 and drinks["consistent"] is True


def test_command_table_in_chinese(runner):
    outcome = runner.invoke(main, ["ahp", str(DATA / "wikipedia-leader.yaml")])
    assert outcome.exit_code == 0
    assert "AHP 权重" in outcome.output and "CR = 0.044" in outcome.output and "一致性可接受" in outcome.output


def test_command_refuses_inconsistent_unless_allowed(runner, write):
    path = write("cycle.yaml", """\
        items: [a, b, c]
        judgments: [[a, b, 9], [b, c, 9], [c, a, 9]]
        """)
    refused = runner.invoke(main, ["ahp", str(path)])
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "cycle.yaml" in refused.output and "--allow-inconsistent" in refused.output
    allowed = runner.invoke(main, ["ahp", str(path), "--allow-inconsistent", "--lang", "en"])
    assert allowed.exit_code == 0 and "inconsistent; used because of --allow-inconsistent" in allowed.output


def test_command_reports_file_problems_with_lines(runner, write):
    path = write("bad.yaml", "items: [a, b]\njudgments:\n  - [a, b, 12]\n")
    outcome = runner.invoke(main, ["ahp", str(path)])
    assert outcome.exit_code == 1 and "bad.yaml:3: judgments.0.2:" in outcome.output


def test_command_shows_a_packs_judgments_with_titles(runner, write):
    outcome = runner.invoke(main, ["ahp", "--pack", str(write("pack.yaml", PACK_AHP))])
    assert outcome.exit_code == 0, outcome.output
    assert "各维度" in outcome.output and "党建引领" in outcome.output and "dimensions" not in outcome.output
    english = runner.invoke(main, ["ahp", "--pack", str(write("pack.yaml", PACK_AHP)), "--lang", "en"]).output
    assert "Dimensions" in english and "lead" in english  # English keeps the id beside the title


def test_command_wants_a_file_or_a_pack_with_judgments(runner, write):
    both = runner.invoke(main, ["ahp", str(EXAMPLE), "--pack", "core"])
    assert both.exit_code == 2
    none = runner.invoke(main, ["ahp", "--pack", str(write("pack.yaml", MINIMAL_PACK))])
    assert none.exit_code == 1 and "no `ahp:` judgments" in none.output


def test_a_repeated_item_does_not_hide_the_judgment_problems(write):
    problems = problems_of(write, """\
        items: [a, b, a, c]
        judgments:
          - [a, b, 3]
          - [a, d, 2]
          - [b, b, 1]
        """)
    text = "\n".join(problems)
    assert ":1: items: 项目重复 / items listed twice: a" in text
    assert ":4: judgments.1:" in text and "'d' is not one of the items" in text
    assert ":5: judgments.2:" in text and "with itself" in text
    assert ":2: judgments: 2 pair(s) not judged: a vs c, b vs c" in text


def test_a_single_judgment_list_is_not_called_expert_1(write):
    [problem] = problems_of(write, "items: [a, b, c]\njudgments: [[a, b, 2]]\n")
    assert "judgments: 2 pair(s) not judged: a vs c, b vs c" in problem
    assert "expert" not in problem


def test_a_judgment_too_large_for_a_float_is_outside_the_scale(tmp_path):
    path = tmp_path / "h.yaml"
    path.write_text("items: [a, b, c]\njudgments: [[a, b, " + "9" * 400 + "], [a, c, 3], [b, c, 1]]\n")
    with pytest.raises(ProblemsError, match="outside Saaty's scale"):
        ahp_file_weights(path, False)


def test_the_ri_table_is_a_choice_and_named(tmp_path, runner):
    """a–b 1, a–c 3, b–c 8: CR 0.093 under Saaty 1980 (RI 0.58) and 0.110 under Donegan & Dodd 1991 (RI
    0.4914, AHPy's default), as the two tables' sources give RI; the verdict changes at 0.10."""
    from assess.cli import main

    judgments = tmp_path / "abc.yaml"
    judgments.write_text("items: [a, b, c]\njudgments: [[a, b, 1], [a, c, 3], [b, c, 8]]\n", encoding="utf-8")
    from assess.packs.judgments import load_ahp_file

    spec, _ = load_ahp_file(judgments)
    saaty = ahp_weights(spec.items, spec, "abc")
    dodd = ahp_weights(spec.items, spec, "abc", allow_inconsistent=True, ri_table="donegan-dodd-1991")
    assert round(saaty.cr, 3) == 0.093 and saaty.consistent and saaty.ri_table == "saaty-1980"
    assert round(dodd.cr, 3) == 0.110 and not dodd.consistent
    refused = runner.invoke(main, ["ahp", str(judgments), "--ri", "donegan-dodd-1991"])
    assert refused.exit_code == 1 and "CR = 0.110" in refused.output
    data = json.loads(runner.invoke(main, ["ahp", str(judgments), "--ri", "saaty-2005", "--allow-inconsistent",
                                           "--format", "json"]).stdout)
    assert data["ri_table"] == "saaty-2005" and data["sets"]["items"]["ri"] == 0.52
