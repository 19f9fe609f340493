"""Recommendations: the priority formula on hand-computed numbers, the plan's shape, sparse and strong
communities, the bundled library on the core pack, and `assess recommend`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from assess.actions.library import Countermeasure, CountermeasureSource, Library, PracticeNote, load_library
from assess.actions.recommend import EFFORT_FACTORS, plan_lines, recommend
from assess.cli import main
from assess.errors import AssessError
from assess.packs.building import build_pack
from assess.packs.loading import load_pack
from assess.packs.model import Pack, Text
from assess.packs.yamlio import parse_yaml
from assess.report.data import build_report
from assess.responses.answer_file import Community
from assess.scoring.results import DimensionScore, IndicatorScore, Method, Overall, PackRef, ScoreResult
from tests.conftest import MINIMAL_PACK, REPO, WITHOUT_INNOVATION

SEED = "004_6627220e668f044e.txt"
ANSWERS = str(REPO / "tests" / "data" / "countermeasures" / "community" / "answers.yaml")  # fictional
MINI = build_pack(parse_yaml(MINIMAL_PACK, "mini.yaml"))


def make_result(
    rows: list[tuple[str, str, float | None, float, float]], pack_id: str = "mini", insufficient: tuple[str, ...] = ()
) -> ScoreResult:
    """A ScoreResult as scoring publishes it, from rows of (indicator, dimension, score, weight, target)."""
    indicators = [
        IndicatorScore(
            id=ind, dimension=dim, title=Text(zh=f"指标{ind}", en=f"Indicator {ind}"), score=score, weight=weight,
            answered=score is not None, coverage=1.0 if score is not None else 0.0, target=target,
            gap=None if score is None else round(max(target - score, 0.0), 2),
        )
        for ind, dim, score, weight, target in rows
    ]
    dimensions = []
    for dim in dict.fromkeys(row[1] for row in rows):
        scores = [i.score for i in indicators if i.dimension == dim and i.score is not None]
        dimensions.append(
            DimensionScore(
                id=dim, title=Text(zh=f"维度{dim}", en=f"Dimension {dim}"),
                score=sum(scores) / len(scores) if scores else None, weight=0.0, coverage=1.0 if scores else 0.0,
                grade=None, grade_label=None, insufficient_data=not scores or dim in insufficient,
            )
        )
    return ScoreResult(
        community=Community(name="测试社区"),
        assessed_on=None,
        pack=PackRef(id=pack_id, version="1", hash="0" * 16, file=f"{pack_id}.yaml"),
        method=Method(weights="declared"),
        respondents=0,
        overall=Overall(score=70.0, grade="good", grade_label=Text(zh="良好", en="Good"), coverage=1.0),
        dimensions=dimensions,
        indicators=indicators,
        questions=[],
    )


def measure(mid: str, indicators: list[str], effort: str = "low", horizon: str = "short", **extra) -> Countermeasure:
    return Countermeasure(
        id=mid,
        title=Text(zh=f"对策{mid}", en=f"Action {mid}"),
        description=Text(zh="社区党组织牵头落实。", en="The community Party organization leads."),
        indicators=indicators,
        actors=["community-party-branch"],
        horizon=horizon,
        effort=effort,
        sources=extra.pop("sources", [CountermeasureSource(seed=SEED, evidence="residents’ night talks")]),
        **extra,
    )


def library(*measures: Countermeasure, practices: dict[str, PracticeNote] | None = None) -> Library:
    return Library(countermeasures=list(measures), files=["test"], practices=practices or {})


# a: gap 25 × weight 0.2 = 5.0 points;  b: gap 10 × 0.1 = 1.0;  e: gap 0.5 × 0.4 = 0.2;  c is above target;
# d is unanswered. Three dimensions are scored, so the answers are not too sparse.
ROWS = [
    ("a", "lead", 60.0, 0.2, 85.0),
    ("b", "part", 70.0, 0.1, 80.0),
    ("c", "part", 90.0, 0.3, 85.0),
    ("d", "serv", None, 0.0, 85.0),
    ("e", "serv", 84.5, 0.4, 85.0),
]
GOLDEN_LIBRARY = library(
    measure("x", ["a", "b"], effort="medium"),  # 0.75 × (5.0 + 1.0) = 4.5
    measure("w", ["a"], effort="high", horizon="long"),  # 0.5 × 5.0 = 2.5
    measure("y", ["b", "c"], effort="low", horizon="medium"),  # 1.0 × 1.0 (c is not weak) = 1.0
    measure("v", ["e", "d"], effort="low"),  # 1.0 × 0.2 (d is unanswered) = 0.2
    measure("z", ["c"], effort="low"),  # nothing weak: not recommended
)


def test_priority_golden_numbers():
    plan = recommend(make_result(ROWS), GOLDEN_LIBRARY, MINI)
    assert plan.status == "ok"
    assert [(a.id, a.priority, a.points) for a in plan.actions] == [
        ("x", 4.5, 6.0),
        ("w", 2.5, 5.0),
        ("y", 1.0, 1.0),
        ("v", 0.2, 0.2),
    ]
    assert [a.rank for a in plan.actions] == [1, 2, 3, 4]
    assert plan.candidates == 4


def test_each_action_lists_the_weak_indicators_it_addresses_with_score_target_and_gap():
    plan = recommend(make_result(ROWS), GOLDEN_LIBRARY, MINI)
    x = plan.actions[0]
    assert [(a.indicator, a.score, a.target, a.gap, a.points) for a in x.addresses] == [
        ("a", 60.0, 85.0, 25.0, 5.0),
        ("b", 70.0, 80.0, 10.0, 1.0),
    ]
    assert x.effort_factor == EFFORT_FACTORS["medium"] == 0.75
    assert [a.indicator for a in plan.actions[2].addresses] == ["b"]  # c is above target, so not a reason


def test_weak_indicators_are_those_answered_below_target_largest_loss_first():
    plan = recommend(make_result(ROWS), GOLDEN_LIBRARY, MINI)
    assert [(w.indicator, w.points) for w in plan.weak] == [("a", 5.0), ("b", 1.0), ("e", 0.2)]


def test_equal_priority_goes_to_the_lower_effort():
    rows = [("f", "lead", 65.0, 0.1, 85.0), ("g", "part", 75.0, 0.15, 85.0), ("h", "serv", 90.0, 0.75, 85.0)]
    # a-medium: 0.75 × (0.1 × 20) = 1.5;  z-low: 1.0 × (0.15 × 10) = 1.5
    plan = recommend(make_result(rows), library(measure("a-medium", ["f"], "medium"), measure("z-low", ["g"])), MINI)
    assert [(a.id, a.priority) for a in plan.actions] == [("z-low", 1.5), ("a-medium", 1.5)]


def test_top_keeps_the_best_and_groups_them_by_horizon():
    plan = recommend(make_result(ROWS), GOLDEN_LIBRARY, MINI, top=3)
    assert [a.id for a in plan.actions] == ["x", "w", "y"]
    assert plan.candidates == 4
    assert [(g.horizon, g.actions) for g in plan.by_horizon] == [("short", ["x"]), ("medium", ["y"]), ("long", ["w"])]


def test_json_shape():
    data = recommend(make_result(ROWS), GOLDEN_LIBRARY, MINI).model_dump(mode="json")
    action = data["actions"][0]
    for key in ("id", "title", "priority", "addresses", "horizon", "effort", "actors", "sources", "rationale"):
        assert key in action
    assert set(action["addresses"][0]) >= {"indicator", "score", "target", "gap"}
    assert action["sources"][0]["evidence"] == "residents’ night talks"
    assert {"by_horizon", "method", "status", "weak", "unaddressed"} <= set(data)
    assert data["method"]["effort_factors"] == {"low": 1.0, "medium": 0.75, "high": 0.5}
    json.dumps(data)


def test_rationale_names_gaps_and_the_case_result():
    practices = {
        "sanyuan/residents-night-talks": PracticeNote(
            case="sanyuan", practice="residents-night-talks", case_title=Text(zh="三明市三元区", en="Sanyuan"),
            practice_title=Text(zh="“居民夜话”", en="Residents' night talks"),
            results=Text(zh="协调群众利益取得明显成效。", en="Noticeable results in coordinating interests."),
        )
    }
    source = CountermeasureSource(case="sanyuan", practice="residents-night-talks")
    lib = library(measure("talks", ["a"], sources=[source]), practices=practices)
    action = recommend(make_result(ROWS), lib, MINI).actions[0]
    assert "指标a 60.0 分，低于目标 85 分 25.0 分" in action.rationale.zh
    assert "三明市三元区“居民夜话”的成效：协调群众利益取得明显成效。" in action.rationale.zh
    assert "Indicator a 60.0, 25.0 below its target of 85" in action.rationale.en
    assert "Noticeable results in coordinating interests." in action.rationale.en
    assert action.sources[0].results is not None


def test_weak_indicators_no_action_addresses_are_listed():
    plan = recommend(make_result(ROWS), library(measure("x", ["a"])), MINI)
    assert plan.unaddressed == ["b", "e"]


def test_too_few_scored_dimensions_gives_a_message_not_a_ranking():
    plan = recommend(make_result(ROWS, insufficient=("serv",)), GOLDEN_LIBRARY, MINI)
    assert plan.status == "insufficient-data"
    assert plan.actions == [] and plan.by_horizon == []
    assert "只有 2 个维度有足够的回答" in plan.message.zh
    assert "维度serv" in plan.message.zh and "Dimension serv" in plan.message.en


def test_nothing_weak_is_said_plainly():
    rows = [("a", "lead", 90.0, 0.5, 85.0), ("b", "part", 85.0, 0.25, 85.0), ("c", "serv", 99.0, 0.25, 85.0)]
    plan = recommend(make_result(rows), GOLDEN_LIBRARY, MINI)
    assert plan.status == "nothing-weak"
    assert plan.actions == []
    assert plan.message.zh.startswith("所有已作答的指标都达到了目标值")
    assert plan_lines(plan, "en")[-1].startswith("Every answered indicator meets its target")


def test_scores_from_another_pack_are_refused():
    with pytest.raises(AssessError, match="pack 'other'"):
        recommend(make_result(ROWS, pack_id="other"), GOLDEN_LIBRARY, MINI)


def test_plan_as_text_groups_by_horizon_in_the_chosen_language():
    plan = recommend(make_result(ROWS), GOLDEN_LIBRARY, MINI)
    zh = plan_lines(plan, "zh")
    assert zh.index("【近期（6个月内）】") < zh.index("【中期（2年内）】") < zh.index("【长期（2年以上）】")
    en = "\n".join(plan_lines(plan, "en"))
    assert "Action x  [priority 4.50 · medium effort · who: Community Party organization]" in en
    assert "近期" not in en


# -- the bundled library on the core pack ----------------------------------------------------------------


@pytest.fixture(scope="module")
def core() -> Pack:
    return load_pack("core").pack


def core_result(core: Pack, scores: dict[str, float]) -> ScoreResult:
    """The core pack scored with declared weights, every indicator answered with the given dimension scores."""
    total = sum(d.weight for d in core.dimensions)
    rows = []
    for dim in core.dimensions:
        within = sum(i.weight for i in dim.indicators)
        for ind in dim.indicators:
            weight = dim.weight / total * ind.weight / within
            rows.append((ind.id, dim.id, scores[dim.id], weight, core.target_of(ind)))
    return make_result(rows, pack_id=core.id)


@pytest.mark.parametrize(
    "weak_dimension",
    ["party-leadership", "participation", "resources", "services", "coordination", "evaluation", "innovation",
     "law-virtue"],
)
def test_a_community_weak_in_one_dimension_gets_top_actions_for_that_dimension(core: Pack, weak_dimension: str):
    # every other dimension sits just below target, so actions for them compete, but with much smaller gaps
    scores = {d.id: 40.0 if d.id == weak_dimension else 82.0 for d in core.dimensions}
    plan = recommend(core_result(core, scores), load_library(None, core), core, top=5)
    assert len(plan.actions) == 5
    for action in plan.actions:
        assert weak_dimension in {a.dimension for a in action.addresses}, action.id


# -- the command ------------------------------------------------------------------------------------------


def test_command_json_priorities_follow_the_published_scores(runner, write):
    answers = ANSWERS
    residents = str(write("residents.csv", "respondent_id,q-know-party-group,q-party-org-leads\nc1,2,1\nc2,1,2\n"))
    scored = runner.invoke(main, ["score", answers, "--respondents", residents, "--format", "json"])
    assert scored.exit_code == 0, scored.output
    indicators = {i["id"]: i for i in json.loads(scored.output)["indicators"]}
    run = runner.invoke(main, ["recommend", answers, "--respondents", residents, "--format", "json", "--top", "6"])
    assert run.exit_code == 0, run.output
    plan = json.loads(run.output)
    assert len(plan["actions"]) == 6
    priorities = [a["priority"] for a in plan["actions"]]
    assert priorities == sorted(priorities, reverse=True)
    for action in plan["actions"]:
        published = [indicators[a["indicator"]] for a in action["addresses"]]
        points = sum(i["weight"] * i["gap"] for i in published)
        assert action["priority"] == pytest.approx(EFFORT_FACTORS[action["effort"]] * points, abs=1e-3)
    grouped = [i for group in plan["by_horizon"] for i in group["actions"]]
    assert sorted(grouped) == sorted(a["id"] for a in plan["actions"])


def test_command_table_in_english(runner):
    run = runner.invoke(main, ["recommend", ANSWERS, "--top", "3", "--lang", "en"])
    assert run.exit_code == 0, run.output
    assert "Actions (by horizon, highest priority first)  showing 3 of" in run.output
    assert "Why: Addresses weak indicators:" in run.output


def test_command_with_a_district_library_overriding_an_action(runner, write):
    library_file = write(
        "district.yaml",
        """\
        countermeasures:
          - id: three-lists
            title: {zh: 本区“三张清单”升级版, en: Our own three lists}
            description: {zh: 街道党工委每季度召开一次清单对接会。, en: The sub-district matches lists quarterly.}
            indicators: [resource-matching, demand-matching, unit-coordination]
            actors: [street-party-committee]
            horizon: short
            effort: low
            sources:
              - {seed: 002_180d2bc76172f247.txt, evidence: "Party building leading resource link"}
        """,
    )
    args = ["recommend", ANSWERS, "--format", "json", "--library", str(library_file)]
    run = runner.invoke(main, args)
    assert run.exit_code == 0, run.output
    plan = json.loads(run.output)
    three_lists = next(a for a in plan["actions"] if a["id"] == "three-lists")
    assert three_lists["title"]["zh"] == "本区“三张清单”升级版"
    assert three_lists["effort"] == "low"
    assert plan["library"][-1] == str(library_file)


def test_command_reports_a_bad_library_with_file_line_and_field(runner, write):
    library_file = write(
        "district.yaml",
        """\
        countermeasures:
          - id: night-talks
            title: {zh: 夜话, en: Night talks}
            description: {zh: 每月一次。, en: Monthly.}
            indicators: [participation-chanels]
            actors: [community-party-branch]
            horizon: soon
            effort: low
            sources:
              - {case: sanyuan, practice: residents-night-talks}
        """,
    )
    run = runner.invoke(main, ["recommend", ANSWERS, "--library", str(library_file)])
    assert run.exit_code == 1
    assert f"{library_file}:7: countermeasures.0.horizon: " in run.output
    assert "must be one of 'short', 'medium' or 'long' (got 'soon')" in run.output
    assert "Traceback" not in run.output


def test_command_refuses_to_rank_sparse_answers(runner, write):
    answers = write(
        "answers.yaml",
        """\
        pack: core
        community: {name: 试点社区}
        answers:
          q-grid-party-coverage: 75
          q-training-hours: 24
        """,
    )
    run = runner.invoke(main, ["recommend", str(answers)])
    assert run.exit_code == 1
    assert "至少需要 3 个才能比较各项差距" in run.stderr
    assert "    覆盖率: " in run.stderr.splitlines()[0]  # the overall score of a few answers says how few
    assert run.stdout == ""
    as_json = runner.invoke(main, ["recommend", str(answers), "--format", "json"])
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["status"] == "insufficient-data"


def test_command_help_has_an_example(runner):
    run = runner.invoke(main, ["recommend", "-h"])
    assert run.exit_code == 0
    assert "Example: assess recommend" in run.output



# -- a district pack that removes inherited indicators -----------------------------------------------------



def district_answers(write, pack_file: str, pack: Pack) -> str:
    """The test community's answers, less those to questions the district pack removed."""
    data = yaml.safe_load(Path(ANSWERS).read_text(encoding="utf-8"))
    kept = {q.id for _, _, q in pack.questions()}
    data["pack"] = pack_file
    for entry in [data, *data.get("respondents", [])]:
        entry["answers"] = {qid: value for qid, value in entry["answers"].items() if qid in kept}
    return str(write("district-answers.yaml", yaml.safe_dump(data, allow_unicode=True)))


def test_command_with_a_pack_that_removes_inherited_indicators_fits_the_bundled_library(runner, write):
    pack = load_pack(write("no-innovation.yaml", WITHOUT_INNOVATION)).pack
    answers = district_answers(write, "no-innovation.yaml", pack)
    run = runner.invoke(main, ["recommend", answers, "--format", "json"])
    assert run.exit_code == 0, run.output
    plan = json.loads(run.output)
    core = load_library(None, load_pack("core").pack)
    innovation = {ind.id for dim, ind in load_pack("core").pack.indicators() if dim.id == "innovation"}
    assert plan["dropped"] == [c.id for c in core.countermeasures if set(c.indicators) <= innovation]
    assert plan["actions"] and all(a["indicator"] not in innovation for x in plan["actions"] for a in x["addresses"])
    table = runner.invoke(main, ["recommend", answers, "--lang", "en"])
    assert f"{len(plan['dropped'])} of its actions address only indicators that pack 'no-innovation'" in table.output


def test_command_checks_a_district_library_strictly_against_a_district_pack(runner, write):
    pack = load_pack(write("no-innovation.yaml", WITHOUT_INNOVATION)).pack
    answers = district_answers(write, "no-innovation.yaml", pack)
    library_file = write("district.yaml", DISTRICT_SMART_LIBRARY)
    run = runner.invoke(main, ["recommend", answers, "--library", str(library_file)])
    assert run.exit_code == 1
    where = f"{library_file}:5: countermeasures.0.indicators.0:"
    assert f"{where} 指标包中没有此指标 / unknown indicator 'smart-platform'" in run.output


DISTRICT_SMART_LIBRARY = """\
countermeasures:
  - id: district-app
    title: {zh: 区级应用, en: District app}
    description: {zh: 社区党组织推广区级应用。, en: The community Party organization promotes the app.}
    indicators: [smart-platform]
    actors: [community-party-branch]
    horizon: short
    effort: low
    sources:
      - {seed: 001_3fbd8820c1bf788a.txt, evidence: "inject scientific and technological forces"}
"""


def kuangqu_answers(write) -> str:
    """The test community answering the example district pack, its resettlement services well below target."""
    pack = load_pack("kuangqu-demo").pack
    path = district_answers(write, "kuangqu-demo", pack)
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    data["answers"].update({"q-resettled-ledger-share": 45, "q-resettlement-desk": False})
    return str(write("kuangqu-answers.yaml", yaml.safe_dump(data, allow_unicode=True)))


def test_recommend_and_report_load_the_library_the_district_pack_names(runner, write):
    answers = kuangqu_answers(write)
    run = runner.invoke(main, ["recommend", answers, "--format", "json"])
    assert run.exit_code == 0, run.output
    plan = json.loads(run.output)
    example_library = str(REPO / "indicators" / "examples" / "kuangqu-demo-countermeasures.yaml")
    assert plan["library"][1:] == [example_library]
    local = [a["id"] for a in plan["actions"] if "subsidence-resettlement" in {x["indicator"] for x in a["addresses"]}]
    assert "resettled-household-ledger" in local and "subsidence-resettlement" in local
    assert build_report(answers).plan.library == plan["library"]


def test_actions_are_numbered_in_the_order_printed(runner, tmp_path):
    """Grouping by horizon reorders the priority ranks; the numbers a reader sees still run 1, 2, 3 …"""
    import re
    from pathlib import Path

    from assess.cli import main

    example = Path(__file__).parents[2] / "examples" / "old-community"
    args = [str(example / "answers.yaml"), "--respondents", str(example / "residents.csv")]
    table = runner.invoke(main, ["recommend", *args])
    numbers = [int(n) for n in re.findall(r"^\s*(\d+)\. ", table.output, flags=re.M)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5
    out = tmp_path / "r.html"
    assert runner.invoke(main, ["report", *args, "-o", str(out)]).exit_code == 0
    printed = [int(n) for n in re.findall(r'<span class="rank">(\d+)</span>', out.read_text(encoding="utf-8"))]
    assert printed == list(range(1, len(printed) + 1)) and len(printed) >= 5


def test_a_countermeasure_for_some_kinds_of_community_is_offered_only_to_them():
    """Issue (context): resettlement in a coal-subsidence area is not recommended to a commercial estate."""
    from assess.actions.library import load_library
    from assess.actions.recommend import recommend
    from assess.packs.loading import load_pack
    from assess.scoring.score import score_file

    examples = Path(__file__).parents[2] / "examples"
    pack = load_pack("core").pack
    library = load_library(None, pack)
    assert next(m for m in library.countermeasures if m.id == "subsidence-resettlement").contexts == [
        "mining", "resettlement"]
    mining = score_file(examples / "mining-district" / "answers.yaml", examples / "mining-district" / "residents.csv")
    assert pack.kind_of(mining.community.type).id == "mining"
    commercial = mining.model_copy(update={"community": mining.community.model_copy(update={"type": "商品房小区"})})
    unknown = mining.model_copy(update={"community": mining.community.model_copy(update={"type": None})})
    ids = {name: {a.id for a in recommend(r, library, pack).actions}
           for name, r in (("mining", mining), ("commercial", commercial), ("unknown", unknown))}
    assert "subsidence-resettlement" in ids["mining"]
    assert "subsidence-resettlement" not in ids["commercial"] and "subsidence-resettlement" not in ids["unknown"]
    assert ids["commercial"] == ids["mining"] - {"subsidence-resettlement"}


def test_kinds_of_community_are_named_by_label_alias_or_id():
    from assess.packs.loading import load_pack

    pack = load_pack("core").pack
    assert pack.kind_of("工矿区社区").id == "mining" and pack.kind_of("老旧小区").id == "old-estate"
    assert pack.kind_of("Urban village").id == "urban-village" and pack.kind_of("commercial").id == "commercial"
    assert pack.kind_of("月球基地") is None and pack.kind_of(None) is None
