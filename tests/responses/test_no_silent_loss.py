"""A residents' file is never read with data quietly dropped: a row longer than its header, a cell beyond the
header of a workbook, a quote left open, an export with no submissions -- each is a message at its row."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from assess.cli import main
from assess.packs.loading import load_pack
from assess.responses.respondents import read_respondents
from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "old-community"
LINES = (EXAMPLE / "residents.csv").read_text(encoding="utf-8").splitlines()


def csv_file(path, lines, encoding="utf-8", delimiter=","):
    path.write_text("\n".join(line.replace(",", delimiter) for line in lines) + "\n", encoding=encoding)
    return path


def both(runner, path, tmp_path):
    """`score --respondents` and `import` of the same file: both must refuse it, and import write nothing."""
    scored = runner.invoke(main, ["score", str(EXAMPLE / "answers.yaml"), "--respondents", str(path)])
    out = tmp_path / "导入.yaml"
    imported = runner.invoke(main, ["import", str(path), "-o", str(out), "--community-name", "x"])
    assert not out.exists()
    return scored, imported


@pytest.mark.parametrize("encoding,delimiter", [("utf-8", ","), ("gb18030", ","), ("utf-8", ";")])
def test_a_row_longer_than_its_header(runner, tmp_path, encoding, delimiter):
    path = csv_file(tmp_path / "r.csv", [LINES[0], LINES[1], LINES[2] + ",多出,来的", *LINES[3:6]], encoding, delimiter)
    for result in both(runner, path, tmp_path):
        assert result.exit_code == 1 and f"{path}:3: 单元格数（45）多于表头的列数（43）" in result.output


def test_a_kobo_export_row_longer_than_its_header(runner, tmp_path):
    path = tmp_path / "kobo.csv"
    path.write_text("start,end,_uuid,q_know_party_group\na,b,u1,3\na,b,u2,4,extra\n", encoding="utf-8")
    result = runner.invoke(main, ["import", str(path), "-o", str(tmp_path / "o.yaml"), "--community-name", "x"])
    assert result.exit_code == 1 and f"{path}:3: 单元格数（5）多于表头的列数（4）" in result.output
    assert not (tmp_path / "o.yaml").exists()


@pytest.mark.parametrize("row", [2, 4])
def test_a_workbook_cell_beyond_the_header(runner, tmp_path, row):
    book = Workbook()
    for number, line in enumerate(LINES[:5], start=1):
        cells = line.split(",")
        book.active.append(cells + (["", "", "写在表头外"] if number == row else []))
    path = tmp_path / "录入表.xlsx"
    book.save(path)
    for result in both(runner, path, tmp_path):
        assert result.exit_code == 1 and f"{path}:{row}: 单元格数（46）多于表头的列数（43）" in result.output
        assert "列名为空" not in result.output and "列名重复" not in result.output  # the header itself is fine


@pytest.mark.parametrize("where", [2, 4, 5])
def test_a_quote_left_open(runner, tmp_path, where):
    lines = list(LINES[:6])
    lines[where - 1] = '"' + lines[where - 1]
    path = csv_file(tmp_path / "q.csv", lines)
    for result in both(runner, path, tmp_path):
        assert result.exit_code == 1 and f"{path}:{where}: 此行的引号没有闭合" in result.output


def test_a_quoted_cell_over_several_lines_is_still_one_cell(runner, tmp_path):
    header = "respondent_id,q-resident-suggestions"
    path = csv_file(tmp_path / "m.csv", [header, 'r1,"多建活动室\n再加几张桌子"', "r2,无"])
    out = tmp_path / "m.yaml"
    result = runner.invoke(main, ["import", str(path), "-o", str(out), "--community-name", "x"])
    assert result.exit_code == 0, result.output
    table = tmp_path / "m.residents.csv"  # the residents' table the answer file names
    assert [e.answers for e in read_respondents(out, load_pack("core"))] == [
        {"q-resident-suggestions": "多建活动室\n再加几张桌子"}, {"q-resident-suggestions": "无"}]
    assert "再加几张桌子" in table.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("header", [LINES[0], "start;end;_uuid;q_know_party_group"])
def test_an_export_with_no_submissions_is_refused_by_import(runner, tmp_path, header):
    path = csv_file(tmp_path / "e.csv", [header])
    out = tmp_path / "e.yaml"
    result = runner.invoke(main, ["import", str(path), "-o", str(out), "--community-name", "x"])
    assert result.exit_code == 1 and "文件中没有任何答卷（0 份）" in result.output and not out.exists()
