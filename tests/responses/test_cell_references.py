"""The NumPy reading of cell references gives exactly the places the references name, or None for any
reference not written as Excel writes it (then the sheet is read whole)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assess.responses.cell_references import cell_places
from assess.responses.sheet_extent import column_letters


def sheet_rows(cells: list[tuple[int, int]], prefix: bytes = b"") -> bytes:
    """Rows of cells at (row, column) as a writer puts them, with tags whose names start like a cell's."""
    body = b"".join(
        b"<%srow r=\"%d\"><%sc r=\"%s%d\" t=\"n\"><%sv>1</%sv></%sc></%srow>"
        % (prefix, row, prefix, column_letters(column).encode(), row, prefix, prefix, prefix, prefix)
        for row, column in cells
    )
    return b"<%scols><%scol min=\"1\" max=\"3\"/></%scols><%ssheetData>%s</%ssheetData>" % (
        prefix, prefix, prefix, prefix, body, prefix)


@given(st.lists(st.tuples(st.integers(1, 1_048_576), st.integers(1, 16_384)), max_size=40),
       st.sampled_from([b"", b"x:"]))
def test_every_reference_is_read_at_its_place(cells, prefix):
    rows, columns = cell_places(sheet_rows(cells, prefix), prefix)
    assert list(zip(rows.tolist(), columns.tolist(), strict=True)) == cells


@pytest.mark.parametrize("tag", [
    b'<c r="b3">', b'<c r="B03">', b'<c r="B0">', b'<c>', b'<c/>', b'<c t="n" r="B3">', b'<c r="ABCD3">',
    b'<c r="B12345678">', b'<c r="B3 ">', b'<c r="3">', b"<c r='B3'>",
])
def test_a_reference_written_otherwise_gives_none(tag):
    xml = sheet_rows([(1, 1), (2, 2)]).replace(b"</sheetData>", b"<row r=\"3\">" + tag + b"</c></row></sheetData>")
    assert cell_places(xml) is None


def test_white_space_before_the_reference_is_any_that_xml_allows():
    rows, columns = cell_places(b'<row r="4"><c\tr="C4"></c><c\nr="AA4"/></row>')
    assert rows.tolist() == [4, 4] and columns.tolist() == [3, 27]


@given(st.lists(st.sampled_from([b"<c", b" ", b"\t", b'r="', b"A", b"Z", b"0", b"9", b'"', b">", b"/", b"x:", b"<"]),
                max_size=40))
def test_any_bytes_give_places_or_none_never_an_error(parts):
    """Whatever a damaged or hostile sheet holds, even a tag cut off at the end of a window."""
    result = cell_places(b"".join(parts))
    assert result is None or len(result[0]) == len(result[1])
