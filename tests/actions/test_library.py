"""The countermeasure library: the bundled content, validation messages (file, line, field), districts'
additions and replacements, and `assess indicators validate` on library files."""

from __future__ import annotations

import typing
from collections import Counter
from pathlib import Path

import pytest

from assess.actions.library import (
    ACTOR_NAMES,
    EFFORT_NAMES,
    HORIZON_NAMES,
    Actor,
    Effort,
    Horizon,
    Library,
    bundled_library_path,
    load_library,
    validate_library_files,
)
from assess.cases.profiles import load_cases
from assess.cli import main
from assess.errors import ProblemsError
from assess.packs.building import build_pack
from assess.packs.loading import load_pack
from assess.packs.model import Pack
from assess.packs.theses import thesis_files
from assess.packs.yamlio import parse_yaml
from tests.conftest import MINIMAL_PACK, REPO, SHARED_SEEDS, WITHOUT_INNOVATION, needs_abstracts

BROKEN = REPO / "tests" / "data" / "countermeasures"
MINI = build_pack(parse_yaml(MINIMAL_PACK, "mini.yaml"))

# file -> every (line, field) it must be reported with; nothing else may be reported
EXPECTED = {
    "valid": set(),
    "dimension_mismatch": {(6, "countermeasures.0.dimensions")},
    "duplicate_id": {(13, "countermeasures.1.id")},
    "missing_effort": {(2, "countermeasures.0.effort")},
    "not_a_library": {(1, "")},
    "several_format_problems": {
        (2, "countermeasures.0.title"),
        (6, "countermeasures.0.actors.0"),
        (7, "countermeasures.0.horizon"),
    },
    "several_rule_problems": {
        (5, "countermeasures.0.indicators.0"),
        (11, "countermeasures.0.sources.0.seed"),
        (13, "countermeasures.1.id"),
    },
    "schema_and_rule_errors": {
        (5, "countermeasures.0.indicators.1"),  # type errors ...
        (7, "countermeasures.0.actors.0"),
        (8, "countermeasures.0.horizon"),
        (20, "countermeasures.1.effort"),
        (5, "countermeasures.0.indicators.0"),  # ... and unknown or duplicate ids, in the same run
        (11, "countermeasures.0.sources.0.seed"),
        (12, "countermeasures.0.sources.1.case"),
        (13, "countermeasures.1.id"),
        (22, "countermeasures.1.sources.0.practice"),
    },
    "source_of_both_kinds": {(11, "countermeasures.0.sources.0")},
    "unknown_actor": {(7, "countermeasures.0.actors.1")},
    "unknown_case": {(12, "countermeasures.0.sources.1.case")},
    "unknown_effort": {(9, "countermeasures.0.effort")},
    "unknown_horizon": {(8, "countermeasures.0.horizon")},
    "unknown_indicator": {(5, "countermeasures.0.indicators.0")},
    "unknown_key": {(10, "countermeasures.0.cost")},
    "unknown_practice": {(12, "countermeasures.0.sources.1.practice")},
    "unknown_seed": {(11, "countermeasures.0.sources.0.seed")},
}


@pytest.fixture(scope="module")
def core() -> Pack:
    return load_pack("core").pack


@pytest.fixture(scope="module")
def bundled(core: Pack) -> Library:
    return load_library(None, core)


# -- the bundled library -------------------------------------------------------------------------------------


def test_bundled_library_has_at_least_forty_countermeasures(bundled: Library):
    assert len(bundled.countermeasures) >= 40
    assert bundled.files == [str(bundled_library_path())]


def test_every_thesis_is_cited_by_several_countermeasures(bundled: Library):
    cited = Counter(s.seed for c in bundled.countermeasures for s in c.sources if s.seed)
    assert set(cited) == set(thesis_files())
    assert min(cited.values()) >= 5, cited


def test_every_exemplar_practice_with_a_reported_result_is_cited(bundled: Library):
    cited = {(s.case, s.practice) for c in bundled.countermeasures for s in c.sources if s.case}
    with_results = {(case.id, p.id) for case in load_cases() for p in case.practices if p.results is not None}
    assert with_results <= cited
    assert {"wuhu-road", "wangma", "typical-cases"} <= {case for case, _ in cited}


def test_every_core_indicator_is_addressed(bundled: Library, core: Pack):
    addressed = {i for c in bundled.countermeasures for i in c.indicators}
    assert {ind.id for _, ind in core.indicators()} <= addressed


def coded_claims(seed: str) -> list[tuple[str, set[str]]]:
    """(phrase, dimensions) of what the profiles coded from `seed` say its thesis found or proposed: named
    practices, problems, causes and countermeasures -- not the background or the congress reports it quotes."""
    claims = []
    for case in load_cases():
        if case.seed != seed:
            continue
        items = [*case.practices, *case.problems, *case.causes, *case.countermeasures]
        claims += [(normalized(item.evidence), set(item.dimensions)) for item in items]
    return claims


def supports(phrase: str, claims: list[tuple[str, set[str]]], dimensions: set[str]) -> bool:
    """Whether a quoted phrase is (part of) a coded claim linked to one of `dimensions`."""
    quoted = normalized(phrase)
    return any((quoted in claim or claim in quoted) and linked & dimensions for claim, linked in claims)


def test_every_action_rests_on_a_finding_or_proposal_in_a_dimension_it_addresses(bundled: Library, core: Pack):
    dimension_of = {ind.id: dim.id for dim, ind in core.indicators()}
    practice_dimensions = {(c.id, p.id): set(p.dimensions) for c in load_cases() for p in c.practices}
    unsupported = []
    for measure in bundled.countermeasures:
        dimensions = {dimension_of[i] for i in measure.indicators}
        if not any(
            practice_dimensions[(s.case, s.practice)] & dimensions
            if s.case is not None
            else supports(s.evidence or "", coded_claims(s.seed or ""), dimensions)
            for s in measure.sources
        ):
            unsupported.append(measure.id)
    assert unsupported == []


def test_every_cited_practice_shares_a_dimension_with_the_action(bundled: Library, core: Pack):
    dimension_of = {ind.id: dim.id for dim, ind in core.indicators()}
    practice_dimensions = {(c.id, p.id): set(p.dimensions) for c in load_cases() for p in c.practices}
    unrelated = [
        (measure.id, source.case, source.practice)
        for measure in bundled.countermeasures
        for source in measure.sources
        if source.case is not None
        and not practice_dimensions[(source.case, source.practice)] & {dimension_of[i] for i in measure.indicators}
    ]
    assert unrelated == []


def test_all_horizons_and_efforts_are_used(bundled: Library):
    assert {c.horizon for c in bundled.countermeasures} == set(typing.get_args(Horizon))
    assert {c.effort for c in bundled.countermeasures} == set(typing.get_args(Effort))


def test_every_actor_horizon_and_effort_has_a_bilingual_name():
    assert set(ACTOR_NAMES) == set(typing.get_args(Actor))
    assert set(HORIZON_NAMES) == set(typing.get_args(Horizon))
    assert set(EFFORT_NAMES) == set(typing.get_args(Effort))


def test_chinese_descriptions_say_who_leads(bundled: Library):
    leads = ("街道党工委", "社区党组织", "居委会", "网格员", "社区法律顾问")
    for measure in bundled.countermeasures:
        assert any(who in measure.description.zh for who in leads), measure.id


def normalized(text: str) -> str:
    return " ".join(text.lower().split())


@needs_abstracts
def test_every_evidence_phrase_appears_verbatim_in_the_cited_abstract(bundled: Library):
    abstracts = {path.name: normalized(path.read_text(encoding="utf-8")) for path in SHARED_SEEDS.glob("*.txt")}
    missing = [
        (measure.id, source.evidence)
        for measure in bundled.countermeasures
        for source in measure.sources
        if source.seed and normalized(source.evidence or "") not in abstracts[source.seed]
    ]
    assert missing == []


# -- validation messages -------------------------------------------------------------------------------------


def test_every_broken_library_has_an_expectation():
    assert {p.stem for p in BROKEN.glob("*.yaml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_library_problems_reported_at_file_line_and_field(name: str, core: Pack):
    path = BROKEN / f"{name}.yaml"
    problems = validate_library_files([path], core)
    assert {(p.line, p.field) for p in problems} == EXPECTED[name]
    assert all(p.file == str(path) for p in problems)


def test_messages_say_what_is_allowed(core: Pack):
    def message(name: str) -> str:
        (problem,) = validate_library_files([BROKEN / f"{name}.yaml"], core)
        return problem.message

    assert "did you mean participation-channels" in message("unknown_indicator")
    assert "did you mean 'residents-night-talks'?" in message("unknown_practice")
    assert "did you mean 'sanyuan'?" in message("unknown_case")
    assert "'in-service-party-members' or 'residents'" in message("unknown_actor")
    assert message("unknown_effort") == (
        "应为以下之一：'low', 'medium' or 'high'（实际为 'huge'） / "
        "must be one of 'low', 'medium' or 'high' (got 'huge')"
    )
    assert "must be the dimensions of the listed indicators: [participation]" in message("dimension_mismatch")
    assert "allowed here: id, title, description, indicators" in message("unknown_key")


def test_indicators_are_checked_against_the_pack_in_use():
    problems = validate_library_files([BROKEN / "valid.yaml"], MINI)
    assert [(p.line, p.field) for p in problems] == [(5, "countermeasures.0.indicators.0")]
    assert "in pack 'mini'" in problems[0].message


def test_a_yaml_error_is_a_problem_not_a_crash(write, core: Pack):
    path = write("bad.yaml", "countermeasures: [\n")
    (problem,) = validate_library_files([path], core)
    assert problem.file == str(path) and "not valid YAML" in problem.message


# -- districts' libraries -----------------------------------------------------------------------------------

DISTRICT = """\
countermeasures:
  - id: three-lists
    title: {zh: 本区“三张清单”, en: Our three lists}
    description: {zh: 街道党工委每季度召开一次清单对接会。, en: The sub-district matches the lists every quarter.}
    indicators: [resource-matching]
    actors: [street-party-committee]
    horizon: short
    effort: low
    sources:
      - {seed: 002_180d2bc76172f247.txt, evidence: "Party building leading resource link"}
  - id: mine-safety-patrol
    title: {zh: 矿区安全巡查队, en: Mine-area safety patrol}
    description: {zh: 社区党组织组织党员每周巡查沉陷区一次。, en: Party members walk the subsidence area weekly.}
    indicators: [volunteering]
    actors: [community-party-branch, residents]
    horizon: short
    effort: low
    sources:
      - {seed: 003_97ebc8ff761865b7.txt, evidence: "the surface subsidence caused by mineral resources exploitation"}
"""


def test_a_district_file_adds_and_overrides_by_id(write, core: Pack, bundled: Library):
    merged = load_library([write("district.yaml", DISTRICT)], core)
    by_id = merged.by_id()
    assert len(merged.countermeasures) == len(bundled.countermeasures) + 1
    assert by_id["three-lists"].title.en == "Our three lists"
    assert "mine-safety-patrol" in by_id
    assert len(merged.files) == 2


def test_replace_true_drops_the_bundled_library(write, core: Pack):
    merged = load_library([write("district.yaml", "replace: true\n" + DISTRICT)], core)
    assert [c.id for c in merged.countermeasures] == ["three-lists", "mine-safety-patrol"]
    assert merged.files == [merged.files[0]] and merged.files[0].endswith("district.yaml")




def test_with_another_pack_bundled_actions_keep_only_its_indicators(write, bundled: Library):
    pack = load_pack(write("no-innovation.yaml", WITHOUT_INNOVATION)).pack
    fitted = load_library(None, pack)
    kept, dimension_of = fitted.by_id(), {ind.id: dim.id for dim, ind in pack.indicators()}
    gone = {"smart-platform", "online-service", "innovation-practice", "grid-data"}
    trimmed = [c for c in bundled.countermeasures if gone & set(c.indicators) and set(c.indicators) - gone]
    emptied = [c.id for c in bundled.countermeasures if set(c.indicators) <= gone]
    assert trimmed and emptied  # both kinds occur, so both rules are exercised
    assert fitted.dropped == emptied
    assert not set(emptied) & set(kept)
    for measure in trimmed:
        assert kept[measure.id].indicators == [i for i in measure.indicators if i not in gone]
        assert kept[measure.id].dimensions == list(dict.fromkeys(dimension_of[i] for i in kept[measure.id].indicators))
    untouched = [c for c in bundled.countermeasures if not gone & set(c.indicators)]
    assert all(kept[c.id] == c for c in untouched)
    assert len(fitted.countermeasures) == len(bundled.countermeasures) - len(emptied)


def test_a_district_file_is_checked_strictly_against_the_pack_in_use(write, bundled: Library):
    with pytest.raises(ProblemsError) as error:  # DISTRICT names core indicators that the mini pack lacks
        load_library([write("district.yaml", DISTRICT)], MINI)
    assert {Path(p.file).name for p in error.value.problems} == {"district.yaml"}
    assert all("in pack 'mini'" in p.message for p in error.value.problems)
    own = DISTRICT.replace("[resource-matching]", "[lead-org]").replace("[volunteering]", "[part-channels]")
    merged = load_library([write("own.yaml", own)], MINI)
    assert [c.id for c in merged.countermeasures] == ["three-lists", "mine-safety-patrol"]
    # no bundled action fits the mini pack; the one the district file overrides is not counted as dropped
    assert merged.dropped == [c.id for c in bundled.countermeasures if c.id != "three-lists"]
    replacing = load_library([write("own-replacing.yaml", "replace: true\n" + own)], MINI)
    assert len(replacing.countermeasures) == 2 and replacing.dropped == []


def test_problems_of_several_library_files_are_reported_together(core: Pack):
    paths = [BROKEN / "unknown_seed.yaml", BROKEN / "unknown_horizon.yaml"]
    with pytest.raises(ProblemsError) as error:
        load_library(paths, core)
    assert {(Path(p.file).stem, p.line) for p in error.value.problems} == {("unknown_seed", 11), ("unknown_horizon", 8)}


def test_cited_practices_carry_the_case_results(bundled: Library):
    note = bundled.practices["sanyuan/residents-night-talks"]
    assert note.case_title is not None and note.case_title.zh == "三明市三元区"
    assert note.results is not None


# -- assess indicators validate ----------------------------------------------------------------------------


def test_validate_checks_library_files_and_the_bundled_library(runner):
    good = runner.invoke(main, ["indicators", "validate", str(BROKEN / "valid.yaml"), str(bundled_library_path())])
    assert good.exit_code == 0, good.output
    assert "countermeasure library valid" in good.output
    bad = runner.invoke(main, ["indicators", "validate", str(BROKEN / "unknown_indicator.yaml")])
    assert bad.exit_code == 1
    where = f"{BROKEN / 'unknown_indicator.yaml'}:5: countermeasures.0.indicators.0:"
    assert f"{where} 指标包中没有此指标 / unknown indicator" in bad.stderr


# -- libraries a district pack names (`countermeasures:`) -----------------------------------------------------

EXAMPLE_PACK = REPO / "indicators" / "examples" / "kuangqu-demo.yaml"
EXAMPLE_LIBRARY = REPO / "indicators" / "examples" / "kuangqu-demo-countermeasures.yaml"

LOCAL_ACTION = """\
countermeasures:
  - id: {id}
    title: {{zh: 本地对策, en: Local action}}
    description: {{zh: 社区党组织每月开展一次。, en: The community Party organization acts monthly.}}
    indicators: [{indicator}]
    actors: [community-party-branch]
    horizon: short
    effort: low
    sources:
      - {{seed: 003_97ebc8ff761865b7.txt, evidence: "the surface subsidence caused by mineral resources exploitation"}}
"""


def district_pack(pack_id: str, extends: str, libraries: list[str]) -> str:
    return (
        f'id: {pack_id}\nversion: "1"\nextends: {extends}\ntitle: {{zh: 本区, en: District}}\n'
        f"countermeasures: [{', '.join(libraries)}]\n"
    )


def test_a_pack_names_libraries_relative_to_itself_accumulated_along_the_chain(write):
    write("city/actions.yaml", LOCAL_ACTION.format(id="city-action", indicator="staffing"))
    write("city/city.yaml", district_pack("city", "core", ["actions.yaml"]))
    write("district/own.yaml", LOCAL_ACTION.format(id="district-action", indicator="volunteering"))
    district = write("district/district.yaml", district_pack("district", "../city/city.yaml", ["own.yaml"]))
    loaded = load_pack(district)
    root = district.parent.parent.resolve()
    assert [p.resolve().relative_to(root).as_posix() for p in loaded.libraries] == [
        "city/actions.yaml", "district/own.yaml"
    ]
    library = load_library(list(loaded.libraries), loaded.pack)
    assert {"city-action", "district-action"} <= set(library.by_id())
    assert library.files[1:] == [str(p) for p in loaded.libraries]  # after the bundled file, parent's first


def test_a_missing_library_is_reported_at_the_pack_line(write):
    district = write("district.yaml", district_pack("district", "core", ["actions.yaml", "nowhere.yaml"]))
    write("actions.yaml", LOCAL_ACTION.format(id="local", indicator="staffing"))
    with pytest.raises(ProblemsError) as error:
        load_pack(district)
    (problem,) = error.value.problems
    assert (problem.file, problem.line, problem.field) == (str(district), 5, "countermeasures.1")
    assert "no such countermeasure library" in problem.message


def test_the_example_district_library_serves_its_local_indicator(core: Pack):
    loaded = load_pack("kuangqu-demo")
    assert loaded.libraries == (EXAMPLE_LIBRARY,)
    library = load_library(list(loaded.libraries), loaded.pack)
    local = [c.id for c in library.countermeasures if "subsidence-resettlement" in c.indicators]
    assert len(local) >= 3
    bundled_entry = load_library(None, core).by_id()["subsidence-resettlement"]
    assert "subsidence-resettlement" not in bundled_entry.indicators  # the district file overrides it by id
    assert "subsidence-resettlement" in library.by_id()["subsidence-resettlement"].indicators
    assert validate_library_files([EXAMPLE_LIBRARY], loaded.pack) == []


@needs_abstracts
def test_the_example_district_library_quotes_its_thesis_verbatim():
    abstract = normalized((SHARED_SEEDS / "003_97ebc8ff761865b7.txt").read_text(encoding="utf-8"))
    library = load_library([EXAMPLE_LIBRARY], load_pack("kuangqu-demo").pack)
    own = [c for c in library.countermeasures if c.id in {"resettled-household-ledger", "subsidence-resettlement"}]
    phrases = [s.evidence for c in own for s in c.sources if s.seed]
    assert phrases and all(normalized(p or "") in abstract for p in phrases)
    assert {s.seed for c in own for s in c.sources if s.seed} == {"003_97ebc8ff761865b7.txt"}


def test_validate_checks_a_district_packs_libraries_against_that_pack(runner, write):
    write("good.yaml", LOCAL_ACTION.format(id="ledger", indicator="subsidence-resettlement"))
    bad = write("bad.yaml", LOCAL_ACTION.format(id="ledger-2", indicator="subsidence-resettlment"))
    good_pack = write("good-pack.yaml", district_pack("good-pack", str(EXAMPLE_PACK), ["good.yaml"]))
    assert runner.invoke(main, ["indicators", "validate", str(good_pack)]).exit_code == 0
    bad_pack = write("bad-pack.yaml", district_pack("bad-pack", str(EXAMPLE_PACK), ["good.yaml", "bad.yaml"]))
    result = runner.invoke(main, ["indicators", "validate", str(bad_pack)])
    assert result.exit_code == 1
    assert f"{bad}:5: countermeasures.0.indicators.0: 指标包中没有此指标 / unknown indicator " \
           "'subsidence-resettlment' in pack " \
        "'bad-pack'; did you mean subsidence-resettlement?" in result.stderr


def test_validate_checks_a_standalone_library_against_the_pack_given(runner):
    against_core = runner.invoke(main, ["indicators", "validate", str(EXAMPLE_LIBRARY)])
    assert against_core.exit_code == 1
    assert "unknown indicator 'subsidence-resettlement' in pack 'core'" in against_core.stderr
    against_its_pack = runner.invoke(main, ["indicators", "validate", str(EXAMPLE_LIBRARY), "--pack", "kuangqu-demo"])
    assert against_its_pack.exit_code == 0, against_its_pack.output
