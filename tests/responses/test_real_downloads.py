"""Downloads as communities really have them score as they are, without a column map.

The fixtures follow 问卷星 (WJX) downloads as gasongjian/reportgen's sample files and WJX's own download
page show them, with what a real survey adds around the pack's questions: 性别 and 年龄 before, a building
question, a ranking question (排序题: one `→`-joined cell 按文本, one rank column per item `第N题(项)`
按序号), a 其他（请注明） fill-in and a 备注 column typed in later; type suffixes `(单选题 *必答)`; two
likert questions asked as one matrix (`N、题干—第一行` then the bare row titles). Every such column is
left out and named in the one end note; the scores are exactly those of the project's own CSV.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assess.cli import main
from assess.errors import ProblemsError
from assess.responses.column_map import MAPPED, map_text, suggest_map
from assess.responses.reading import ReadOptions
from assess.responses.respondents import read_respondents
from assess.responses.tabular import open_table
from tests.responses.test_kobo import all_types, respondents  # noqa: F401 -- all_types is a fixture
from tests.responses.test_respondents import (
    WJX_META,
    project_table,
    resident_questions,
    wjx_number_cells,
    wjx_text_cell,
    write_table,
)

BUILDINGS = ["1号楼", "2号楼", "3号楼"]
RANKED = ["停车管理", "绿化养护", "治安巡逻"]
SUFFIX = {"likert": "(量表题 *必答)", "yes_no": "(单选题 *必答)", "choice": "(单选题)", "multi_choice": "(多选题)",
          "number": "(填空题)", "text": "(填空题)"}


def real_wjx(loaded, people, path: Path, mode: str) -> tuple[Path, list[str], list[str]]:
    """A WJX download with the columns real surveys add; returns it, the headers of no question and those of
    the ranking question."""
    questions = resident_questions(loaded)
    matrix = [q for q in questions if q.type == "likert"][:2]
    header = [*WJX_META, "1、您的性别(单选题 *必答)", "2、您的年龄段(单选题)"]
    for n, q in enumerate(questions, start=3):
        if q is matrix[0]:
            header.append(f"{n}、请您对以下说法打分—{q.title.zh}")
        elif q in matrix:
            header.append(q.title.zh)  # the matrix's further rows: the bare row title
        elif mode == "number" and q.type == "multi_choice":
            header += [f"第{n}题({o.label.zh})" for o in q.options]
        else:
            header.append(f"{n}、{q.title.zh}{SUFFIX[q.type]}")
    building = "39、您居住在哪栋楼？(单选题 *必答)"
    ranking = ["40、请对以下服务按重要程度排序(排序题)"] if mode == "text" else [f"第40题({r})" for r in RANKED]
    extra = [building, *ranking, "41、其他（请注明）(填空题)", "备注"]
    header += extra
    rows = []
    for n, p in enumerate(people, start=1):
        meta = [n, "2026/5/1 10:00:00", "75秒", "手机提交", "直接访问", "1.2.3.4(山西晋城)"]
        cells: list = ["男" if n % 2 else "女", "60岁以上" if n % 3 else "18-35岁"]
        for q in questions:
            value = p.answers.get(q.id)
            cells += [wjx_text_cell(q, value, n)] if mode == "text" else wjx_number_cells(q, value)
        order = RANKED[n % 3:] + RANKED[:n % 3]
        ranks = ["→".join(order)] if mode == "text" else [order.index(r) + 1 for r in RANKED]
        cells += [BUILDINGS[n % 3], *ranks, "(空)", "电话回访" if n == 4 else ""]
        rows.append([*meta, *cells])
    return write_table(path, header, rows), ["1、您的性别(单选题 *必答)", "2、您的年龄段(单选题)", building,
                                             "41、其他（请注明）(填空题)", "备注"], ranking


@pytest.fixture
def community(all_types, tmp_path):  # noqa: F811
    people = respondents(all_types, 45, seed=3)
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"pack: {all_types.file}\ncommunity: {{name: 幸福社区}}\n", encoding="utf-8")
    return all_types, people, answers, project_table(all_types, people, tmp_path / "reference.csv")


@pytest.mark.parametrize(("mode", "suffix"), [("text", ".xls"), ("number", ".xlsx"), ("text", ".csv")])
def test_a_real_wjx_download_scores_as_the_project_csv_and_names_every_column_left_out(
    mode, suffix, community, runner, tmp_path
):
    loaded, people, answers, reference = community
    download, left_out, ranking = real_wjx(loaded, people, tmp_path / f"问卷星下载{suffix}", mode)
    expected = runner.invoke(main, ["score", str(answers), "--respondents", str(reference), "--format", "json"])
    got = runner.invoke(main, ["score", str(answers), "--respondents", str(download), "--format", "json"])
    assert got.exit_code == 0, got.output
    scored, reference_scored = json.loads(got.stdout), json.loads(expected.stdout)
    notes = scored.pop("notes")
    reference_scored.pop("notes")
    assert scored == reference_scored
    assert [n["zh"] for n in notes] == [
        "已忽略的列（可用 --group-by 分组）: " + "、".join(left_out),
        "排序题等指标包无法计分的列，已略过: " + "、".join(ranking),
    ]
    table = runner.invoke(main, ["score", str(answers), "--respondents", str(download)])
    first_note = table.stderr.strip().splitlines()[0]
    assert first_note.startswith("说明 / note: 已忽略的列（可用 --group-by 分组）: 1、您的性别")


def test_group_by_the_building_column_of_a_wjx_download_gives_per_building_scores(community, runner, tmp_path):
    loaded, people, answers, _ = community
    download, _, _ = real_wjx(loaded, people, tmp_path / "问卷星下载.xlsx", "text")
    args = ["score", str(answers), "--respondents", str(download), "--group-by", "您居住在哪栋楼", "--format", "json"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    groups = json.loads(result.stdout)["groups"]
    assert sorted(g["value"] for g in groups) == BUILDINGS
    assert sum(g["respondents"] for g in groups) == len(people)
    ignored = json.loads(result.stdout)["notes"][0]["zh"]
    assert "您居住在哪栋楼" not in ignored and "备注" in ignored  # the group column is used, not left out


def test_strict_refuses_every_column_left_out_at_once(community, tmp_path):
    loaded, people, _, _ = community
    download, left_out, ranking = real_wjx(loaded, people[:3], tmp_path / "w.csv", "number")
    with pytest.raises(ProblemsError) as caught:
        list(read_respondents(download, loaded, options=ReadOptions(strict=True)))
    refused = sorted(p.field for p in caught.value.problems)
    assert refused == sorted(["第40题(停车管理)", *left_out])  # a ranking question is named by its first column
    assert all("--strict" in p.message for p in caught.value.problems)


def test_a_question_typed_a_little_differently_is_still_refused_with_its_closest_title(community, tmp_path):
    loaded, people, _, _ = community
    download, _, _ = real_wjx(loaded, people[:3], tmp_path / "w.csv", "text")
    download.write_text(download.read_text(encoding="utf-8").replace("一年去几次服务中心", "一年去几次服务站"),
                        encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        list(read_respondents(download, loaded))
    [problem] = caught.value.problems
    assert "一年去几次服务站" in problem.field and "q-visits" in problem.message


def test_suggest_map_lists_every_column_and_never_maps_a_weak_guess(community, tmp_path):
    loaded, people, _, _ = community
    download, _, _ = real_wjx(loaded, people[:3], tmp_path / "w.csv", "number")
    text = download.read_text(encoding="utf-8").replace("我信任社区党组织", "我很信任社区", 1)
    download.write_text(text, encoding="utf-8")
    table = open_table(download)
    suggestions = {s.header: s for s in suggest_map(table, loaded.pack)}
    assert list(suggestions) == table.header  # every column, metadata and ranking ones included
    drafted = map_text(list(suggestions.values()), download.name, loaded.pack)
    weak = next(s for h, s in suggestions.items() if "我很信任社区" in h)
    assert weak.question is not None and weak.question.id == "q-trust" and weak.confidence < MAPPED
    line = next(ln for ln in drafted.splitlines() if "我很信任社区" in ln)
    assert ": null  #" in line and "q-trust" in line and "未采用" in line
    assert '  "第40题(停车管理)": null  # 排序题' in drafted
    assert f"低于 {MAPPED:.2f}" in drafted.splitlines()[2]  # the threshold is stated in the draft's head
