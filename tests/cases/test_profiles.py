"""Case profiles: the bundled profiles are complete and traceable, and broken profiles are reported well."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assess.cases.profiles import (
    CaseProfile,
    build_case,
    case_by_id,
    coding_scale,
    load_case_files,
    load_cases,
    practice,
    validate_case_files,
)
from assess.cli import main
from assess.errors import AssessError, ProblemsError
from assess.packs.loading import load_pack
from assess.packs.model import Pack
from assess.packs.theses import load_register
from assess.packs.yamlio import parse_yaml
from tests.conftest import SHARED_SEEDS, needs_abstracts

THESES = {"wuling", "l-street", "x-community", "yingzi", "sanyuan"}
EXEMPLARS = {"wuhu-road", "wangma", "typical-cases"}
# Practice ids the countermeasure library cites (see indicators/countermeasures.yaml).
REFERENCED_PRACTICES = {
    "sanyuan": {"one-committee-three-centres", "residents-night-talks", "in-service-volunteering"},
    "yingzi": {"cadres-face-to-face"},
    "l-street": {
        "core-role-of-party-organizations",
        "social-organization-participation",
        "mechanism-building",
        "technology-empowerment",
    },
    "x-community": {"environmental-transformation", "governance-structure-improvement", "resident-identity"},
    "wuhu-road": {"strengthen-party-leadership", "rooted-in-serving-people", "social-organization-linkage"},
    "wangma": {"strengthen-party-leadership", "rooted-in-serving-people", "social-organization-linkage"},
}


def normalized(text: str) -> str:
    return " ".join(text.lower().split())


def evidence_phrases(case: CaseProfile) -> list[tuple[str, str]]:
    """Every (where, phrase) a profile cites, so a failure names the claim that is not in the abstract."""
    found = [(f"practices.{p.id}", p.evidence) for p in case.practices]
    for section in ("problems", "causes", "countermeasures"):
        found += [(f"{section}.{i}", f.evidence) for i, f in enumerate(getattr(case, section))]
    found += [(f"levels.{dim}", phrase) for dim, coding in case.levels.items() for phrase in coding.evidence]
    return found


# -- the bundled profiles ------------------------------------------------------------------------------------


def test_all_five_theses_and_the_cited_exemplars_are_profiled():
    cases = {c.id: c for c in load_cases()}
    assert set(cases) == THESES | EXEMPLARS
    assert {c.id for c in cases.values() if c.kind == "thesis"} == THESES
    register = {t.id: t.file for t in load_register().theses}
    for case_id in THESES:
        assert cases[case_id].seed == register[case_id]


def test_exemplars_are_second_hand_and_name_the_thesis_that_cites_them():
    cases = {c.id: c for c in load_cases()}
    for case_id in EXEMPLARS:
        assert cases[case_id].second_hand and cases[case_id].kind == "exemplar"
    assert cases["wuhu-road"].seed == cases["wangma"].seed == cases["l-street"].seed
    assert cases["typical-cases"].seed == cases["wuling"].seed
    assert cases["wuhu-road"].name.zh == "合肥市包河区芜湖路街道"
    assert cases["wangma"].name.zh == "杭州市长庆街道王马社区"
    assert all(not cases[case_id].second_hand for case_id in THESES)


def test_every_profile_codes_every_core_dimension():
    core = [d.id for d in load_pack("core").pack.dimensions]
    for case in load_cases():
        assert sorted(case.levels) == sorted(core), case.id


def test_the_practices_the_countermeasure_library_cites_exist():
    for case_id, practice_ids in REFERENCED_PRACTICES.items():
        assert practice_ids <= {p.id for p in case_by_id(case_id).practices}, case_id


def test_named_practices_carry_their_chinese_names():
    assert practice("sanyuan", "one-committee-three-centres").name.zh == "“一委三中心”"
    assert practice("sanyuan", "residents-night-talks").name.zh == "“居民夜话”"
    assert practice("sanyuan", "in-service-volunteering").name.zh == "在职党员进社区志愿服务"
    assert "千名干部面对面服务群众" in practice("yingzi", "cadres-face-to-face").name.zh


@needs_abstracts
def test_every_evidence_phrase_appears_verbatim_in_the_abstract_of_its_seed():
    missing = []
    for case in load_cases():
        abstract = normalized((SHARED_SEEDS / case.seed).read_text(encoding="utf-8"))
        for where, phrase in evidence_phrases(case):
            if normalized(phrase) not in abstract:
                missing.append((case.id, where, phrase))
    assert missing == []


def test_levels_are_justified_and_not_reported_is_used_where_the_abstract_is_silent():
    for case in load_cases():
        for dim, coding in case.levels.items():
            assert (coding.level == "not_reported") == (not coding.evidence), (case.id, dim)
    # spot checks of the coding against the abstracts
    assert case_by_id("l-street").levels["innovation"].level == "strength"
    assert case_by_id("sanyuan").levels["law-virtue"].level == "weak"
    assert case_by_id("x-community").levels["evaluation"].level == "not_reported"


def test_lookups_of_unknown_ids_suggest_the_nearest():
    with pytest.raises(AssessError, match="did you mean sanyuan"):
        case_by_id("sanyuen")
    with pytest.raises(AssessError, match="did you mean residents-night-talks"):
        practice("sanyuan", "resident-night-talks")


def test_the_coding_scale_is_ordered_and_carries_its_caveat():
    scale = coding_scale()
    assert scale.estimates == {"strength": 80, "mixed": 65, "weak": 50}
    assert scale.caveat.zh == "依据论文摘要编码，非实测数据"
    assert "not a measurement" in scale.caveat.en
    assert [scale.classify(s) for s in (0, 57.4, 57.5, 72.4, 72.5, 100)] == [
        "weak", "weak", "mixed", "mixed", "strength", "strength"
    ]


# -- broken profiles -------------------------------------------------------------------------------------------

SMALL_PACK = Pack.model_validate(
    {
        "id": "small",
        "version": "1",
        "title": {"zh": "小指标包", "en": "Small pack"},
        "dimensions": [
            {
                "id": dim,
                "title": {"zh": dim, "en": dim},
                "indicators": [
                    {
                        "id": ind,
                        "title": {"zh": ind, "en": ind},
                        "sources": [{"seed": "004_6627220e668f044e.txt", "evidence": "residents’ night talks"}],
                        "questions": [{"id": f"q-{ind}", "type": "yes_no", "title": {"zh": "题", "en": "Q"}}],
                    }
                    for ind in inds
                ],
            }
            for dim, inds in (("party-leadership", ["org-coverage"]), ("services", ["staffing", "infrastructure"]))
        ],
    }
)

GOOD_CASE = """\
id: sanyuan
kind: thesis
seed: 004_6627220e668f044e.txt
second_hand: false
name: {zh: 三元区, en: Sanyuan}
place: {}
context: {zh: 城区社区, en: Urban}
theories: {zh: 元治理, en: Meta-governance}
methods: {zh: 访谈, en: Interviews}
practices:
  - id: night-talks
    name: {zh: 居民夜话, en: Night talks}
    description: {zh: 晚间议事, en: Evening meetings}
    dimensions: [services]
    evidence: "residents’ night talks"
levels:
  party-leadership: {level: mixed, evidence: "noticeable results in political guidance"}
  services: {level: not_reported}
"""


def build(text: str) -> CaseProfile:
    return build_case(parse_yaml(text, "case.yaml"), SMALL_PACK)


def problems_of(text: str) -> list[str]:
    with pytest.raises(ProblemsError) as caught:
        build(text)
    return [str(p) for p in caught.value.problems]


def test_a_well_formed_profile_builds():
    case = build(GOOD_CASE)
    assert case.practices[0].id == "night-talks"
    assert case.coded("services") is None
    assert case.coded("party-leadership").level == "mixed"


def test_an_unknown_dimension_is_reported_with_its_line_and_a_suggestion():
    text = GOOD_CASE.replace("    dimensions: [services]", "    dimensions: [service]")
    assert problems_of(text) == [
        "case.yaml:14: practices.0.dimensions.0: unknown dimension 'service'; did you mean services?"
    ]


def test_an_unknown_indicator_and_one_outside_the_listed_dimensions():
    linked = "    dimensions: [services]\n    indicators: [stafing, org-coverage]"
    text = GOOD_CASE.replace("    dimensions: [services]", linked)
    found = problems_of(text)
    assert found[0] == "case.yaml:15: practices.0.indicators.0: unknown indicator 'stafing'; did you mean staffing?"
    assert found[1].startswith("case.yaml:15: practices.0.indicators.1: indicator 'org-coverage' belongs to dimension")


def test_a_level_outside_the_scale_names_the_allowed_levels():
    text = GOOD_CASE.replace("{level: mixed,", "{level: excellent,")
    (found,) = problems_of(text)
    assert found.startswith("case.yaml:17: levels.party-leadership.level:")
    assert all(level in found for level in ("strength", "mixed", "weak", "not_reported"))


def test_a_coded_level_without_evidence_is_refused():
    text = GOOD_CASE.replace('{level: mixed, evidence: "noticeable results in political guidance"}', "{level: weak}")
    (found,) = problems_of(text)
    assert found.startswith("case.yaml:17: levels.party-leadership:")
    assert "needs an evidence phrase" in found


def test_a_missing_dimension_and_an_unknown_one_in_levels():
    text = GOOD_CASE.replace("  services: {level: not_reported}", "  servces: {level: not_reported}")
    found = problems_of(text)
    assert "case.yaml:18: levels.servces: unknown dimension 'servces'; did you mean services?" in found
    assert any("no level for dimension 'services'" in p for p in found)


def test_type_errors_and_unknown_ids_are_reported_in_one_run():
    text = (
        GOOD_CASE.replace("second_hand: false", "second_hand: maybe")
        .replace("{level: mixed,", "{level: excellent,")
        .replace("    dimensions: [services]", "    dimensions: [service]\n    indicators: [stafing]")
        .replace("  services: {level: not_reported}", "  servces: {level: not_reported}")
    )
    with pytest.raises(ProblemsError) as caught:
        build(text)
    assert {(p.line, p.field) for p in caught.value.problems} == {
        (4, "second_hand"),  # type errors ...
        (18, "levels.party-leadership.level"),
        (14, "practices.0.dimensions.0"),  # ... and unknown ids, found in the same run
        (15, "practices.0.indicators.0"),
        (19, "levels.servces"),
        (17, "levels"),  # no level for 'services'
    }


def test_unknown_ids_are_found_beside_values_of_the_wrong_type():
    text = GOOD_CASE.replace("    dimensions: [services]", "    dimensions: [7, servics]")
    found = problems_of(text)
    assert any(p.startswith("case.yaml:14: practices.0.dimensions.0:") for p in found)  # 7 is not an id
    assert "case.yaml:14: practices.0.dimensions.1: unknown dimension 'servics'; did you mean services?" in found


def test_an_unknown_seed_and_a_thesis_id_that_does_not_match_its_seed():
    assert problems_of(GOOD_CASE.replace("seed: 004_6627220e668f044e.txt", "seed: 009_0000000000000000.txt")) == [
        "case.yaml:3: seed: unknown thesis '009_0000000000000000.txt'; allowed: 000_4794f8544b023cf5.txt, "
        "001_3fbd8820c1bf788a.txt, 002_180d2bc76172f247.txt, 003_97ebc8ff761865b7.txt, 004_6627220e668f044e.txt"
    ]
    (found,) = problems_of(GOOD_CASE.replace("id: sanyuan", "id: sanming"))
    assert found == (
        "case.yaml:1: id: a thesis case takes the register id of its seed: 'sanyuan' for 004_6627220e668f044e.txt"
    )


def test_an_exemplar_must_be_second_hand():
    text = GOOD_CASE.replace("id: sanyuan", "id: wuhu-road").replace("kind: thesis", "kind: exemplar")
    (found,) = problems_of(text)
    assert "second_hand: true" in found


def test_a_duplicate_practice_id_in_one_profile():
    practice_block = GOOD_CASE[GOOD_CASE.index("  - id: night-talks") : GOOD_CASE.index("levels:")]
    text = GOOD_CASE.replace("levels:", practice_block + "levels:")
    (found,) = problems_of(text)
    assert found == "case.yaml:16: practices.1.id: duplicate practice id 'night-talks' (see practices.0)"


def test_a_duplicate_case_id_across_files_and_a_file_not_named_after_its_id(write):
    first = write("cases/sanyuan.yaml", GOOD_CASE)
    second = write("cases/copy.yaml", GOOD_CASE)
    cases, problems = load_case_files([first, second], SMALL_PACK, named_by_id=True)
    assert [c.id for c in cases] == ["sanyuan"]
    assert [str(p) for p in problems] == [f"{second}:1: id: duplicate case id 'sanyuan' (also in {first})"]
    _, problems = load_case_files([second], SMALL_PACK, named_by_id=True)
    assert "name the file sanyuan.yaml" in str(problems[0])


def test_all_problems_of_several_files_are_collected(write):
    bad_yaml = write("bad.yaml", "id: [unclosed\n")
    not_mapping = write("list.yaml", "- a\n- b\n")
    _, problems = load_case_files([bad_yaml, not_mapping], SMALL_PACK)
    assert [(Path(p.file).name, p.line) for p in problems] == [("bad.yaml", 2), ("list.yaml", 1)]
    assert "not valid YAML" in problems[0].message


def test_validate_case_files_checks_against_the_core_pack(write):
    path = write("mine.yaml", GOOD_CASE)
    problems = validate_case_files([path])
    assert any("no level for dimension 'participation'" in p.message for p in problems)


# -- command line --------------------------------------------------------------------------------------------


def test_cases_list_prints_every_case_with_the_caveat(runner):
    result = runner.invoke(main, ["cases", "list"])
    assert result.exit_code == 0, result.output
    for case_id in THESES | EXEMPLARS:
        assert f"{case_id}: " in result.output
    assert "依据论文摘要编码，非实测数据" in result.output
    english = runner.invoke(main, ["cases", "list", "--lang", "en"])
    assert "Sanyuan District, Sanming (thesis)" in english.output
    assert "coded from the thesis abstract, not a measurement" in english.output


def test_cases_list_names_practices_in_the_output_language(runner):
    chinese = runner.invoke(main, ["cases", "list"]).output
    assert "做法及成效：“一委三中心” (one-committee-three-centres)、“居民夜话” (residents-night-talks)" in chinese
    english = runner.invoke(main, ["cases", "list", "--lang", "en"]).output
    assert "Residents' night talks (residents-night-talks)" in english


def test_cases_show_names_linked_dimensions_and_indicators_by_title(runner):
    chinese = runner.invoke(main, ["cases", "show", "sanyuan"]).output
    links = "维度：居民参与与自治 (participation)、多元主体协同 (coordination)；指标：参与渠道 (participation-channels)"
    assert links in chinese
    assert "- “居民夜话” (residents-night-talks) — " in chinese
    english = runner.invoke(main, ["cases", "show", "sanyuan", "--lang", "en"]).output
    assert "dimensions: Resident participation and self-governance (participation)" in english


def test_cases_list_json_has_every_profile_with_estimates(runner):
    result = runner.invoke(main, ["cases", "list", "--format", "json"])
    data = json.loads(result.output)
    by_id = {c["id"]: c for c in data["cases"]}
    assert set(by_id) == THESES | EXEMPLARS
    assert by_id["l-street"]["levels"]["innovation"] == {
        "level": "strength",
        "evidence": ["inject scientific and technological forces"],
        "note": by_id["l-street"]["levels"]["innovation"]["note"],
        "estimate": 80.0,
    }
    assert by_id["l-street"]["levels"]["services"]["estimate"] is None
    assert by_id["sanyuan"]["caveat"]["en"] == "coded from the thesis abstract, not a measurement"


def test_cases_show_prints_practices_findings_and_evidence(runner):
    result = runner.invoke(main, ["cases", "show", "sanyuan"])
    assert result.exit_code == 0, result.output
    assert "“一委三中心”" in result.output
    assert "“the insufficient innovation capability of Party building”" in result.output
    assert "法治与德治 (law-virtue): 薄弱 = 50" in result.output
    english = runner.invoke(main, ["cases", "show", "wangma", "--lang", "en"])
    assert "second-hand: known only from this thesis citing it" in english.output
    assert "Coordination among multiple actors (coordination): strength = 80" in english.output


def test_cases_show_of_an_unknown_id_fails_cleanly(runner):
    result = runner.invoke(main, ["cases", "show", "wangmaa"])
    assert result.exit_code == 1
    assert "did you mean wangma" in result.output
    assert "Traceback" not in result.output


def test_indicators_validate_checks_a_case_profile_given_as_a_path(runner, write):
    path = write("broken-case.yaml", GOOD_CASE.replace("    dimensions: [services]", "    dimensions: [servics]"))
    result = runner.invoke(main, ["indicators", "validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}:14: practices.0.dimensions.0: unknown dimension 'servics'; did you mean services?" in result.output


def test_indicators_validate_also_checks_the_bundled_profiles(runner):
    result = runner.invoke(main, ["indicators", "validate", str(load_pack("core").file)])
    assert result.exit_code == 0, result.output
    assert "8 bundled case profiles" in result.output


def test_indicators_validate_reports_a_broken_bundled_profile(runner, write, monkeypatch):
    import assess.cases.profiles as profiles

    broken = write("cases/sanyuan.yaml", GOOD_CASE.replace("{level: mixed,", "{level: strong,"))
    monkeypatch.setattr(profiles, "bundled_case_files", lambda: [broken])
    profiles._bundled_cases.cache_clear()
    try:
        result = runner.invoke(main, ["indicators", "validate", str(load_pack("core").file)])
    finally:
        profiles._bundled_cases.cache_clear()
    assert result.exit_code == 1
    assert f"{broken}:17: levels.party-leadership.level: 应为以下之一：'strength'" in result.output
