"""腾讯问卷 downloads, built in their layout (see `assess.responses.tencent`), score as the project's CSV.

The layout: 编号 and the answering-time metadata first, `N.题目` columns, a multi-select as one
`N.题目:选项` column per option holding the option's text when chosen, a matrix as `N.题干:行` columns.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assess.cli import main
from assess.errors import ProblemsError
from assess.responses.column_map import suggest_map
from assess.responses.formats import format_of
from assess.responses.respondents import read_respondents
from assess.responses.survey_format import METADATA, OPTIONS
from assess.responses.tabular import open_table
from tests.responses.test_kobo import all_types, respondents  # noqa: F401 -- all_types is a fixture
from tests.responses.test_respondents import project_table, resident_questions, write_table

META = ["编号", "开始答题时间", "结束答题时间", "答题时长", "地理位置国家和地区", "地理位置省", "地理位置市",
        "自定义字段", "IP"]


def tencent_cells(question, value) -> list:
    if question.type == "multi_choice":
        return [o.label.zh if value and o.id in value else "" for o in question.options]
    if value is None:
        return [""]
    if question.type == "yes_no":
        return ["是" if value else "否"]
    if question.type == "choice":
        return [next(o.label.zh for o in question.options if o.id == value)]
    return [value]


def tencent_download(loaded, people, path: Path) -> Path:
    """A 腾讯问卷 download of the questionnaire, with 性别 and 楼栋 asked too, two likert questions as a matrix."""
    questions = resident_questions(loaded)
    matrix = [q for q in questions if q.type == "likert"][:2]
    header = [*META, "1.您的性别", "2.您居住在哪栋楼"]
    for n, q in enumerate(questions, start=3):
        if q in matrix:
            header.append(f"{n}.请您对以下说法打分:{q.title.zh}")
        elif q.type == "multi_choice":
            header += [f"{n}.{q.title.zh}:{o.label.zh}" for o in q.options]
        else:
            header.append(f"{n}.{q.title.zh}")
    rows = []
    for n, person in enumerate(people, start=1):
        meta = [n, "2026-05-01 10:00:00", "2026-05-01 10:03:12", "192秒", "中国", "山西", "晋城", "", "1.2.3.4"]
        cells = ["男" if n % 2 else "女", f"{n % 3 + 1}号楼"]
        for q in questions:
            cells += tencent_cells(q, person.answers.get(q.id))
        rows.append([*meta, *cells])
    return write_table(path, header, rows, **({"encoding": "utf-8-sig"} if path.suffix == ".csv" else {}))


@pytest.fixture
def community(all_types, tmp_path):  # noqa: F811
    people = [p for p in respondents(all_types, 40, seed=5)
              if p.answers.get("q-help-kinds") != []]  # an empty multi-select is no different from unanswered here
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"pack: {all_types.file}\ncommunity: {{name: 幸福社区}}\n", encoding="utf-8")
    return all_types, people, answers, project_table(all_types, people, tmp_path / "reference.csv")


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_tencent_download_scores_as_the_project_csv(suffix, community, runner, tmp_path):
    loaded, people, answers, reference = community
    download = tencent_download(loaded, people, tmp_path / f"腾讯问卷下载{suffix}")
    assert format_of(open_table(download).header).name == "tencent"
    got = runner.invoke(main, ["score", str(answers), "--respondents", str(download), "--format", "json"])
    expected = runner.invoke(main, ["score", str(answers), "--respondents", str(reference), "--format", "json"])
    assert got.exit_code == 0, got.output
    scored, reference_scored = json.loads(got.stdout), json.loads(expected.stdout)
    assert scored.pop("notes") == [{"zh": "已忽略的列（可用 --group-by 分组）: 1.您的性别、2.您居住在哪栋楼",
                                    "en": "columns left out (usable with --group-by): 1.您的性别, 2.您居住在哪栋楼",
                                    "question": None, "detail": None}]
    reference_scored.pop("notes")
    assert scored == reference_scored
    read = {e.id: e.answers for e in read_respondents(download, loaded)}
    assert list(read.values()) == [p.answers for p in people]  # every answer as given, 编号 as the id


def test_group_by_a_tencent_column(community, runner, tmp_path):
    loaded, people, answers, _ = community
    download = tencent_download(loaded, people, tmp_path / "腾讯问卷下载.xlsx")
    result = runner.invoke(main, ["score", str(answers), "--respondents", str(download), "--group-by", "您居住在哪栋楼",
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    assert sorted(g["value"] for g in json.loads(result.stdout)["groups"]) == ["1号楼", "2号楼", "3号楼"]


def test_a_bad_option_cell_names_its_row_and_column(community, tmp_path):
    loaded, people, _, _ = community
    download = tencent_download(loaded, people[:3], tmp_path / "t.csv")
    lines = download.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    column = next(i for i, h in enumerate(header) if h.endswith(":托育"))
    cells = lines[2].split(",")
    cells[column] = "也许"
    lines[2] = ",".join(cells)
    download.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        list(read_respondents(download, loaded))
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (3, header[column]) and "'也许'" in problem.message


def test_suggest_map_knows_the_tencent_columns(community, tmp_path):
    loaded, people, _, _ = community
    download = tencent_download(loaded, people[:3], tmp_path / "t.xlsx")
    kinds = {s.header: s.kind for s in suggest_map(open_table(download), loaded.pack)}
    assert all(kinds[m] == METADATA for m in META)
    assert [h for h, k in kinds.items() if k == OPTIONS] == [h for h in kinds if ":" in h and "得到过哪些帮助" in h]
