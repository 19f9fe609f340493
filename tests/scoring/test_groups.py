"""`--group-by`: each group of residents is scored as the community would be with only its residents."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from assess.cli import main
from assess.errors import ProblemsError
from assess.responses.reading import ReadOptions
from assess.scoring.groups import MIN_GROUP_SIZE
from assess.scoring.score import score_file

EXAMPLE = Path(__file__).parents[2] / "examples" / "old-community"


def building(n: int) -> str:
    return "1号楼" if n % 3 else ("2号楼" if n < 110 else "3号楼")


@pytest.fixture
def grouped(tmp_path):
    """The example's residents with a 楼栋 column, and one CSV per building written without it."""
    with (EXAMPLE / "residents.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, people = rows[0], rows[1:]
    table = tmp_path / "residents.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([[*header, "楼栋"], *([*p, building(n)] for n, p in enumerate(people))])
    alone = {}
    for n, person in enumerate(people):
        alone.setdefault(building(n), [header]).append(person)
    files = {}
    for name, group_rows in alone.items():
        files[name] = tmp_path / f"{name}.csv"
        with files[name].open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(group_rows)
    return table, files, {name: len(r) - 1 for name, r in alone.items()}


def test_each_group_scores_as_its_residents_alone_would(grouped):
    table, files, sizes = grouped
    result = score_file(EXAMPLE / "answers.yaml", table, reading=ReadOptions(group_by=("楼栋",)))
    assert result == score_file(EXAMPLE / "answers.yaml", table, reading=ReadOptions(group_by=("楼栋",)))
    assert {g.value: g.respondents for g in result.groups} == sizes
    for group in result.groups:
        assert group.column == "楼栋"
        if sizes[group.value] < MIN_GROUP_SIZE:
            assert group.too_few and group.overall is None and group.dimensions == {}
            continue
        alone = score_file(EXAMPLE / "answers.yaml", files[group.value])
        assert group.overall == alone.overall.score
        assert group.dimensions == {d.id: d.score for d in alone.dimensions}
    assert any(g.too_few for g in result.groups) and sum(not g.too_few for g in result.groups) == 2
    # the whole community is still scored on everyone
    assert result.overall == score_file(EXAMPLE / "answers.yaml", EXAMPLE / "residents.csv").overall


def test_a_group_column_the_file_does_not_have_lists_its_header(grouped):
    table, _, _ = grouped
    with pytest.raises(ProblemsError) as caught:
        score_file(EXAMPLE / "answers.yaml", table, reading=ReadOptions(group_by=("年龄段",)))
    [problem] = caught.value.problems
    assert problem.field == "年龄段" and "no column named '年龄段' (--group-by); copy one" in problem.message
    with pytest.raises(ProblemsError, match="did you mean 楼栋"):
        score_file(EXAMPLE / "answers.yaml", table, reading=ReadOptions(group_by=("楼栋号",)))


def test_without_group_by_the_group_column_is_left_out_with_a_note_and_strict_refuses_it(grouped, runner):
    table, _, _ = grouped
    scored = runner.invoke(main, ["score", str(EXAMPLE / "answers.yaml"), "--respondents", str(table)])
    assert scored.exit_code == 0, scored.output
    assert scored.stderr.strip().splitlines()[-1] == (
        "说明 / note: 已忽略的列（可用 --group-by 分组）: 楼栋 / columns left out (usable with --group-by): 楼栋")
    as_json = runner.invoke(main, ["score", str(EXAMPLE / "answers.yaml"), "--respondents", str(table),
                                   "--format", "json"])
    assert json.loads(as_json.stdout)["notes"] == [
        {"zh": "已忽略的列（可用 --group-by 分组）: 楼栋", "en": "columns left out (usable with --group-by): 楼栋",
         "question": None, "detail": None}]
    strict = runner.invoke(main, ["score", str(EXAMPLE / "answers.yaml"), "--respondents", str(table), "--strict"])
    assert strict.exit_code == 1 and "楼栋" in strict.output and "--strict" in strict.output
    assert "Traceback" not in strict.output


def test_score_json_holds_the_groups(grouped, runner):
    table, _, sizes = grouped
    args = ["score", str(EXAMPLE / "answers.yaml"), "--respondents", str(table), "--group-by", "楼栋",
            "--format", "json"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    groups = json.loads(result.output)["groups"]
    assert [g["value"] for g in groups] == sorted(sizes)  # natural order: 1号楼, 2号楼, 3号楼
    assert set(groups[0]) == {"column", "value", "respondents", "too_few", "overall", "dimensions"}


def test_the_report_has_the_groups_section(grouped, runner, tmp_path):
    table, _, _ = grouped
    out = tmp_path / "r.html"
    args = ["report", str(EXAMPLE / "answers.yaml"), "--respondents", str(table), "--group-by", "楼栋", "-o", str(out)]
    assert runner.invoke(main, args).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "不同居民群体的评价" in html and "人数过少，不计分" in html and "评价最低的是" in html
    plain = tmp_path / "plain.html"
    runner.invoke(main, ["report", str(EXAMPLE / "answers.yaml"), "--respondents", str(EXAMPLE / "residents.csv"),
                         "-o", str(plain)])
    assert "不同居民群体的评价" not in plain.read_text(encoding="utf-8")
