"""Hostile and broken pack files are refused fast, at a line, without echoing what they are not."""

from __future__ import annotations

import time

import pytest

from assess.errors import AssessError, ProblemsError
from assess.packs.loading import load_pack, validate_files
from assess.packs.yamlio import parse_yaml

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))
DOUBLING = "a0: &a0 [x]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n" for i in range(1, 60))
DEEP_ALIASES = "a0: &a0 [x]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 3000))
DEEP_MAPPINGS = "a:\n" + "".join("  " * i + " b:\n" for i in range(1, 150))


@pytest.mark.parametrize("text", [LAUGHS, DOUBLING, DEEP_ALIASES, DEEP_MAPPINGS],
                         ids=["billion-laughs", "doubling", "deep-aliases", "deep-mappings"])
def test_bombs_are_refused_while_parsing_in_well_under_a_second(text):
    start = time.perf_counter()
    with pytest.raises((AssessError, ProblemsError)) as error:
        parse_yaml(text, "bomb.yaml")
    assert time.perf_counter() - start < 1.0
    assert "bomb.yaml" in str(error.value)
    assert "expands to more than" in str(error.value) or "levels deep" in str(error.value) \
        or "nesting depth" in str(error.value)


def test_a_modest_use_of_aliases_still_reads():
    data = parse_yaml("scale: &s {min: 1, max: 5}\nfirst: *s\nsecond: *s\n", "ok.yaml").data
    assert data["first"] == data["second"] == {"min": 1, "max": 5}


@pytest.mark.parametrize("name", ["shadow", "passwd.txt", "pack.json"])
def test_a_pack_reference_must_be_a_yaml_file(tmp_path, name):
    target = tmp_path / name
    target.write_text("root:x:0:0:secret-line\n", encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text(f"id: child\nversion: '1'\nextends: {target}\ntitle: {{zh: 子, en: Child}}\n", encoding="utf-8")
    with pytest.raises(AssessError) as error:
        load_pack(str(child))
    assert "must end in .yaml or .yml" in str(error.value) and "secret-line" not in str(error.value)
    with pytest.raises(AssessError, match="must end in .yaml or .yml"):
        load_pack(str(target))


def test_a_yaml_file_that_is_not_a_pack_is_said_to_be_so_without_its_content(tmp_path):
    other = tmp_path / "answers.yaml"
    other.write_text("community: {name: 秘密社区}\nanswers: {q-a: 1}\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as error:
        load_pack(str(other))
    assert "not a pack file" in str(error.value) and "秘密社区" not in str(error.value)


def test_a_long_extends_chain_ends_in_a_message_not_a_recursion_error(tmp_path):
    (tmp_path / "p0.yaml").write_text(
        "id: p0\nversion: '1'\nextends: core\ntitle: {zh: 零, en: Zero}\n", encoding="utf-8")
    for n in range(1, 60):
        (tmp_path / f"p{n}.yaml").write_text(
            f"id: p{n}\nversion: '1'\nextends: p{n - 1}.yaml\ntitle: {{zh: 包, en: Pack}}\n", encoding="utf-8")
    with pytest.raises(ProblemsError, match="more than 20 packs extend one another"):
        load_pack(str(tmp_path / "p59.yaml"))
    assert load_pack(str(tmp_path / "p5.yaml")).pack.id == "p5"


def test_validate_is_linear_and_caps_what_it_prints(tmp_path, runner):
    from assess.cli import main

    dims = "".join(f"  - id: d{i}\n    title: {{zh: 维度{i}, en: D{i}}}\n    indicators: []\n" for i in range(3000))
    path = tmp_path / "empty.yaml"
    path.write_text("id: big\nversion: '1'\ntitle: {zh: 大, en: Big}\ndimensions:\n" + dims, encoding="utf-8")
    assert len(validate_files([path])) == 3000
    result = runner.invoke(main, ["indicators", "validate", str(path)])
    assert result.exit_code == 1 and "2950 more problems not shown" in result.output
    assert result.output.count("needs at least 1 item") == 50


def test_validate_parses_each_file_once_and_sees_an_edit(tmp_path, runner, monkeypatch):
    from collections import Counter

    from assess.cli import main
    from assess.packs import yamlio

    parsed: Counter = Counter()
    real = yamlio.parse_yaml

    def counting(text: str, name: str, *options):
        parsed[name] += 1
        return real(text, name, *options)

    monkeypatch.setattr(yamlio, "parse_yaml", counting)
    monkeypatch.setattr(yamlio, "_parsed", type(yamlio._parsed)())
    district = tmp_path / "district.yaml"
    district.write_text("id: d\nversion: '1'\nextends: core\ntitle: {zh: 区, en: D}\n", encoding="utf-8")
    assert runner.invoke(main, ["indicators", "validate", str(district)]).exit_code == 0
    assert parsed[str(district)] == 1 and max(parsed.values()) == 1  # was 4 times, and the core pack 3
    district.write_text("id: d\nversion: '1'\nextends: core\ntitle: {zh: 区, en: D}\nweights: x\n", encoding="utf-8")
    result = runner.invoke(main, ["indicators", "validate", str(district)])
    assert result.exit_code == 1 and parsed[str(district)] == 2


def test_a_bomb_given_to_validate_is_refused_once(tmp_path, runner):
    from assess.cli import main

    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(LAUGHS, encoding="utf-8")
    start = time.perf_counter()
    result = runner.invoke(main, ["indicators", "validate", str(bomb)])
    assert result.exit_code == 1 and time.perf_counter() - start < 2
    assert result.output.count("expands to more than") == 1
