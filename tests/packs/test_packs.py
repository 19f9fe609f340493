"""The pack format, its validation messages (file, line, field) and the bundled core pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.errors import ProblemsError
from assess.packs.building import bundled_packs, pack_hash
from assess.packs.loading import load_pack, validate_files
from assess.packs.theses import load_register
from assess.packs.yamlio import load_yaml
from tests.conftest import MINIMAL_PACK, REPO, SHARED_SEEDS, needs_abstracts

BROKEN = REPO / "tests" / "data" / "broken_packs"

# file -> every (line, field) it must be reported with; nothing else may be reported
EXPECTED = {
    "bad_id": {(23, "dimensions.1.id")},
    "choice_score": {(36, "dimensions.1.indicators.0.questions.0.options.1.score")},
    "duplicate_ids": {(19, "dimensions.0.indicators.0.questions.1.id")},
    "duplicate_key": {(8, "dimensions.0.weight")},
    "likert_label_outside": {(22, "dimensions.0.indicators.0.questions.1.scale")},
    "missing_en": {(3, "title.en")},
    "negative_weight": {(7, "dimensions.0.weight")},
    "not_finite": {(7, "dimensions.0.weight"), (18, "dimensions.0.indicators.0.questions.0.best")},
    "huge_weight_and_scale": {(7, "dimensions.0.weight"), (22, "dimensions.0.indicators.0.questions.1.scale")},
    "no_sources": {(28, "dimensions.1.indicators.0.sources")},
    "several_problems": {
        (7, "dimensions.0.weight"),
        (11, "dimensions.0.indicators.0.colour"),
        (15, "dimensions.0.indicators.0.questions.0"),
    },
    "schema_and_rule_errors": {
        (7, "dimensions.0.weight"),
        (12, "dimensions.0.indicators.0.sources.0.seed"),
        (19, "dimensions.0.indicators.0.questions.1.id"),
    },
    "unknown_key": {(11, "dimensions.0.indicators.0.colour")},
    "unknown_seed": {(12, "dimensions.0.indicators.0.sources.0.seed")},
    "unknown_type": {(31, "dimensions.1.indicators.0.questions.0")},
    "worst_equals_best": {(14, "dimensions.0.indicators.0.questions.0")},
    "zero_weights": {(4, "dimensions")},
}


def test_every_broken_pack_has_an_expectation():
    assert {p.stem for p in BROKEN.glob("*.yaml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_pack_reported_at_file_line_and_field(name: str):
    path = BROKEN / f"{name}.yaml"
    problems = validate_files([path])
    assert {(p.line, p.field) for p in problems} == EXPECTED[name]
    assert all(p.file == str(path) for p in problems)


def test_messages_say_what_is_allowed():
    problems = {p.field: p.message for p in validate_files([BROKEN / "several_problems.yaml"])}
    assert "allowed here: id, title, description, weight, sources, target, questions" in problems[
        "dimensions.0.indicators.0.colour"
    ]
    assert problems["dimensions.0.weight"] == "应 ≥ 0（实际为 -1） / must be ≥ 0 (got -1)"
    assert "worst and best must differ" in problems["dimensions.0.indicators.0.questions.0"]
    unknown_seed = validate_files([BROKEN / "unknown_seed.yaml"])[0].message
    assert "000_4794f8544b023cf5.txt" in unknown_seed


def test_minimal_pack_loads_with_defaults(write):
    loaded = load_pack(write("mini.yaml", MINIMAL_PACK))
    pack = loaded.pack
    assert [d.id for d in pack.dimensions] == ["lead", "part"]
    question = pack.questions()[1][2]
    assert (question.type, question.scale.min, question.scale.max, question.reverse) == ("likert", 1, 5, False)
    assert pack.target_of(pack.indicators()[0][1]) == 85
    assert [b.id for b in pack.grade_bands] == ["excellent", "good", "fair", "weak"]
    assert pack.grade(84.99).id == "good" and pack.grade(85).id == "excellent" and pack.grade(0).id == "weak"


def test_hash_changes_with_content(write):
    first = load_pack(write("a.yaml", MINIMAL_PACK)).pack
    second = load_pack(write("b.yaml", MINIMAL_PACK.replace("weight: 2", "weight: 3"))).pack
    assert pack_hash(first) != pack_hash(second)
    assert pack_hash(first) == pack_hash(load_pack(write("c.yaml", MINIMAL_PACK)).pack)


def test_pack_that_is_not_a_mapping(write):
    with pytest.raises(ProblemsError, match="a pack needs id, version, title and dimensions"):
        load_pack(write("list.yaml", "- a\n- b\n"))


def test_register_lists_the_five_theses_present_in_shared():
    files = [t.file for t in load_register().theses]
    assert len(files) == 5
    if SHARED_SEEDS.is_dir():
        assert sorted(files) == sorted(p.name for p in SHARED_SEEDS.glob("*.txt"))


# -- the bundled core pack ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def core():
    return load_pack("core").pack


def test_core_pack_is_bundled_and_valid():
    assert "core" in bundled_packs()
    assert validate_files([bundled_packs()["core"]]) == []


def test_core_pack_covers_the_problems_the_theses_share(core):
    dims = {d.id for d in core.dimensions}
    assert {
        "party-leadership", "participation", "resources", "services",
        "coordination", "evaluation", "innovation", "law-virtue",
    } <= dims
    assert len(core.indicators()) >= 35
    assert len(core.questions()) >= 70


def test_core_pack_mixes_committee_facts_and_resident_items(core):
    questions = [q for _, _, q in core.questions()]
    kinds = {(q.respondent, q.type) for q in questions}
    assert ("committee", "number") in kinds and ("committee", "yes_no") in kinds
    assert ("resident", "likert") in kinds
    assert sum(1 for q in questions if getattr(q, "reverse", False)) >= 5


@needs_abstracts
def test_core_evidence_phrases_are_quoted_from_the_abstracts(core):
    def normal(text: str) -> str:
        return " ".join(text.lower().split())

    abstracts = {p.name: normal(p.read_text(encoding="utf-8")) for p in SHARED_SEEDS.glob("*.txt")}
    missing = [
        (ind.id, s.seed, s.evidence)
        for _, ind in core.indicators()
        for s in ind.sources
        if normal(s.evidence) not in abstracts[s.seed]
    ]
    assert missing == []


def test_core_cites_every_thesis(core):
    cited = {s.seed for _, ind in core.indicators() for s in ind.sources}
    assert cited == {t.file for t in load_register().theses}


def test_core_has_line_numbers_for_every_question():
    located = load_yaml(bundled_packs()["core"])
    for d, dim in enumerate(located.data["dimensions"]):
        for i, ind in enumerate(dim["indicators"]):
            for q, _ in enumerate(ind["questions"]):
                assert located.line_of(("dimensions", d, "indicators", i, "questions", q)) > 0


def test_relative_missing_pack_names_bundled_ids(tmp_path: Path):
    from assess.errors import AssessError

    with pytest.raises(AssessError, match="bundled: .*core"):
        load_pack(tmp_path / "nope.yaml")
