"""A workbook whose few cells lie far apart is refused before python-calamine lays it out as a grid.

Before this check a 5 KB .xlsx with values in A1 and XFD1048576 aborted the process inside calamine, and a
5 KB .xls with a value in IV65536 took 11 s and 1.1 GB.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from assess.cli import main
from assess.errors import AssessError
from assess.responses.sheet_extent import (
    LETTERS,
    MAX_SHEET_CELLS,
    above,
    below,
    check_sheet,
    column_letters,
    column_number,
    xlsx_extent,
)

EXAMPLES = Path(__file__).parents[2] / "examples"
HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>respondent_id</t></is></c></row>'


def workbook(path: Path, far: str) -> Path:
    book = Workbook()
    book.active["A1"] = "respondent_id"
    book.active["A2"] = "r1"
    book.active[far] = 1
    book.save(path)
    return path


def with_sheet_xml(path: Path, rows: str, prefix: str = "") -> Path:
    """An openpyxl workbook whose first sheet's XML is replaced: what other writers, or an attacker, write."""
    buffer = io.BytesIO()
    Workbook().save(buffer)
    ns = f' xmlns:{prefix[:-1]}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"' if prefix else \
        ' xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet = f"<{prefix}worksheet{ns}><{prefix}sheetData>{rows}</{prefix}sheetData></{prefix}worksheet>"
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item, data)
    return path


@pytest.mark.parametrize("far", ["XFD1048576", "CV1048576", "XFD400", "ZZ200000"])
def test_an_xlsx_with_a_far_cell_is_refused_with_its_extent(far, tmp_path, runner):
    path = workbook(tmp_path / "稀疏.xlsx", far)
    answers = str(EXAMPLES / "old-community" / "answers.yaml")
    result = runner.invoke(main, ["score", answers, "--respondents", str(path)])
    assert result.exit_code == 1 and "数据范围过大" in result.output and "cell limit" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_far_cell_hidden_in_a_near_row_or_placed_by_counting_is_found(tmp_path):
    below = f'{HEADER}<row r="2"><c r="B900000"><v>1</v></c></row>'
    counted = HEADER + '<row r="2">' + "<c><v>1</v></c>" * 300 + '</row><row r="40000"><c><v>1</v></c></row>'
    unreferenced_rows = HEADER + "<row><c><v>1</v></c></row>" * 3 + '<row><c r="AAA5"><v>1</v></c></row>'
    prefixed = ('<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
                '<x:row r="2"><x:c r="XFD9"><x:v>1</x:v></x:c></x:row>')
    # calamine reads B0900000 as B900000 and xfd9 as XFD9: a reference written otherwise is placed as it reads it
    zeros = f'{HEADER}<row r="2"><c r="A2"><v>1</v></c><c r="AM0900000"><v>1</v></c></row>'
    lower = f'{HEADER}<row r="02"><c r="xfd2"><v>1</v></c></row>'
    for name, rows, prefix, extent in [("below", below, "", (900000, 2)), ("counted", counted, "", (40000, 300)),
                                        ("rows", unreferenced_rows, "", (5, 703)), ("x", prefixed, "x:", (9, 16384)),
                                        ("zeros", zeros, "", (900000, 39)), ("lower", lower, "", (2, 16384))]:
        path = with_sheet_xml(tmp_path / f"{name}.xlsx", rows, prefix)
        with zipfile.ZipFile(path) as archive:
            assert xlsx_extent(archive.read("xl/worksheets/sheet1.xml")) == extent, name
        if extent[0] * extent[1] > MAX_SHEET_CELLS:
            with pytest.raises(AssessError, match="数据范围过大"):
                check_sheet(path, "xlsx")
        else:
            check_sheet(path, "xlsx")


def test_an_xls_with_a_far_cell_is_refused(tmp_path):
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Sheet1")
    sheet.write(0, 0, "respondent_id")
    sheet.write(1, 0, "r1")
    sheet.write(65535, 255, 1)
    book.add_sheet("Sheet2").write(0, 0, "x")
    path = tmp_path / "稀疏.xls"
    book.save(str(path))
    with pytest.raises(AssessError, match="65,536 行 × 256 列"):
        check_sheet(path, "xls")


def test_a_dense_sheet_under_the_limit_passes_and_its_extent_is_not_overstated(tmp_path):
    book = Workbook()
    for row in range(1, 2001):
        book.active.append([f"r{row}", *range(40)])
    path = tmp_path / "dense.xlsx"
    book.save(path)
    check_sheet(path, "xlsx")
    with zipfile.ZipFile(path) as archive:
        rows, columns = xlsx_extent(archive.read("xl/worksheets/sheet1.xml"))
    assert rows == 2000 and columns >= 41


@given(st.integers(1, 10**7), st.integers(0, 10**8))
def test_above_matches_exactly_the_numbers_over_the_limit(limit, number):
    assert bool(re.fullmatch(above(str(limit), "0123456789"), str(number).encode())) == (number > limit)


@given(st.integers(1, 16384), st.integers(1, 18278))
def test_above_matches_exactly_the_columns_after_the_limit(limit, column):
    letters = column_letters(column)
    assert column_number(letters.encode()) == column
    assert bool(re.fullmatch(above(column_letters(limit), LETTERS), letters.encode())) == (column > limit)


@given(st.integers(1, 10**7), st.integers(1, 10**8))
def test_below_matches_exactly_the_numbers_under_the_limit(limit, number):
    pattern = below(str(limit), "0123456789")
    assert bool(pattern and re.fullmatch(pattern, str(number).encode())) == (number < limit)


@given(st.integers(1, 16384), st.integers(1, 18278))
def test_below_matches_exactly_the_columns_before_the_limit(limit, column):
    pattern = below(column_letters(limit), LETTERS)
    assert bool(pattern and re.fullmatch(pattern, column_letters(column).encode())) == (column < limit)
