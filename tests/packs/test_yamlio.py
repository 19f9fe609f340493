"""Hostile or broken input files end in one clear line naming the file, never a traceback."""

from __future__ import annotations

import pytest

from assess.errors import AssessError, ProblemsError
from assess.packs.yamlio import load_yaml


def test_lines_are_recorded_for_keys_and_items(write):
    located = load_yaml(write("a.yaml", "a: 1\nb:\n  - x: 2\n  - y: 3\n"))
    assert located.data == {"a": 1, "b": [{"x": 2}, {"y": 3}]}
    assert located.line_of(("b", 1, "y")) == 4
    assert located.line_of(("b", 1, "missing")) == 4  # a missing field points at its parent


def test_malformed_yaml(write):
    with pytest.raises(AssessError, match=r"bad.yaml:2: YAML 格式错误 / not valid YAML"):
        load_yaml(write("bad.yaml", "a: [1\nb: 2\n"))


def test_not_utf8(write):
    with pytest.raises(AssessError, match="gbk.yaml: 文件不是 UTF-8 编码.* / not UTF-8"):
        load_yaml(write("gbk.yaml", "标题: 社区".encode("gbk")))


def test_empty_file(write):
    with pytest.raises(AssessError, match="empty.yaml: 文件为空 / the file is empty"):
        load_yaml(write("empty.yaml", "\n  \n"))


def test_comment_only_file_is_empty(write):
    with pytest.raises(AssessError, match="the file is empty"):
        load_yaml(write("c.yaml", "# nothing here\n"))


def test_missing_file(tmp_path):
    with pytest.raises(AssessError, match="nope.yaml: 找不到文件 / file not found"):
        load_yaml(tmp_path / "nope.yaml")


def test_alias_bomb_is_refused(write):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    with pytest.raises(AssessError, match="expands to more than"):
        load_yaml(write("bomb.yaml", "\n".join(lines) + "\n"))


def test_oversized_file(write):
    with pytest.raises(AssessError, match="over the 1 MiB limit"):
        load_yaml(write("big.yaml", "a: " + "x" * (2 * 1024 * 1024) + "\n"), limit=1024 * 1024)


def test_duplicate_keys_are_all_reported(write):
    with pytest.raises(ProblemsError) as caught:
        load_yaml(write("dup.yaml", "a: 1\na: 2\nb:\n  c: 1\n  c: 2\n"))
    assert [(p.line, p.field) for p in caught.value.problems] == [(2, "a"), (5, "b.c")]


def test_python_tags_are_refused(write):
    with pytest.raises(ProblemsError, match="unsupported YAML tag"):
        load_yaml(write("tag.yaml", "a: !!python/object/apply:os.system ['true']\n"))
    with pytest.raises(ProblemsError, match="unsupported YAML tag"):
        load_yaml(write("tag2.yaml", "a: !!python/name:os.system ''\n"))
    for tagged in ("a: !!binary aGVsbG8=\n", "a: !!set {x, y}\n", "a: !custom 3\n"):
        with pytest.raises(ProblemsError, match="unsupported YAML tag"):
            load_yaml(write("tag3.yaml", tagged))


def test_deep_nesting_is_refused_cleanly(write):
    with pytest.raises(AssessError, match="nested more than 100 levels"):
        load_yaml(write("deep.yaml", "x: " + "[" * 500 + "]" * 500 + "\n"))
