"""`assess analyze`: each statistic against a reference implementation or a published worked example."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from assess.analysis.alpha import cronbach
from assess.analysis.efa import efa
from assess.analysis.fuzzy import composed, grade_of, memberships
from assess.analysis.run import analysis_json, analyze
from assess.analysis.survey import load_survey
from assess.analysis.validity import bartlett, kmo
from assess.cli import main
from assess.scoring.score import score_file

EXAMPLES = Path(__file__).parents[2] / "examples"
DATA = Path(__file__).parents[1] / "data"
OLD = (EXAMPLES / "old-community" / "answers.yaml", EXAMPLES / "old-community" / "residents.csv")


@pytest.fixture(scope="module")
def survey():
    return load_survey(*OLD, rows=True)


def test_listwise_alpha_is_the_one_assess_score_reports(survey):
    alone = {r.dimension: r.alpha for r in score_file(*OLD).reliability}
    ids = [q.id for q in survey.items]
    for dim, columns in survey.dimension_items().items():
        found = cronbach(dim, [ids[j] for j in columns], survey.scores[:, columns], "listwise")
        assert found.alpha == pytest.approx(alone[dim], abs=1e-4)


# Reference values computed with pingouin 0.7.0, `pingouin.cronbach_alpha(pandas.DataFrame(ALPHA_DATA),
# nan_policy=...)`, on this matrix of 14 respondents × 4 items with three blank cells: listwise 0.945960,
# pairwise 0.951992.
ALPHA_DATA = np.array([
    [4, 5, 4, 5], [3, 3, 2, 3], [2, 2, 3, 2], [5, 4, 5, 5], [3, 4, 3, np.nan], [4, 4, 4, 3], [1, 2, 1, 2],
    [2, 3, 2, 2], [5, 5, 4, 4], [3, np.nan, 3, 3], [4, 3, 4, 4], [2, 1, 2, 1], [np.nan, 4, 5, 5], [3, 3, 3, 4],
])


def test_alpha_in_both_modes_against_pingouin():
    pd = pytest.importorskip("pandas")
    pingouin = pytest.importorskip("pingouin")
    for mode in ("listwise", "pairwise"):
        expected = pingouin.cronbach_alpha(pd.DataFrame(ALPHA_DATA), nan_policy=mode)[0]
        found = cronbach("x", list("abcd"), ALPHA_DATA, mode)
        assert found.alpha == pytest.approx(expected, abs=1e-4), mode


def test_alpha_golden_values_without_pingouin():
    """The same figures, hard-coded (pingouin 0.7.0), so the test runs where pingouin is not installed."""
    assert cronbach("x", list("abcd"), ALPHA_DATA, "listwise").alpha == pytest.approx(0.945960, abs=1e-4)
    assert cronbach("x", list("abcd"), ALPHA_DATA, "pairwise").alpha == pytest.approx(0.951992, abs=1e-4)


def test_too_few_respondents_is_a_reason_not_a_nan():
    found = cronbach("x", ["a", "b", "c"], ALPHA_DATA[:5, :3], "listwise")
    assert found.alpha is None and "10" in found.reason[0] and "at least 10" in found.reason[1]


# factor-analyzer 0.5.1 (run under scikit-learn 1.5.2; it fails under 1.6+) on tests/data/efa_six_items.csv:
# FactorAnalyzer(n_factors=2, rotation="varimax", method="minres").fit(x).loadings_, calculate_kmo(frame),
# calculate_bartlett_sphericity(frame).
FA_LOADINGS = [[0.817636, 0.09159], [0.835518, 0.12327], [0.770157, 0.003227], [0.099586, 0.81096],
               [-0.038862, 0.823719], [0.16359, 0.687279]]
FA_VARIANCE = [1.997951, 1.832116]
FA_KMO = 0.7214562042133539
FA_KMO_ITEMS = [0.730064, 0.70675, 0.768188, 0.679511, 0.674639, 0.787918]
FA_BARTLETT = (488.6929496239127, 1.3907238310245964e-94)


def test_kmo_bartlett_and_efa_against_factor_analyzer():
    x = np.loadtxt(DATA / "efa_six_items.csv", delimiter=",")
    correlation = np.corrcoef(x, rowvar=False)
    loadings, variance = efa(correlation, 2)
    assert loadings.ravel().tolist() == pytest.approx(np.ravel(FA_LOADINGS).tolist(), abs=1e-5)
    assert variance.tolist() == pytest.approx(FA_VARIANCE, abs=1e-5)
    total, items = kmo(correlation)
    assert total == pytest.approx(FA_KMO, abs=1e-9) and items.tolist() == pytest.approx(FA_KMO_ITEMS, abs=1e-6)
    found = bartlett(correlation, len(x))
    assert found["chi2"] == pytest.approx(FA_BARTLETT[0], abs=1e-3) and found["df"] == 15
    assert found["p"] == pytest.approx(FA_BARTLETT[1], rel=1e-6)


def test_the_fuzzy_operator_on_a_published_worked_example():
    """模糊综合评估法简单示例 (http://www.dtcms.com/a/298653.html): four factors of a restaurant, weights
    A = (0.4, 0.3, 0.2, 0.1), membership matrix R below, weighted-average operator M(·, +). Our copy of the
    page is cut off before its result, so B is worked by hand here: b_1 = 0.4·0.5 + 0.3·0.2 + 0.2·0.1 + 0 =
    0.28, b_2 = 0.12 + 0.12 + 0.06 + 0.02 = 0.32, b_3 = 0.08 + 0.09 + 0.10 + 0.04 = 0.31, b_4 = 0.09."""
    weights = np.array([0.4, 0.3, 0.2, 0.1])
    matrix = np.array([[0.5, 0.3, 0.2, 0.0], [0.2, 0.4, 0.3, 0.1], [0.1, 0.3, 0.5, 0.1], [0.0, 0.2, 0.4, 0.4]])
    assert composed(weights, matrix).tolist() == pytest.approx([0.28, 0.32, 0.31, 0.09])
    # unnormalized weights give the same vector: the operator divides by Σ w over what was answered
    assert composed(weights * 10, matrix).tolist() == pytest.approx([0.28, 0.32, 0.31, 0.09])
    matrix_with_gap = np.vstack([matrix[:3], np.full(4, np.nan)])
    assert composed(weights, matrix_with_gap).tolist() == pytest.approx(
        (weights[:3] @ matrix[:3] / weights[:3].sum()).tolist())


def test_grades_and_memberships_of_a_five_point_scale():
    scores = np.array([[100.0], [75.0], [50.0], [25.0], [0.0], [np.nan], [75.0]])
    assert grade_of(scores[:5, 0]).tolist() == [0, 1, 2, 3, 4]
    assert memberships(scores)[0].tolist() == pytest.approx([1 / 6, 2 / 6, 1 / 6, 1 / 6, 1 / 6])


def test_fuzzy_score_and_grade_of_the_example(survey):
    data = analysis_json(analyze(survey))
    overall = data["fuzzy"]["overall"]
    assert sum(overall["membership"]) == pytest.approx(1.0, abs=1e-3)
    assert overall["score"] == pytest.approx(np.dot(overall["membership"], [100, 80, 60, 40, 20]), abs=0.01)
    assert overall["grade"] == int(np.argmax(overall["membership"])) + 1
    assert set(data["fuzzy"]["dimensions"]) == {d for d in survey.dimension_items()}


def test_yes_no_items_are_left_out_of_the_fuzzy_evaluation_and_its_grades_are_not_the_score_s(survey):
    from assess.analysis.fuzzy import fuzzy_evaluation

    data = analysis_json(analyze(survey))
    yes_no = [q.id for q in survey.items if q.type == "yes_no"]
    assert yes_no and data["fuzzy"]["left_out"] == yes_no
    graded = [q for q in survey.items if q.type != "yes_no"]
    alone = dataclasses.replace(survey, items=graded,
                                scores=survey.scores[:, [survey.items.index(q) for q in graded]])
    assert fuzzy_evaluation(alone)[0] == fuzzy_evaluation(survey)[0]  # the same as without them
    words = {g["zh"] for g in data["fuzzy"]["grades"]} | {g["en"] for g in data["fuzzy"]["grades"]}
    bands = survey.pack.pack.grade_bands
    score_grades = {b.label.zh for b in bands} | {b.label.en for b in bands}
    assert not words & score_grades


def test_json_shape_and_item_statistics(survey, runner):
    result = runner.invoke(main, ["analyze", str(OLD[0]), "--respondents", str(OLD[1]), "--format", "json",
                                  "--missing", "pairwise"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    first = data["items"][0]
    assert set(first) >= {"id", "n", "missing", "mean", "sd"}
    column = survey.raw[:, 0]
    answered = column[~np.isnan(column)]
    assert first["n"] == answered.size and first["mean"] == pytest.approx(answered.mean(), abs=1e-4)
    assert first["sd"] == pytest.approx(answered.std(ddof=1), abs=1e-4)
    assert sum(first["shares"].values()) == pytest.approx(1.0, abs=1e-3)
    validity = data["validity"]
    assert set(validity) >= {"kmo", "kmo_items", "bartlett", "efa"} and 0 < validity["kmo"] <= 1
    assert set(validity["bartlett"]) == {"chi2", "df", "p"}
    listwise = json.loads(runner.invoke(main, ["analyze", str(OLD[0]), "--respondents", str(OLD[1]),
                                               "--format", "json"]).stdout)["validity"]
    assert listwise["kmo"] is None and "at least" in listwise["not_computed"]["en"]


def test_sav_round_trip_keeps_values_and_chinese_labels(survey, runner, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    out = tmp_path / "居民问卷.sav"
    result = runner.invoke(main, ["analyze", str(OLD[0]), "--respondents", str(OLD[1]), "--format", "sav",
                                  "-o", str(out)])
    assert result.exit_code == 0, result.output
    frame, meta = pyreadstat.read_sav(str(out))
    assert frame.shape[0] == len(survey.ids) and list(frame["respondent_id"]) == survey.ids
    first = survey.items[0]
    assert meta.column_names_to_labels[first.id.replace("-", "_")] == first.title.zh
    assert meta.variable_value_labels[first.id.replace("-", "_")][5.0] == first.scale.labels[5].zh
    values = frame[first.id.replace("-", "_")].to_numpy()
    assert np.array_equal(np.isnan(values), np.isnan(survey.raw[:, 0]))
    assert np.nanmax(np.abs(values - survey.raw[:, 0])) == 0
    reverse = next(q for q in survey.items if getattr(q, "reverse", False))
    assert meta.column_names_to_labels[reverse.id.replace("-", "_")].endswith("（反向题）")
    again = runner.invoke(main, ["analyze", str(OLD[0]), "--format", "sav", "-o", str(out)])
    assert again.exit_code == 1 and "--force" in again.output


def test_xlsx_has_every_table(runner, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "分析.xlsx"
    result = runner.invoke(main, ["analyze", str(OLD[0]), "--respondents", str(OLD[1]), "--format", "xlsx",
                                  "-o", str(out), "--missing", "pairwise"])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["数据", "题目统计", "维度得分", "信度", "效度", "因子载荷", "方差解释率", "模糊综合评价"]
    assert book["效度"]["B2"].value is not None and book["因子载荷"].max_row == 37
    variance = [[c.value for c in row] for row in book["方差解释率"].iter_rows(min_row=2)]
    factors = book["因子载荷"].max_column - 1
    assert len(variance) == factors and variance[-1][3] == pytest.approx(sum(r[2] for r in variance), abs=2e-4)
    assert [r[3] for r in variance] == sorted(r[3] for r in variance)
    methods = {row[4] for row in book["信度"].iter_rows(min_row=2, values_only=True)}
    assert methods == {"两两可用"}  # the Chinese workbook names the method in words, not `pairwise`


def test_table_output_names_things_by_chinese_titles(runner):
    result = runner.invoke(main, ["analyze", str(OLD[0]), "--respondents", str(OLD[1])])
    assert result.exit_code == 0 and "模糊综合评价" in result.stdout and "党组织引领与自身建设" in result.stdout
    pairwise = runner.invoke(main, ["analyze", str(OLD[0]), "--respondents", str(OLD[1]), "--missing", "pairwise"])
    assert "方差解释率\t累计方差解释率" in pairwise.stdout  # the variance-explained table a thesis prints


def test_a_pack_may_set_the_grade_values(tmp_path, survey):
    from assess.analysis.fuzzy import fuzzy_evaluation
    from assess.packs.loading import load_pack

    pack = tmp_path / "district.yaml"
    pack.write_text("id: district\nversion: '1'\nextends: core\ntitle: {zh: 区级指标, en: District}\n"
                    "fuzzy_values: [95, 85, 70, 50, 25]\n", encoding="utf-8")
    own = load_survey(*OLD, pack_ref=str(pack))
    assert own.pack.pack.fuzzy_values == [95, 85, 70, 50, 25]
    overall, _ = fuzzy_evaluation(own)
    default, _ = fuzzy_evaluation(survey)
    assert overall.membership == default.membership
    assert overall.score == pytest.approx(np.dot(overall.membership, [95, 85, 70, 50, 25]), abs=0.01)
    pack.write_text(pack.read_text(encoding="utf-8").replace("[95, 85, 70, 50, 25]", "[95, 96, 70, 50, 25]"),
                    encoding="utf-8")
    from assess.errors import AssessError

    with pytest.raises(AssessError, match="fall from the best grade"):
        load_pack(str(pack))


def test_per_group_statistics_with_the_smallest_group_stated(runner, tmp_path):
    import csv
    import json

    from assess.responses.reading import ReadOptions

    with OLD[1].open(encoding="utf-8") as source:
        rows = list(csv.reader(source))
    rows[0].append("楼栋")
    for n, row in enumerate(rows[1:]):
        row.append("9号楼" if n < 6 else ("1号楼" if n % 2 else "2号楼"))
    grouped = tmp_path / "residents.csv"
    with grouped.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    result = runner.invoke(main, ["analyze", str(OLD[0]), "--respondents", str(grouped), "--group-by", "楼栋",
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    column = data["groups"][0]
    assert column["column"] == "楼栋" and column["smallest"] == 6
    by_value = {g["value"]: g for g in column["groups"]}
    assert by_value["9号楼"]["too_few"] and "overall" not in by_value["9号楼"]
    assert sum(g["respondents"] for g in column["groups"]) == data["respondents"]
    whole = analyze(load_survey(OLD[0], grouped, None, ReadOptions(group_by=("楼栋",))))
    ones = [n for n, g in enumerate(whole.survey.groups) if g.get("楼栋") == "1号楼"]
    assert by_value["1号楼"]["overall"]["mean"] == pytest.approx(float(np.nanmean(whole.respondent_overall[ones])),
                                                                 abs=1e-3)
    table = runner.invoke(main, ["analyze", str(OLD[0]), "--respondents", str(grouped), "--group-by", "楼栋"])
    assert "分组统计：楼栋（最小组 6 人" in table.stdout


def test_a_file_read_by_column_gives_the_analysis_the_rows_give(tmp_path, monkeypatch):
    """The residents' file taken by the responses stage's columnar reader (a file of over a megabyte) gives
    the same matrices, shares and figures as the same file read row by row (which the data exports use)."""
    from assess.analysis import survey as survey_module

    lines = OLD[1].read_text(encoding="utf-8").splitlines()
    copies = [f"{line.split(',', 1)[0]}-{k},{line.split(',', 1)[1]}" for k in range(90) for line in lines[1:]]
    big = tmp_path / "residents.csv"
    big.write_text("\n".join([lines[0], *copies]) + "\n", encoding="utf-8")
    assert big.stat().st_size > 1 << 20
    blocks = []
    real = survey_module.SurveyFold.add_coded
    monkeypatch.setattr(survey_module.SurveyFold, "add_coded",
                        lambda fold, block: (blocks.append((block.rows, block.people is None)), real(fold, block))[1])
    by_column = load_survey(OLD[0], big)
    assert sum(rows for rows, by_col in blocks if by_col) == len(copies) and by_column.ids is None
    blocks.clear()
    by_row = load_survey(OLD[0], big, rows=True)  # the same blocks, coded from the rows read one by one
    assert sum(rows for rows, by_col in blocks if not by_col) == len(copies)
    assert by_row.ids[:2] == [f"{lines[1].split(',', 1)[0]}-0", f"{lines[2].split(',', 1)[0]}-0"]
    assert np.array_equal(by_column.raw, by_row.raw, equal_nan=True)
    assert np.array_equal(by_column.scores, by_row.scores, equal_nan=True)
    assert by_column.tallies == by_row.tallies and by_column.answered == by_row.answered
    assert analysis_json(analyze(by_column)) == analysis_json(analyze(by_row))
