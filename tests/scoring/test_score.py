"""Scoring: hand-checked golden numbers for every question type and level, properties, and the command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.cli import main
from assess.errors import ProblemsError
from assess.packs.loading import LoadedPack, load_pack
from assess.packs.model import Pack
from assess.responses.answer_file import AnswerFile, Community, RespondentEntry, load_answer_file
from assess.scoring.collect import normalize
from assess.scoring.options import ScoringOptions
from assess.scoring.score import score, score_file
from tests.strategies import answer_value

DATA = Path(__file__).parents[1] / "data" / "answers"
GOLDEN = DATA / "golden.yaml"
LOADED = load_pack(DATA / "pack.yaml")
PACK = LOADED.pack
Q = {q.id: q for _, _, q in PACK.questions()}


def by_id(rows) -> dict:
    return {row.id: row for row in rows}


def community_answers(answers: dict, respondents: list[dict] | None = None) -> AnswerFile:
    entries = [RespondentEntry(id=f"r{n}", answers=a) for n, a in enumerate(respondents or [])]
    return AnswerFile(community=Community(name="X"), answers=answers, respondents=entries)


# -- step 1: normalization, one worked number per rule ------------------------------------------------


@pytest.mark.parametrize(
    ("qid", "value", "expected"),
    [
        ("q-likert", 4, 75.0),  # (4 - 1) / (5 - 1) · 100
        ("q-likert", 1, 0.0),
        ("q-likert-rev", 2, 75.0),  # reverse: 100 - (2 - 1) / 4 · 100 = 100 - 25
        ("q-likert-rev", 5, 0.0),
        ("q-yes", True, 100.0),
        ("q-yes", False, 0.0),
        ("q-choice", "most", 60.0),  # the option's score
        ("q-multi", ["patrol", "clean"], 90.0),  # 40 + 50
        ("q-multi", ["patrol", "clean", "visit"], 100.0),  # 40 + 50 + 30 = 120, capped at 100
        ("q-multi", [], 0.0),
        ("q-hours", 13, 35 / 46 * 100),  # (13 - 48) / (2 - 48) = 0.76087: fewer hours is better
        ("q-hours", 1, 100.0),  # beyond `best`: clipped to 1
        ("q-hours", 60, 0.0),  # beyond `worst`: clipped to 0
        ("q-count", 5, 50.0),  # (5 - 0) / (10 - 0)
        ("q-note", "文字", None),  # text is never scored
        ("q-likert", None, None),
    ],
)
def test_normalize_on_fixed_goalposts(qid, value, expected):
    assert normalize(Q[qid], value) == pytest.approx(expected)


def test_reverse_applies_to_yes_no_too():
    reversed_yes = Q["q-yes"].model_copy(update={"reverse": True})
    assert normalize(reversed_yes, False) == 100.0
    assert normalize(reversed_yes, True) == 0.0


# -- steps 2-4: the golden example (tests/data/answers/golden.yaml) -----------------------------------
#
# Questions (step 2: mean over sources):
#   q-likert      committee 4 -> 75
#   q-likert-rev  r001: 2 -> 75, r002: 4 -> 25                     mean 50
#   q-yes         true -> 100
#   q-choice      most -> 60
#   q-multi       patrol+clean+visit = 120 -> capped 100
#   q-hours       13 h -> (13-48)/(2-48) = 35/46 -> 76.087
#   q-count       12 -> beyond best 10 -> 100
#   q-note        text: answered (n = 1), not scored
#   q-trust       r001: 5 -> 100, r002: 3 -> 50                   mean 75
#   q-trust-2     r001: 4 -> 75
# Indicators (step 3, question weights 1, 1, 2 in lead-org):
#   lead-org      (75 + 50 + 2·100) / 4 = 81.25
#   lead-members  (60 + 100) / 2 = 80
#   serve-speed   (76.087 + 100) / 2 = 88.0435
#   serve-trust   (75 + 75) / 2 = 75
#   inno-platform unanswered
# Dimensions: lead (weights 3 : 1) = (3·81.25 + 80) / 4 = 80.9375; serve = (88.0435 + 75) / 2 = 81.5217
# Overall (weights 2 : 1, innovate unanswered and renormalized away) = (2·80.9375 + 81.5217) / 3 = 81.1322
# Coverage: lead 1, serve 1 (the text question carries no weight), innovate 0 -> overall (2 + 1 + 0) / 4 = 0.75
# Effective weights: lead 2/3, serve 1/3; lead-org 2/3 · 3/4 = 0.5, the other three 1/6 each.


@pytest.fixture(scope="module")
def golden():
    return score_file(GOLDEN)


def test_golden_questions(golden):
    questions = by_id(golden.questions)
    assert {q: questions[q].score for q in questions} == {
        "q-likert": 75.0,
        "q-likert-rev": 50.0,
        "q-yes": 100.0,
        "q-choice": 60.0,
        "q-multi": 100.0,
        "q-hours": 76.09,
        "q-count": 100.0,
        "q-note": None,
        "q-trust": 75.0,
        "q-trust-2": 75.0,
        "q-platform": None,
        "q-app-users": None,
    }
    assert (questions["q-likert-rev"].n, questions["q-likert-rev"].respondents) == (2, 2)
    assert (questions["q-note"].n, questions["q-note"].weight) == (1, 0.0)
    assert (questions["q-platform"].n, questions["q-likert"].n) == (0, 1)
    assert questions["q-yes"].weight == 0.25  # 0.5 (lead-org) · 2/4


def test_golden_indicators(golden):
    indicators = by_id(golden.indicators)
    assert {i: (r.score, r.weight, r.coverage, r.answered) for i, r in indicators.items()} == {
        "lead-org": (81.25, 0.5, 1.0, True),
        "lead-members": (80.0, 0.1667, 1.0, True),
        "serve-speed": (88.04, 0.1667, 1.0, True),
        "serve-trust": (75.0, 0.1667, 1.0, True),
        "inno-platform": (None, 0.0, 0.0, False),
    }
    assert (indicators["lead-org"].target, indicators["lead-org"].gap) == (85.0, 3.75)
    assert indicators["serve-speed"].gap == 0.0
    assert indicators["inno-platform"].gap is None


def test_golden_dimensions_and_overall(golden):
    dimensions = by_id(golden.dimensions)
    assert {d: (r.score, r.weight, r.coverage, r.grade, r.insufficient_data) for d, r in dimensions.items()} == {
        "lead": (80.94, 0.6667, 1.0, "good", False),
        "serve": (81.52, 0.3333, 1.0, "good", False),
        "innovate": (None, 0.0, 0.0, None, True),
    }
    assert (golden.overall.score, golden.overall.grade, golden.overall.coverage) == (81.13, "good", 0.75)
    assert golden.overall.grade_label.zh == "良好"
    assert golden.respondents == 2
    assert golden.community.name == "示范社区"
    assert golden.assessed_on == "2026-11-01"
    assert (golden.pack.id, golden.pack.version, golden.pack.hash) == ("golden", "1", LOADED.hash)
    assert [(w.zh, w.en) for w in golden.warnings] == [
        (
            "维度“创新”数据不足：覆盖率 0%，低于 50%",
            "dimension innovate: insufficient data, coverage 0% is under 50%",
        )
    ]


def test_overall_is_the_sum_of_indicator_weight_times_score(golden):
    total = sum(i.weight * i.score for i in golden.indicators if i.score is not None)
    assert total == pytest.approx(golden.overall.score, abs=0.01)
    assert sum(d.weight for d in golden.dimensions) == pytest.approx(1.0, abs=1e-3)


def test_csv_respondents_are_further_sources():
    # q-likert-rev adds c001: 1 -> 100, c002: 5 -> 0: mean of 75, 25, 100, 0 = 50 (lead unchanged)
    # q-trust adds c001: 5 -> 100: mean of 100, 50, 100 = 83.33; q-trust-2 adds 100 and 0: mean of 75, 100, 0
    # = 58.33; serve-trust = 70.83; serve = (88.0435 + 70.8333) / 2 = 79.4384;
    # overall = (2·80.9375 + 79.4384) / 3 = 80.4378
    result = score_file(GOLDEN, respondents_csv=DATA / "residents.csv")
    assert result.respondents == 4
    assert by_id(result.questions)["q-trust"].score == 83.33
    assert by_id(result.indicators)["serve-trust"].score == 70.83
    assert by_id(result.dimensions)["serve"].score == 79.44
    assert result.overall.score == 80.44


def test_partial_answers_renormalize_and_report_coverage():
    # Without q-yes: lead-org = (75 + 50) / 2 = 62.5, coverage (1 + 1) / 4 = 0.5.
    # lead = (3·62.5 + 80) / 4 = 66.875, coverage (3·0.5 + 1·1) / 4 = 0.625.
    # innovate: only q-platform (weight 1 of 2) -> coverage exactly 0.5, which is not "under 50 %".
    data = load_answer_file(GOLDEN).data
    answers = {k: v for k, v in data.answers.items() if k != "q-yes"} | {"q-platform": True}
    result = score(LOADED, data.model_copy(update={"answers": answers}))
    indicators, dimensions = by_id(result.indicators), by_id(result.dimensions)
    assert (indicators["lead-org"].score, indicators["lead-org"].coverage) == (62.5, 0.5)
    assert (dimensions["lead"].score, dimensions["lead"].coverage) == (66.88, 0.625)
    assert (dimensions["innovate"].score, dimensions["innovate"].coverage) == (100.0, 0.5)
    assert dimensions["innovate"].insufficient_data is False
    required = ("必答题“是否建立网格党支部”未作答",
                "required question q-yes (Are there grid Party branches) is unanswered")
    assert required in [(w.zh, w.en) for w in result.warnings]


def test_equal_weights():
    # lead-org = (75 + 50 + 100) / 3 = 75; lead = (75 + 80) / 2 = 77.5; overall = (77.5 + 81.5217) / 2 = 79.5109
    result = score_file(GOLDEN, options=ScoringOptions(weights="equal"))
    assert by_id(result.dimensions)["lead"].score == 77.5
    assert result.overall.score == 79.51
    assert result.method.weights == "equal"


def test_nothing_answered_has_no_score_and_says_so():
    result = score(LOADED, community_answers({}), options=ScoringOptions(uncertainty=50))
    assert (result.overall.score, result.overall.grade, result.overall.coverage) == (None, None, 0.0)
    assert result.uncertainty is None
    assert result.warnings[0].zh.startswith("没有可计分的回答")
    assert all(d.insufficient_data for d in result.dimensions)


def test_grade_follows_the_rounded_score():
    # q-count 9 -> 90; q-hours chosen to score 79.99, so serve-speed (and serve) = (90 + 79.99) / 2 = 84.995:
    # shown as 85.0, and graded "excellent" (from 85) like the number the reader sees, not "good".
    hours = 48 - (2 * 84.995 - 90) / 100 * 46
    result = score(LOADED, community_answers({"q-count": 9, "q-hours": hours}))
    serve = by_id(result.dimensions)["serve"]
    assert (serve.score, serve.grade) == (85.0, "excellent")


def test_answers_from_any_source_count_but_off_type_ones_are_warned():
    result = score(LOADED, community_answers({"q-trust": 5}, [{"q-yes": False}, {"q-yes": True}]))
    questions = by_id(result.questions)
    assert (questions["q-trust"].score, questions["q-trust"].n) == (100.0, 1)
    assert (questions["q-yes"].score, questions["q-yes"].n, questions["q-yes"].respondents) == (50.0, 2, 2)
    about = {w.question: w for w in result.warnings if w.question}
    assert set(about) == {"q-yes", "q-trust"}
    assert about["q-yes"].detail.en == "is a committee question but 2 respondent(s) answered it (counted)"
    assert about["q-yes"].en.startswith("q-yes (")  # the id and the title, then the detail
    assert about["q-trust"].detail.en == "is a resident question but was answered in the committee block (counted)"
    assert about["q-trust"].zh.endswith("属于居民问卷，却在两委填报（answers）中作答（已计入）")


def test_bad_answers_given_in_code_are_all_reported():
    answers = community_answers({"q-likert": 9, "q-nope": 1}, [{"q-trust": "x"}])
    with pytest.raises(ProblemsError) as caught:
        score(LOADED, answers, [RespondentEntry(id="r0", answers={})])
    fields = [p.field for p in caught.value.problems]
    assert fields == ["answers.q-likert", "answers.q-nope", "respondents[r0]", "respondents[r0].answers.q-trust"]
    clash = caught.value.problems[2].message
    assert "respondent id 'r0' of the added respondents (e.g. a CSV) is already used in the answer file" in clash


# -- reliability ---------------------------------------------------------------------------------------


def cronbach_alpha(rows: np.ndarray) -> float:
    k = rows.shape[1]
    return k / (k - 1) * (1 - rows.var(axis=0, ddof=1).sum() / rows.sum(axis=1).var(ddof=1))


def test_reliability_per_dimension_over_complete_resident_rows(write):
    raw = [(5, 4), (4, 4), (3, 2), (2, 1), (5, 5), (1, 2), (4, 3), (3, 3), (2, 2), (4, 5), (5, 4)]
    lines = ["respondent_id,q-trust,q-trust-2,q-likert-rev"]
    lines += [f"c{n},{a},{b},3" for n, (a, b) in enumerate(raw)]
    lines += ["x1,5,,1"]  # incomplete: left out of alpha, still counted in the question score
    csv_path = write("r.csv", "\n".join(lines) + "\n")
    answers = load_answer_file(GOLDEN).data.model_copy(update={"respondents": []})
    result = score(LOADED, answers, load_rows(csv_path))
    [serve] = result.reliability  # `lead` has a single resident item, `innovate` none
    expected = cronbach_alpha((np.array(raw) - 1) / 4 * 100)
    assert (serve.dimension, serve.items, serve.complete_respondents) == ("serve", 2, 11)
    assert serve.alpha == pytest.approx(expected)
    assert by_id(result.questions)["q-trust"].respondents == 12


def load_rows(path):
    from assess.responses.respondents import read_respondents

    return read_respondents(path, LOADED)


def test_no_reliability_without_respondents():
    result = score(LOADED, community_answers({"q-likert": 3}))
    assert result.reliability == []


# -- uncertainty ---------------------------------------------------------------------------------------


def test_weight_uncertainty_is_seeded_and_brackets_the_spread():
    first = score_file(GOLDEN, options=ScoringOptions(uncertainty=300, seed=3, source="weights")).uncertainty
    again = score_file(GOLDEN, options=ScoringOptions(uncertainty=300, seed=3, source="weights")).uncertainty
    other = score_file(GOLDEN, options=ScoringOptions(uncertainty=300, seed=4, source="weights")).uncertainty
    assert first == again
    assert first != other
    assert (first.draws, first.seed, first.spread) == (300, 3, 0.25)
    assert 75 < first.p5 < first.p95 < 88  # every draw is a weighted mean of the scores 75 ... 88.04
    assert first.grade_stability == 1.0  # all draws stay within 70-85 ("good")
    assert first.sources == ["weights"] and first.sampling == "not_requested"


def test_uncertainty_is_zero_when_every_answer_scores_the_same():
    answers = {"q-likert": 5, "q-yes": True, "q-choice": "all", "q-hours": 2, "q-platform": True}
    u = score(LOADED, community_answers(answers), options=ScoringOptions(uncertainty=100, seed=1)).uncertainty
    assert (u.p5, u.p95, u.grade_stability) == (100.0, 100.0, 1.0)


# -- properties ----------------------------------------------------------------------------------------


some_answers = st.fixed_dictionaries({}, optional={qid: answer_value(q) for qid, q in Q.items()})


def all_scores(result) -> list[float]:
    rows = [result.overall, *result.dimensions, *result.indicators, *result.questions]
    return [row.score for row in rows if row.score is not None]


@settings(max_examples=80, deadline=None)
@given(answers=some_answers, respondents=st.lists(some_answers, max_size=5))
def test_answers_in_range_give_scores_in_0_100(answers, respondents):
    result = score(LOADED, community_answers(answers, respondents))
    assert all(0 <= s <= 100 for s in all_scores(result))
    assert 0 <= result.overall.coverage <= 1


@settings(max_examples=80, deadline=None)
@given(data=st.data(), answers=some_answers, respondents=st.lists(some_answers, max_size=3))
def test_improving_one_answer_never_lowers_its_indicator_dimension_or_overall(data, answers, respondents):
    dim_of = {i.id: d.id for d, i in PACK.indicators()}
    scored = [q for q in Q.values() if q.type != "text"]
    question = data.draw(st.sampled_from(scored))
    low, high = sorted([data.draw(answer_value(question)), data.draw(answer_value(question))],
                       key=lambda v: normalize(question, v))
    ind = next(i.id for _, i, q in PACK.questions() if q.id == question.id)
    before = score(LOADED, community_answers(answers | {question.id: low}, respondents))
    after = score(LOADED, community_answers(answers | {question.id: high}, respondents))
    assert by_id(after.indicators)[ind].score >= by_id(before.indicators)[ind].score
    assert by_id(after.dimensions)[dim_of[ind]].score >= by_id(before.dimensions)[dim_of[ind]].score
    assert after.overall.score >= before.overall.score


def scaled_pack(factor: float) -> LoadedPack:
    data = yaml.safe_load((DATA / "pack.yaml").read_text(encoding="utf-8"))

    def scale(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("dimensions", "indicators", "questions"):
                    for element in value:
                        element["weight"] = element.get("weight", 1) * factor
                        scale(element)

    scale(data)
    return LoadedPack(pack=Pack.model_validate(data), file="scaled", hash="scaled")


@settings(max_examples=40, deadline=None)
@given(answers=some_answers, factor=st.floats(0.01, 1000))
def test_scaling_all_weights_changes_nothing(answers, factor):
    plain = score(LOADED, community_answers(answers))
    scaled = score(scaled_pack(factor), community_answers(answers))
    for a, b in zip([plain.overall, *plain.dimensions, *plain.indicators],
                    [scaled.overall, *scaled.dimensions, *scaled.indicators], strict=True):
        assert (a.score is None) == (b.score is None)
        if a.score is not None:
            assert a.score == pytest.approx(b.score, abs=0.0100001)
        assert a.coverage == pytest.approx(b.coverage, abs=1e-4)


# -- the command -----------------------------------------------------------------------------------------


def test_cli_json_is_the_score_result(runner):
    result = runner.invoke(main, ["score", str(GOLDEN), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["overall"] == {"score": 81.13, "grade": "good", "grade_label": {"zh": "良好", "en": "Good"},
                               "coverage": 0.75}
    assert [d["id"] for d in data["dimensions"]] == ["lead", "serve", "innovate"]
    assert data["dimensions"][2]["score"] is None
    assert data["pack"]["id"] == "golden"


def test_cli_table_in_chinese_and_english(runner):
    zh = runner.invoke(main, ["score", str(GOLDEN)])
    assert zh.exit_code == 0, zh.output
    assert "总分: 81.13" in zh.stdout and "等级: 良好" in zh.stdout and "覆盖率: 75%" in zh.stdout
    innovate = next(line for line in zh.stdout.splitlines() if line.startswith("创新"))
    assert innovate.split() == ["创新", "—", "—", "0%", "数据不足"]
    assert "dimension innovate" not in zh.stdout  # warnings in one language
    en = runner.invoke(main, ["score", str(GOLDEN), "--lang", "en", "--uncertainty", "50", "--seed", "2"])
    assert "Overall: 81.13" in en.stdout and "Grade: Good" in en.stdout
    assert "Uncertainty (residents resampled + weights ±25%, 50 draws): standard error" in en.stdout
    assert "dimension innovate: insufficient data" in en.stdout


def test_cli_table_lists_each_dimensions_indicators_with_target_and_gap(runner):
    lines = runner.invoke(main, ["score", str(GOLDEN)]).stdout.splitlines()
    start = next(n for n, line in enumerate(lines) if line.split()[:1] == ["党建引领"])
    assert lines[start + 1].split() == ["组织建设", "81.25", "100%", "85", "3.75", "▼"]
    assert lines[start + 2].split() == ["党员作用", "80.00", "100%", "85", "5.00", "▼"]
    assert lines[start + 3].startswith("服务能力")
    assert lines[start + 4].split() == ["响应速度", "88.04", "100%", "85"]  # above target: no gap, no mark
    assert lines[start + 7].split() == ["智慧平台", "—", "0%", "85"]
    assert lines[start + 8].startswith("▼ 低于目标分")


def test_cli_table_shows_weak_reliability_items(runner, write):
    pairs = [(1, 3), (2, 5), (3, 1), (4, 4), (5, 2), (1, 4), (2, 1), (3, 5), (4, 2), (5, 3), (2, 2)]
    csv_path = write("r.csv", "respondent_id,q-trust,q-trust-2\n" + "".join(f"c{n},{a},{b}\n"
                                                                           for n, (a, b) in enumerate(pairs)))
    result = runner.invoke(main, ["score", str(GOLDEN), "--respondents", str(csv_path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    # two items: the corrected item-total correlation of each is their correlation (r001 of the file included)
    correlation = np.corrcoef(np.array([*pairs, (5, 4)]).T)[0, 1]
    assert correlation < 0.3
    assert f"! weak item “I am satisfied with community services”: item-total r {correlation:.2f}" in result.stdout
    assert f"! weak item “The community answers my requests”: item-total r {correlation:.2f}" in result.stdout
    zh = runner.invoke(main, ["score", str(GOLDEN), "--respondents", str(csv_path)])
    assert f"! 弱题 “我对社区服务满意”: 题总相关 {correlation:.2f}" in zh.stdout  # titles, not ids


def test_a_required_question_left_unanswered_is_named_with_its_title():
    result = score(LOADED, community_answers({"q-likert": 3}))
    warning = next(w for w in result.warnings if "q-yes" in w.en)
    assert warning.zh == "必答题“是否建立网格党支部”未作答"
    assert warning.en == "required question q-yes (Are there grid Party branches) is unanswered"


def test_cli_csv_has_one_row_per_element(runner):
    result = runner.invoke(main, ["score", str(GOLDEN), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 1 + 3 + 5 + 12
    assert rows[0] == {"level": "overall", "id": "golden", "parent": "", "score": "81.13", "weight": "1",
                       "coverage": "0.75"}
    assert rows[3] == {"level": "dimension", "id": "innovate", "parent": "golden", "score": "", "weight": "0.0",
                       "coverage": "0.0"}
    assert rows[4]["level"] == "indicator" and rows[4]["parent"] == "lead"


def test_cli_bad_answers_list_every_problem_and_print_nothing_else(runner, write):
    write("pack.yaml", (DATA / "pack.yaml").read_text(encoding="utf-8"))
    path = write("a.yaml", "pack: pack.yaml\ncommunity: {name: X}\nanswers:\n  q-likrt: 4\n  q-yes: 3\n")
    result = runner.invoke(main, ["score", str(path), "--format", "json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{path}:4: answers.q-likrt: 指标包中没有此题目 / pack 'golden' has no question 'q-likrt'" in result.stderr
    assert "did you mean q-likert, q-likert-rev?" in result.stderr
    assert f"{path}:5: answers.q-yes:" in result.stderr
    assert "Traceback" not in result.output


def test_cli_bad_csv_rows_and_ids_shared_with_the_answer_file(runner, write):
    csv_path = write("r.csv", "respondent_id,q-trust\nr001,4\nc2,8\n")
    result = runner.invoke(main, ["score", str(GOLDEN), "--respondents", str(csv_path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{csv_path}:3: q-trust: 应为 1–5 之间的整数" in result.stderr
    assert f"{csv_path}:2: respondent_id: 受访者编号 'r001' 已在答卷文件中使用（{GOLDEN}:14）" in result.stderr
    assert f"respondent id 'r001' is already used in the answer file ({GOLDEN}:14)" in result.stderr


def test_score_file_names_the_csv_row_and_the_answer_file_line_of_a_shared_id(tmp_path):
    csv_path = tmp_path / "r.csv"
    csv_path.write_text("respondent_id,q-trust\nc1,4\nr002,3\nr001,5\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        score_file(GOLDEN, csv_path)
    found = {(p.file, p.line, p.field): p.message for p in caught.value.problems}
    assert set(found) == {(str(csv_path), 3, "respondent_id"), (str(csv_path), 4, "respondent_id")}
    assert f"({GOLDEN}:16)" in found[str(csv_path), 3, "respondent_id"]
    assert f"({GOLDEN}:14)" in found[str(csv_path), 4, "respondent_id"]


def test_a_residents_csv_without_rows_is_warned_about(write):
    csv_path = write("r.csv", "respondent_id,q-trust\n\n\n")
    result = score_file(GOLDEN, csv_path)
    assert result.respondents == 2  # the answer file's own
    assert result.warnings[0].en == f"the residents' file {csv_path} has a header but no respondents"
    assert not any("CSV" in w.en for w in score_file(GOLDEN, DATA / "residents.csv").warnings)


def test_cli_refuses_ahp_without_judgments_and_bad_options(runner):
    result = runner.invoke(main, ["score", str(GOLDEN), "--weights", "ahp"])
    assert result.exit_code == 1
    assert "has no AHP judgments" in result.stderr
    assert runner.invoke(main, ["score", str(GOLDEN), "--uncertainty", "-1"]).exit_code == 2
    missing = runner.invoke(main, ["score", "no-such.yaml"])
    assert missing.exit_code == 1 and "file not found" in missing.stderr


def test_remembered_values_keep_their_type_and_errors_repeat():
    # 1 is remembered for q-likert first; True (== 1 in Python) must still be refused, each time it comes
    answers = community_answers({"q-likert": 1}, [{"q-likert": True}, {"q-likert": True}, {"q-likert": {"a": 1}}])
    with pytest.raises(ProblemsError) as caught:
        score(LOADED, answers)
    assert [p.field for p in caught.value.problems] == [f"respondents[r{n}].answers.q-likert" for n in range(3)]
