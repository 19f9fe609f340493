"""The residents' file's columns of no question (性别, 楼栋, 备注) reach `analyze`'s data exports as they came,
each cell on its respondent's row, whichever reader read the file; they are kept only when an export asks."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from assess.analysis.survey import load_survey
from assess.cli import main
from assess.packs import load_pack
from assess.responses.reading import DEFAULT_READING, ReadOptions
from assess.responses.respondents import read_respondents

EXAMPLES = Path(__file__).parents[2] / "examples"
ANSWERS, RESIDENTS = EXAMPLES / "old-community" / "answers.yaml", EXAMPLES / "old-community" / "residents.csv"
BUILDING = "您居住在哪栋楼？"
WJX_META = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]


def people() -> list[dict[str, str]]:
    with RESIDENTS.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def sex(n: int) -> str:
    return "女" if n % 3 else "男"


def building(n: int) -> str:
    return f"{n % 4 + 1}号楼"


def wjx_cell(question, raw: str):
    """A cell as a 问卷星 download "按选项文本" holds it."""
    if raw == "":
        return "(跳过)"
    if question.type == "likert":
        label = question.scale.labels.get(int(raw))
        return label.zh if label else int(raw)
    if question.type == "yes_no":
        return "是" if raw == "yes" else "否"
    options = {o.id: o.label.zh for o in getattr(question, "options", [])}
    if question.type == "choice":
        return options.get(raw, raw)
    if question.type == "multi_choice":
        return "┋".join(options.get(v, v) for v in raw.split())
    return raw


def wjx_download(path: Path) -> Path:
    """The example's residents as a 问卷星 .xlsx download, with 性别 and the building asked as questions of
    their own (not in the pack) between the pack's questions."""
    from openpyxl import Workbook

    questions = [q for _, _, q in load_pack("core").pack.questions() if q.respondent == "resident"]
    half = len(questions) // 2
    titles = [f"{n}、{q.title.zh}" for n, q in enumerate(questions, start=1)]
    book = Workbook()
    book.active.append([*WJX_META, "性别", *titles[:half], BUILDING, *titles[half:]])
    for n, person in enumerate(people(), start=1):
        cells = [wjx_cell(q, person.get(q.id, "")) for q in questions]
        book.active.append([n, "2026/5/1 10:00:00", "75秒", "手机提交", "直接访问", "1.2.3.4(山西)", sex(n),
                            *cells[:half], building(n), *cells[half:]])
    book.save(path)
    return path


def project_table(path: Path) -> Path:
    """The example's residents' table with a 性别 column and a remark column added at the end."""
    rows = people()
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, [*rows[0], "性别", "备注"])
        writer.writeheader()
        for n, row in enumerate(rows, start=1):
            writer.writerow({**row, "性别": sex(n), "备注": f"第{n}户" if n % 5 == 0 else ""})
    return path


def data_sheet(path: Path) -> tuple[list[str], list[tuple]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return list(rows[0]), rows[1:]


def test_a_wjx_download_s_sex_and_building_columns_are_in_the_sav_on_their_respondents_rows(runner, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    download = wjx_download(tmp_path / "问卷星下载.xlsx")
    out = tmp_path / "居民问卷.sav"
    result = runner.invoke(main, ["analyze", str(ANSWERS), "--respondents", str(download), "--format", "sav",
                                  "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "已忽略的列" in result.output and BUILDING in result.output
    frame, meta = pyreadstat.read_sav(str(out))
    labelled = {label: name for name, label in meta.column_names_to_labels.items()}
    assert labelled["性别"] == "attr_1" and labelled[BUILDING] == "attr_2"  # in the file's order
    assert len(frame) == len(people())
    for rid, said_sex, said_building in zip(frame["respondent_id"], frame["attr_1"], frame[labelled[BUILDING]],
                                            strict=True):
        n = int(rid)  # 问卷星's 序号 is the respondent's id
        assert (said_sex, said_building) == (sex(n), building(n))


def test_a_wjx_download_s_columns_are_in_the_workbook_under_their_headers(runner, tmp_path):
    download = wjx_download(tmp_path / "问卷星下载.xlsx")
    out = tmp_path / "分析.xlsx"
    result = runner.invoke(main, ["analyze", str(ANSWERS), "--respondents", str(download), "--format", "xlsx",
                                  "-o", str(out), "--group-by", BUILDING])
    assert result.exit_code == 0, result.output
    header, rows = data_sheet(out)
    assert header.count("性别") == 1 and header.count(BUILDING) == 1  # the group column is not repeated
    assert "提交答卷时间" not in header  # 问卷星's own columns are not the residents' attributes
    for row in rows:
        n = int(row[0])
        assert row[header.index("性别")] == sex(n) and row[header.index(BUILDING)] == building(n)


def test_a_table_otherwise_read_by_column_gives_its_columns_to_the_workbook(runner, tmp_path):
    table = project_table(tmp_path / "residents.csv")
    out = tmp_path / "分析.xlsx"
    result = runner.invoke(main, ["analyze", str(ANSWERS), "--respondents", str(table), "--format", "xlsx",
                                  "-o", str(out)])
    assert result.exit_code == 0, result.output
    header, rows = data_sheet(out)
    numbers = {row["respondent_id"]: n for n, row in enumerate(people(), start=1)}
    assert header[-2:] == ["性别", "备注"]
    assert len(rows) == len(numbers)
    for row in rows:
        n = numbers[row[0]]
        assert row[-2:] == (sex(n), f"第{n}户" if n % 5 == 0 else None)  # an empty cell stays empty


def test_attributes_are_kept_only_when_an_export_asks(tmp_path):
    table = project_table(tmp_path / "residents.csv")
    assert load_survey(ANSWERS, table).attributes is None
    kept = load_survey(ANSWERS, table, rows=True)
    assert kept.attributes[0] == {"性别": sex(1), "备注": ""}
    pack = load_pack("core")
    assert all(not e.attributes for e in read_respondents(table, pack, options=DEFAULT_READING))
    assert [e.attributes["性别"] for e in read_respondents(table, pack, options=ReadOptions(attributes=True))][:3] \
        == [sex(1), sex(2), sex(3)]


def test_a_repeated_header_left_out_keeps_both_columns(tmp_path):
    download = wjx_download(tmp_path / "问卷星下载.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(download)
    book.active.cell(1, book.active.max_column + 1, "备注")
    book.active.cell(1, book.active.max_column + 1, "备注")
    book.active.cell(2, book.active.max_column - 1, "一")
    book.active.cell(2, book.active.max_column, "二")
    book.save(download)
    first = next(iter(read_respondents(download, load_pack("core"), options=ReadOptions(attributes=True))))
    assert (first.attributes["备注"], first.attributes["备注 (2)"]) == ("一", "二")
