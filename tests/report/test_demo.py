"""The bundled example communities and `assess demo`."""

from __future__ import annotations

import csv
import importlib.util
import io
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from assess.cli import main
from assess.errors import AssessError
from assess.packs.loading import load_pack
from assess.report.demo import Example, bundled_examples, output_stems, planned_outputs, run_demo, safe_file_stem
from assess.resources import examples_dir
from assess.scoring.score import score_file


def load_generator(monkeypatch):
    """examples/generate.py as a module (it is a script of the examples folder, not part of the package)."""
    spec = importlib.util.spec_from_file_location("generate_examples", examples_dir() / "generate.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def test_the_committed_examples_are_exactly_what_the_generator_makes(monkeypatch):
    generated = load_generator(monkeypatch).generated_files(load_pack("core").pack)
    assert len(generated) == 6
    for relative, text in generated.items():
        assert (examples_dir() / relative).read_text(encoding="utf-8") == text, relative


def test_there_are_three_fictional_examples_each_with_a_survey_of_over_100_residents():
    examples = bundled_examples()
    assert [e.folder for e in examples] == ["mining-district", "new-commercial", "old-community"]
    for example in examples:
        assert "虚构" in example.name
        assert example.answers.read_text(encoding="utf-8").startswith("# FICTIONAL")
        with example.residents.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) >= 100
        assert len({row["respondent_id"] for row in rows}) == len(rows)


@pytest.fixture(scope="module")
def scores():
    return {
        e.folder: {d.id: d.score for d in score_file(e.answers, e.residents).dimensions} for e in bundled_examples()
    }


def test_the_old_community_is_strong_in_participation_and_weak_in_resources_and_services(scores):
    old = scores["old-community"]
    assert old["participation"] > 75 and old["law-virtue"] > 75
    assert old["resources"] < 45 and old["services"] < 45 and old["innovation"] < 45


def test_the_commercial_community_has_smart_platforms_but_weak_participation_and_coordination(scores):
    new = scores["new-commercial"]
    assert new["innovation"] > 85
    assert new["participation"] < 45 and new["coordination"] < 45
    assert new["innovation"] > max(s["innovation"] for f, s in scores.items() if f != "new-commercial") + 30


def test_the_mining_community_leads_face_to_face_but_lacks_services_and_staff(scores):
    mining = scores["mining-district"]
    assert mining["party-leadership"] > 80 and mining["services"] < 45
    assert mining["party-leadership"] == max(s["party-leadership"] for s in scores.values())


def test_output_names_from_community_names_stay_inside_the_folder(tmp_path):
    hostile = [
        Example("a", "../../etc/passwd", Path("a.yaml"), None),
        Example("b", '<img src="x">', Path("b.yaml"), None),
        Example("c", "...", Path("c.yaml"), None),
        Example("d", "../../etc/passwd", Path("d.yaml"), None),
    ]
    stems = output_stems(hostile)
    assert stems == {"a": "etc-passwd", "b": "img-src-x", "c": "c", "d": "etc-passwd-2"}
    for paths in planned_outputs(tmp_path, hostile).values():
        for path in paths:
            assert path.parent == tmp_path and not path.name.startswith(".")


@pytest.mark.parametrize(
    ("name", "stem"), [("槐荫里社区（虚构示例）", "槐荫里社区(虚构示例)"), ("a/b\\c:d", "a-b-c-d"), ("", "community")]
)
def test_safe_file_stem(name, stem):
    assert safe_file_stem(name) == stem


def test_demo_writes_both_languages_and_never_overwrites_without_force(tmp_path):
    example = next(e for e in bundled_examples() if e.folder == "mining-district")
    written = run_demo(tmp_path, examples=[example], workers=2)
    assert written == planned_outputs(tmp_path, [example])[example.folder]  # in plan order, whichever finished first
    names = sorted(p.name for p in written)
    assert names == [f"矿山路社区(虚构示例).{lang}.{kind}" for lang in ("en", "zh") for kind in ("html", "pdf")]
    zh_pdf = (tmp_path / "矿山路社区(虚构示例).zh.pdf").read_bytes()
    first_page = PdfReader(io.BytesIO(zh_pdf)).pages[0].extract_text()
    assert "矿山路社区" in first_page
    before = zh_pdf
    with pytest.raises(AssessError, match="--force"):
        run_demo(tmp_path, examples=[example])
    assert (tmp_path / "矿山路社区(虚构示例).zh.pdf").read_bytes() == before


def test_a_problem_in_a_worker_reaches_the_user_as_its_message(tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    answers = "pack: core\ncommunity: {name: 坏示例}\nanswers: {nosuch: 3}\n"
    (broken / "answers.yaml").write_text(answers, encoding="utf-8")
    example = Example("broken", "坏示例", broken / "answers.yaml", None)
    with pytest.raises(AssessError, match="nosuch"):
        run_demo(tmp_path / "out", examples=[example], workers=2)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_demo_command_checks_every_output_before_writing_any(runner, tmp_path):
    planned = planned_outputs(tmp_path, bundled_examples())
    last = list(planned.values())[-1][-1]
    last.write_text("keep me", encoding="utf-8")
    result = runner.invoke(main, ["demo", "-o", str(tmp_path)])
    assert result.exit_code == 1 and "--force" in result.output
    assert sorted(tmp_path.iterdir()) == [last]
    assert last.read_text(encoding="utf-8") == "keep me"


@pytest.mark.timeout(600)  # the whole demo twice: past two minutes on a busy machine
def test_with_source_date_epoch_the_whole_district_demo_is_byte_identical(runner, tmp_path, monkeypatch):
    import time

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    for out in ("a", "b"):
        assert runner.invoke(main, ["demo", "-o", str(tmp_path / out)]).exit_code == 0
        time.sleep(2.1)  # a later clock second, and a later two-second step of a zip member's time
    first = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert first and first == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    different = [p for p in first if (tmp_path / "a" / p).read_bytes() != (tmp_path / "b" / p).read_bytes()]
    assert different == []  # workbooks and the history database included
    assert any(p.suffix == ".xlsx" for p in first) and any(p.suffix == ".db" for p in first)
