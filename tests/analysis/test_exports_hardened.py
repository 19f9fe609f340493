"""Exports that never cut, merge or drop silently: SPSS-valid distinct names, long texts refused by
respondent, -o honoured for JSON, --factors bounded by what the items identify."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assess.analysis.export import MAX_NAME_BYTES, distinct_names, refuse_long_texts, variable_name
from assess.analysis.validity import identified_factors
from assess.cli import main
from assess.errors import AssessError

EXAMPLES = Path(__file__).parents[2] / "examples"
OLD = (EXAMPLES / "old-community" / "answers.yaml", EXAMPLES / "old-community" / "residents.csv")


@pytest.mark.parametrize(("ids", "names"), [
    (["q-a", "q_a", "Q-A"], ["q_a", "q_a_2", "Q_A_3"]),
    (["1st", "with", "to", "q.x"], ["v_1st", "v_with", "v_to", "q_x"]),
    (["x" * 70, "x" * 80], ["x" * 64, "x" * 62 + "_2"]),
    (["中文题目", "中文题"], ["v_____", "v____"]),
])
def test_spss_names_are_valid_distinct_and_short(ids, names):
    made = distinct_names([variable_name(i) for i in ids])
    assert made == names
    assert all(len(n.encode()) <= MAX_NAME_BYTES and n[0].isalpha() for n in made)
    assert len({n.upper() for n in made}) == len(made)


def test_clashing_ids_in_a_pack_make_distinct_sav_variables_labelled_with_their_ids(tmp_path, runner):
    pyreadstat = pytest.importorskip("pyreadstat")
    from assess.packs.building import pack_path

    text = pack_path("core").read_text(encoding="utf-8")
    first = "q-know-party-group"
    assert f"id: {first}" in text
    long_id = "q-" + "a" * 62
    (tmp_path / "pack.yaml").write_text(text.replace(f"id: {first}", f"id: {long_id}", 1), encoding="utf-8")
    answers = tmp_path / "answers.yaml"
    answers.write_text(OLD[0].read_text(encoding="utf-8").replace("pack: core", "pack: pack.yaml"), encoding="utf-8")
    residents = tmp_path / "residents.csv"
    residents.write_text(OLD[1].read_text(encoding="utf-8").replace(first, long_id, 1), encoding="utf-8")
    out = tmp_path / "r.sav"
    result = runner.invoke(main, ["analyze", str(answers), "--respondents", str(residents), "--format", "sav",
                                  "-o", str(out)])
    assert result.exit_code == 0, result.output
    _, meta = pyreadstat.read_sav(str(out))
    shortened = [n for n in meta.column_names if n.startswith("q_aaaa")]
    assert len(shortened) == 1 and len(shortened[0]) == 64
    assert meta.column_names_to_labels[shortened[0]].endswith(f"（{long_id}）")


def test_a_text_too_long_to_export_whole_is_refused_with_its_respondent():
    names, labels = ["respondent_id", "group_1"], ["受访者编号", "楼栋"]
    refuse_long_texts([["r1", "3 号楼"], ["r2", "短"]], names, labels)
    with pytest.raises(AssessError, match=r"r2（楼栋，40,000 字）") as refused:
        refuse_long_texts([["r1", "3 号楼"], ["r2", "楼" * 40_000]], names, labels)
    assert "cannot be exported whole" in str(refused.value)
    with pytest.raises(AssessError, match="r9"):
        refuse_long_texts([["r9", "x" * 11_000 * 3]], names, labels)


def test_analyze_json_goes_to_the_file_given_with_o(tmp_path, runner):
    out = tmp_path / "分析.json"
    result = runner.invoke(main, ["analyze", str(OLD[0]), "--respondents", str(OLD[1]), "--format", "json",
                                  "-o", str(out)])
    assert result.exit_code == 0 and "written" in result.output and "{" not in result.stdout
    assert json.loads(out.read_text(encoding="utf-8"))["respondents"] > 0
    again = runner.invoke(main, ["analyze", str(OLD[0]), "--respondents", str(OLD[1]), "--format", "json",
                                 "-o", str(out)])
    assert again.exit_code == 1 and "--force" in again.output


@pytest.mark.parametrize(("items", "most"), [(3, 1), (5, 2), (6, 3), (10, 6), (36, 28)])
def test_the_factors_items_identify(items, most):
    assert (items - most) ** 2 >= items + most and (items - most - 1) ** 2 < items + most + 1
    assert identified_factors(items) == most


@pytest.mark.parametrize("factors", ["29", "50"])
def test_more_factors_than_the_items_identify_are_refused(runner, factors):
    result = runner.invoke(main, ["analyze", str(OLD[0]), "--respondents", str(OLD[1]), "--factors", factors,
                                  "--format", "json"])
    assert result.exit_code == 1 and "identify at most 28 factors" in result.output


def test_as_many_factors_as_identified_are_accepted(runner):
    result = runner.invoke(main, ["analyze", str(OLD[0]), "--respondents", str(OLD[1]), "--factors", "28",
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
