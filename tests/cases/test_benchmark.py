"""Benchmarking: similarity behaves sensibly on constructed profiles, weak dimensions get exemplars, sparse
answers get a message instead of a ranking, and the JSON keeps its published shape."""

from __future__ import annotations

import json

import pytest

from assess.cases.benchmark import benchmark, benchmark_lines
from assess.cases.profiles import CaseProfile, case_by_id, coding_scale, load_cases, practice
from assess.cli import main
from assess.errors import AssessError
from assess.packs.loading import load_pack
from assess.packs.model import Pack
from assess.report.quotes import Quotes
from assess.report.texts import load_texts, local_texts
from assess.report.view_benchmark import exemplar_view
from assess.responses.answer_file import Community
from assess.scoring.results import DimensionScore, Method, Overall, PackRef, ScoreResult

CORE = load_pack("core").pack
ESTIMATES = coding_scale().estimates


def score_result(
    pack: Pack, scores: dict[str, float | None], insufficient: frozenset[str] = frozenset()
) -> ScoreResult:
    """A ScoreResult with the given dimension scores (absent ids are unanswered); only what benchmarking reads."""
    dimensions = [
        DimensionScore(
            id=d.id,
            title=d.title,
            score=scores.get(d.id),
            weight=0.0,
            coverage=0.2 if d.id in insufficient else 1.0 if scores.get(d.id) is not None else 0.0,
            grade=None,
            grade_label=None,
            insufficient_data=d.id in insufficient or scores.get(d.id) is None,
        )
        for d in pack.dimensions
    ]
    return ScoreResult(
        community=Community(name="测试社区"),
        assessed_on=None,
        pack=PackRef(id=pack.id, version=pack.version, hash="0" * 16, file="pack.yaml"),
        method=Method(weights="declared"),
        respondents=0,
        overall=Overall(score=None, grade=None, grade_label=None, coverage=1.0),
        dimensions=dimensions,
        indicators=[],
        questions=[],
    )


def small_pack(dimension_ids: list[str], bands: list[dict] | None = None) -> Pack:
    data = {
        "id": "small",
        "version": "1",
        "title": {"zh": "小指标包", "en": "Small pack"},
        "dimensions": [
            {
                "id": dim,
                "title": {"zh": f"维度{dim}", "en": f"Dimension {dim}"},
                "indicators": [
                    {
                        "id": f"{dim}-ind",
                        "title": {"zh": "指标", "en": "Indicator"},
                        "sources": [{"seed": "004_6627220e668f044e.txt", "evidence": "public cohesion"}],
                        "questions": [{"id": f"q-{dim}", "type": "yes_no", "title": {"zh": "题", "en": "Q"}}],
                    }
                ],
            }
            for dim in dimension_ids
        ],
    }
    if bands is not None:
        data["grade_bands"] = bands
    return Pack.model_validate(data)


def case(case_id: str, levels: dict[str, str], kind: str = "thesis") -> CaseProfile:
    """A profile with the given coded levels; every coded level cites a placeholder phrase."""
    return CaseProfile.model_validate(
        {
            "id": case_id,
            "kind": kind,
            "seed": "004_6627220e668f044e.txt",
            "second_hand": kind == "exemplar",
            "name": {"zh": f"案例{case_id}", "en": f"Case {case_id}"},
            "place": {},
            "context": {"zh": "背景", "en": "Context"},
            "theories": {"zh": "理论", "en": "Theory"},
            "methods": {"zh": "方法", "en": "Method"},
            "problems": [
                {"text": {"zh": "问题", "en": "A problem"}, "dimensions": ["a"], "evidence": "problem phrase"}
            ],
            "causes": [{"text": {"zh": "原因", "en": "A cause"}, "dimensions": ["a"], "evidence": "cause phrase"}],
            "levels": {
                dim: {"level": level} if level == "not_reported" else {"level": level, "evidence": f"{dim} phrase"}
                for dim, level in levels.items()
            },
        }
    )


PACK4 = small_pack(["a", "b", "c", "d"])


# -- similarity ------------------------------------------------------------------------------------------------


def test_similarity_follows_the_documented_formula():
    # community a=80 strength, b=65 mixed, c=30 weak against strength, strength, weak:
    # agreement (1 + 0.5 + 1) / 3 = 0.8333; mean |difference| (0 + 15 + 20) / 3 = 11.667; closeness 0.7667
    target = case("t", {"a": "strength", "b": "strength", "c": "weak", "d": "not_reported"})
    outcome = benchmark(score_result(PACK4, {"a": 80, "b": 65, "c": 30, "d": 10}), [target], PACK4)
    (comparison,) = outcome.cases
    assert comparison.agreement == pytest.approx(0.833, abs=1e-3)
    assert comparison.mean_abs_difference == pytest.approx(11.67, abs=1e-2)
    assert comparison.similarity == pytest.approx(0.8, abs=1e-3)
    assert [d.difference for d in comparison.dimensions] == [0.0, -15.0, -20.0]


def test_a_dimension_the_case_does_not_report_is_left_out_not_counted_as_zero():
    target = case("t", {"a": "strength", "b": "mixed", "c": "weak", "d": "not_reported"})
    low = benchmark(score_result(PACK4, {"a": 80, "b": 65, "c": 50, "d": 0}), [target], PACK4)
    high = benchmark(score_result(PACK4, {"a": 80, "b": 65, "c": 50, "d": 100}), [target], PACK4)
    assert [d.id for d in low.cases[0].dimensions] == ["a", "b", "c"]
    assert low.cases[0].similarity == high.cases[0].similarity == 1.0


def test_a_strong_community_is_nearer_a_strong_case_and_a_weak_one_nearer_a_weak_case():
    strong = case("strong", {d: "strength" for d in "abcd"})
    weak = case("weak", {d: "weak" for d in "abcd"})
    mixed = case("mixed", {d: "mixed" for d in "abcd"})
    cases = [weak, mixed, strong]
    assert [c.id for c in benchmark(score_result(PACK4, dict.fromkeys("abcd", 88)), cases, PACK4).cases] == [
        "strong", "mixed", "weak"
    ]
    assert [c.id for c in benchmark(score_result(PACK4, dict.fromkeys("abcd", 30)), cases, PACK4).cases] == [
        "weak", "mixed", "strong"
    ]
    assert benchmark(score_result(PACK4, dict.fromkeys("abcd", 66)), cases, PACK4).nearest.id == "mixed"


@pytest.mark.parametrize("case_id", ["wuling", "l-street", "x-community", "yingzi", "sanyuan"])
@pytest.mark.parametrize("unreported", [None, 65.0, 95.0])
def test_a_community_built_from_a_thesis_case_levels_ranks_that_case_first(case_id, unreported):
    cases = load_cases()
    target = next(c for c in cases if c.id == case_id)
    scores = {
        dim: ESTIMATES[coding.level] if coding.level != "not_reported" else unreported
        for dim, coding in target.levels.items()
    }
    outcome = benchmark(score_result(CORE, scores), cases, CORE)
    assert outcome.cases[0].id == case_id
    assert outcome.cases[0].similarity == 1.0
    assert all(c.similarity is None or c.similarity < 1.0 for c in outcome.cases[1:])
    assert outcome.nearest.id == case_id


@pytest.mark.parametrize("case_id", ["wuhu-road", "wangma", "typical-cases"])
def test_a_community_built_from_an_exemplar_levels_puts_it_at_the_top(case_id):
    cases = load_cases()
    target = next(c for c in cases if c.id == case_id)
    scores = {dim: ESTIMATES[c.level] for dim, c in target.levels.items() if c.level != "not_reported"}
    outcome = benchmark(score_result(CORE, scores), cases, CORE)
    top = [c.id for c in outcome.cases if c.similarity == 1.0]
    assert case_id in top
    # Exemplars coded alike tie: Wuhu Road and Wangma share one coding (the L Street thesis cites them jointly),
    # and the typical cases agree with them wherever both are coded. Exactly the cases that agree with the
    # community on every dimension they report (at least three of them) reach 1.0.
    agree = [
        c.id for c in cases
        if sum(1 for dim in scores if c.coded(dim)) >= 3
        and all(c.levels[dim].level == target.levels[dim].level for dim in scores if c.coded(dim))
    ]
    assert sorted(top) == sorted(agree)
    assert outcome.nearest is None or outcome.nearest.id != case_id  # an exemplar is never the nearest thesis


def test_ties_go_to_the_case_with_more_shared_dimensions():
    three = case("aaa-three", {"a": "strength", "b": "strength", "c": "strength", "d": "not_reported"})
    four = case("zzz-four", {d: "strength" for d in "abcd"})
    outcome = benchmark(score_result(PACK4, dict.fromkeys("abcd", 80)), [three, four], PACK4)
    assert [(c.id, c.similarity, c.shared) for c in outcome.cases] == [("zzz-four", 1.0, 4), ("aaa-three", 1.0, 3)]


def test_a_case_with_fewer_than_three_shared_dimensions_is_listed_but_not_ranked():
    narrow = case("narrow", {"a": "strength", "b": "weak", "c": "not_reported", "d": "not_reported"})
    wide = case("wide", {d: "mixed" for d in "abcd"})
    outcome = benchmark(score_result(PACK4, dict.fromkeys("abcd", 80)), [narrow, wide], PACK4)
    assert [(c.id, c.similarity is None) for c in outcome.cases] == [("wide", False), ("narrow", True)]
    assert "fewer than 3" in outcome.cases[1].reason.en
    assert outcome.comparable


def test_the_nearest_case_is_a_thesis_and_carries_its_problems_and_causes():
    exemplar = case("exemplar", {d: "strength" for d in "abcd"}, kind="exemplar")
    thesis = case("thesis", {d: "weak" for d in "abcd"})
    outcome = benchmark(score_result(PACK4, dict.fromkeys("abcd", 85)), [exemplar, thesis], PACK4)
    assert outcome.cases[0].id == "exemplar"
    assert outcome.nearest.id == "thesis"
    assert [t.en for t in outcome.nearest.problems] == ["A problem"]
    assert [t.en for t in outcome.nearest.causes] == ["A cause"]


# -- weak dimensions and exemplars ----------------------------------------------------------------------------

# The cases to learn from per weak dimension, and the level they are coded at there: `strength` where any case
# is; else the cases coded `mixed` that name a practice for the dimension; none where no abstract reports one.
LEARN_FROM = {
    "party-leadership": ("strength", {"typical-cases", "wangma", "wuhu-road"}),
    "resources": ("strength", {"sanyuan", "typical-cases"}),
    "services": ("strength", {"typical-cases", "wangma", "wuhu-road"}),
    "coordination": ("strength", {"typical-cases", "wangma", "wuhu-road"}),
    "innovation": ("strength", {"l-street"}),
    "participation": ("mixed", {"sanyuan", "x-community"}),
    "evaluation": ("strength", set()),
    "law-virtue": ("strength", set()),
}


@pytest.mark.parametrize("weak_dimension", sorted(LEARN_FROM))
def test_a_community_weak_in_exactly_one_dimension_gets_the_cases_to_learn_from(weak_dimension):
    scores = {d.id: 78.0 for d in CORE.dimensions} | {weak_dimension: 41.0}
    outcome = benchmark(score_result(CORE, scores), load_cases(), CORE)
    (weak,) = outcome.exemplars
    assert weak.id == weak_dimension and weak.community_score == 41.0
    level, expected = LEARN_FROM[weak_dimension]
    assert {c.id for c in weak.cases} == expected
    for exemplar in weak.cases:
        assert exemplar.evidence
        assert exemplar.level == level == case_by_id(exemplar.id).levels[weak_dimension].level
        assert all(weak_dimension in practice(exemplar.id, p.id).dimensions for p in exemplar.practices)
        assert exemplar.practices or level == "strength"  # a mixed case is shown only for a practice it names
    # theses (first-hand) come before second-hand exemplars
    assert [c.source.second_hand for c in weak.cases] == sorted(c.source.second_hand for c in weak.cases)


def test_where_no_case_is_strong_the_table_offers_practices_of_mixed_cases_labelled_so():
    scores = {d.id: 78.0 for d in CORE.dimensions} | {"participation": 41.0}
    outcome = benchmark(score_result(CORE, scores), load_cases(), CORE)
    zh = "\n".join(benchmark_lines(outcome, "zh"))
    assert "没有案例在此维度被编码为优势；以下案例在此维度有成效也有不足，可借鉴其做法：" in zh
    assert "“居民夜话”" in zh
    weak_law = benchmark(score_result(CORE, scores | {"participation": 78.0, "law-virtue": 41.0}), load_cases(), CORE)
    assert "被编码为“有成效也有不足”的案例也没有报告此维度的做法" in "\n".join(benchmark_lines(weak_law, "zh"))


def test_the_report_marks_the_mixed_cases_it_offers():
    scores = {d.id: 78.0 for d in CORE.dimensions} | {"participation": 41.0, "innovation": 41.0}
    outcome = benchmark(score_result(CORE, scores), load_cases(), CORE)
    views = {w.id: exemplar_view(w, "zh", local_texts(load_texts(), "zh"), Quotes("zh")) for w in outcome.exemplars}
    assert all(c["source"].endswith("（有成效也有不足）") for c in views["participation"]["cases"])
    assert not any("有成效也有不足" in c["source"] for c in views["innovation"]["cases"])


def test_exemplars_name_the_practice_behind_the_strength():
    scores = {d.id: 78.0 for d in CORE.dimensions} | {"innovation": 30.0, "coordination": 45.0}
    outcome = benchmark(score_result(CORE, scores), load_cases(), CORE)
    by_dim = {w.id: w for w in outcome.exemplars}
    (l_street,) = by_dim["innovation"].cases
    assert [p.id for p in l_street.practices] == ["technology-empowerment"]
    assert l_street.source.seed == "001_3fbd8820c1bf788a.txt" and not l_street.source.second_hand
    wangma = next(c for c in by_dim["coordination"].cases if c.id == "wangma")
    assert [p.id for p in wangma.practices] == ["social-organization-linkage"]
    assert wangma.source.second_hand and wangma.source.thesis.zh == "山东省滨州市 L 街道"


def test_weak_means_below_the_pack_lowest_band_or_the_coded_weak_midpoint():
    outcome = benchmark(score_result(PACK4, {"a": 59.9, "b": 60, "c": 75, "d": 90}), [], PACK4)
    assert outcome.method.weak_below == 60
    assert [(d.id, d.weak, d.level) for d in outcome.community_dimensions] == [
        ("a", True, "weak"), ("b", False, "mixed"), ("c", False, "strength"), ("d", False, "strength")
    ]
    low_bands = [{"id": "pass", "min": 50, "label": {"zh": "合格", "en": "Pass"}},
                 {"id": "fail", "min": 0, "label": {"zh": "不合格", "en": "Fail"}}]
    lenient = small_pack(["a", "b", "c", "d"], low_bands)
    outcome = benchmark(score_result(lenient, {"a": 57, "b": 58, "c": 75, "d": 90}), [], lenient)
    assert outcome.method.weak_below == 57.5
    assert [d.weak for d in outcome.community_dimensions] == [True, False, False, False]


def test_no_weak_dimension_means_no_exemplars():
    outcome = benchmark(score_result(CORE, {d.id: 75.0 for d in CORE.dimensions}), load_cases(), CORE)
    assert outcome.exemplars == []
    assert "没有低于 60 分的维度" in "\n".join(benchmark_lines(outcome, "zh"))


# -- too little to compare -------------------------------------------------------------------------------------


def test_answers_too_sparse_give_a_message_and_no_ranking():
    scores = {"party-leadership": 40.0, "services": 70.0}
    outcome = benchmark(score_result(CORE, scores), load_cases(), CORE)
    assert not outcome.comparable
    assert outcome.nearest is None
    assert all(c.similarity is None for c in outcome.cases)
    assert "至少需要 3 个" in outcome.message.zh and "at least 3" in outcome.message.en
    assert [w.id for w in outcome.exemplars] == ["party-leadership"]  # the JSON keeps what is known
    unscored = [d.title.en for d in CORE.dimensions if d.id not in scores]
    assert outcome.message.en.endswith(f"Answer the questions of these dimensions first: {', '.join(unscored)}.")
    assert benchmark_lines(outcome, "en") == ["Benchmark against the thesis cases: 测试社区", "", outcome.message.en]


def test_with_nothing_scored_the_table_says_what_to_answer_and_nothing_else():
    outcome = benchmark(score_result(CORE, {}), load_cases(), CORE)
    text = "\n".join(benchmark_lines(outcome, "zh"))
    assert "只有 0 个维度" in text and "请先补充填写以下维度的题目：党组织引领与自身建设、" in text
    assert "—" not in text and "没有低于" not in text and "相似度" not in text


def test_dimensions_with_insufficient_data_count_as_unscored():
    scores = {"party-leadership": 40.0, "services": 70.0, "resources": 60.0}
    outcome = benchmark(score_result(CORE, scores, insufficient=frozenset({"resources"})), load_cases(), CORE)
    assert not outcome.comparable
    assert next(d for d in outcome.community_dimensions if d.id == "resources").score is None


def test_a_pack_without_the_core_dimension_ids_cannot_be_compared():
    foreign = small_pack(["x1", "x2", "x3", "x4"])
    outcome = benchmark(score_result(foreign, dict.fromkeys(["x1", "x2", "x3", "x4"], 70.0)), load_cases(), foreign)
    assert not outcome.comparable
    assert "core pack's dimension ids" in outcome.message.en


def test_scores_from_another_pack_are_refused():
    with pytest.raises(AssessError, match="same --pack"):
        benchmark(score_result(PACK4, dict.fromkeys("abcd", 70.0)), [], CORE)


# -- the published shape ---------------------------------------------------------------------------------------


def test_json_keeps_the_published_shape():
    scores = {d.id: 70.0 for d in CORE.dimensions} | {"innovation": 35.0}
    data = benchmark(score_result(CORE, scores), load_cases(), CORE).model_dump(mode="json")
    assert {"cases", "nearest", "exemplars", "method", "caveat", "comparable", "community"} <= set(data)
    first = data["cases"][0]
    assert {"id", "name", "source", "similarity", "dimensions", "reason"} <= set(first)
    assert set(first["dimensions"][0]) >= {
        "id", "community_score", "case_level", "case_estimate", "difference", "evidence"
    }
    assert data["nearest"]["id"] in {"wuling", "l-street", "x-community", "yingzi", "sanyuan"}
    assert data["exemplars"][0]["id"] == "innovation"
    assert data["method"]["estimates"] == {"strength": 80.0, "mixed": 65.0, "weak": 50.0}
    assert data["caveat"] == coding_scale().caveat.model_dump()
    assert data["caveat"]["zh"] == "依据论文摘要编码，非实测数据"
    json.dumps(data)


def test_the_table_shows_the_caveat_ranking_and_exemplars_in_either_language():
    scores = {d.id: 70.0 for d in CORE.dimensions} | {"innovation": 35.0}
    outcome = benchmark(score_result(CORE, scores), load_cases(), CORE)
    zh = "\n".join(benchmark_lines(outcome, "zh"))
    assert "依据论文摘要编码，非实测数据" in zh and "最相近的论文案例：" in zh
    assert "注入科技力量（科技赋能）" in zh
    en = "\n".join(benchmark_lines(outcome, "en"))
    assert "coded from the thesis abstract, not a measurement" in en
    assert "L Street, Binzhou (thesis)" in en


# -- command line ----------------------------------------------------------------------------------------------

CLI_PACK = """\
id: four
version: "1"
title: {zh: 四维度指标包, en: Four dimensions}
dimensions:
"""
for _dim in ("party-leadership", "participation", "resources", "innovation"):
    CLI_PACK += f"""\
  - id: {_dim}
    title: {{zh: {_dim}, en: {_dim}}}
    indicators:
      - id: {_dim}-i
        title: {{zh: 指标, en: Indicator}}
        sources:
          - {{seed: 004_6627220e668f044e.txt, evidence: "public cohesion"}}
        questions:
          - {{id: q-{_dim}, type: likert, title: {{zh: 评价, en: Rating}}}}
"""


def answers_file(write, values: dict[str, int]) -> str:
    write("four.yaml", CLI_PACK)
    lines = "\n".join(f"  q-{dim}: {value}" for dim, value in values.items())
    return str(write("answers.yaml", f"pack: four.yaml\ncommunity: {{name: 测试社区}}\nanswers:\n{lines}\n"))


def test_cli_benchmark_scores_the_answers_and_prints_json(runner, write):
    # likert 1..5 → 0..100: 5 → 100, 4 → 75, 3 → 50, 2 → 25
    path = answers_file(write, {"party-leadership": 4, "participation": 3, "resources": 2, "innovation": 2})
    result = runner.invoke(main, ["benchmark", path, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    scores = {d["id"]: d["score"] for d in data["community_dimensions"]}
    assert scores == {"party-leadership": 75.0, "participation": 50.0, "resources": 25.0, "innovation": 25.0}
    assert {w["id"] for w in data["exemplars"]} == {"participation", "resources", "innovation"}
    assert data["nearest"]["id"] in {"wuling", "l-street", "x-community", "yingzi", "sanyuan"}


def test_cli_benchmark_table_in_english(runner, write):
    path = answers_file(write, {"party-leadership": 4, "participation": 3, "resources": 2, "innovation": 2})
    result = runner.invoke(main, ["benchmark", path, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Nearest thesis case:" in result.output
    assert "Technology empowerment" in result.output


def test_cli_benchmark_with_too_few_answers_explains_and_exits_1(runner, write):
    path = answers_file(write, {"party-leadership": 4, "innovation": 2})
    result = runner.invoke(main, ["benchmark", path])
    assert result.exit_code == 1
    assert "至少需要 3 个" in result.output
    assert "最相近的论文案例" not in result.output


def test_cli_benchmark_of_a_missing_file_fails_cleanly(runner, tmp_path):
    result = runner.invoke(main, ["benchmark", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "nope.yaml" in result.output and "Traceback" not in result.output
