"""A large .xlsx read in pieces scores exactly as the whole sheet does, and anything the pieces cannot vouch
for (rows out of order, a far cell, mixed types, a title row, a bad cell) gives the whole sheet's result."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest

from assess.errors import AssessError
from assess.responses import columnar, sheet_pieces
from assess.responses.respondents import columnar_ready, opened_table
from assess.scoring.score import score_file
from tests.responses.test_columnar import big_csv, survey  # noqa: F401 -- survey is a fixture
from tests.responses.test_kobo import all_types  # noqa: F401 -- a fixture

SHEET = "xl/worksheets/sheet1.xml"


ROWS = 2500


@pytest.fixture
def small_pieces(monkeypatch):
    """Pieces of 16 KiB and blocks of 256 rows, so that a test workbook of `ROWS` rows is cut into dozens of
    pieces and the first piece of rows (the first block) is one of many."""
    monkeypatch.setattr(columnar, "WORKBOOK_MIN_BYTES", 0)
    monkeypatch.setattr(sheet_pieces, "WORKBOOK_MIN_BYTES", 0)
    monkeypatch.setattr(columnar, "WORKBOOK_ROWS", 256)
    monkeypatch.setattr(sheet_pieces, "WORKBOOK_ROWS", 256)
    monkeypatch.setattr(sheet_pieces, "MIN_PIECE_BYTES", 1 << 14)
    monkeypatch.setattr(sheet_pieces, "PIECES", 1000)
    monkeypatch.setattr(sheet_pieces, "WINDOW_BYTES", 1 << 12)


def workbook(source, path, title_row=None, start_column=0, typed=True):
    """The CSV's rows as an .xlsx written by openpyxl, numbers as numbers (`typed`), starting in column
    `start_column` (0 = A), with `title_row` under the header if given."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    with source.open(encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.reader(handle)):
            cells = row if n == 0 or not typed else [int(c) if c.isdigit() else c for c in row]
            sheet.append([None] * start_column + cells)
            if n == 0 and title_row:
                sheet.append([None] * start_column + title_row)
    book.save(path)
    return path


def rewritten(path, change, styles=None):
    """The workbook with its sheet's XML changed by `change` (bytes -> bytes), and its styles by `styles`."""
    changes = {SHEET: change, "xl/styles.xml": styles or (lambda xml: xml)}
    data = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, changes.get(info.filename, lambda xml: xml)(content))
    path.write_bytes(data.getvalue())
    return path


def with_date_style(styles: bytes) -> bytes:
    """openpyxl's styles with a second cell format, numFmtId 14 (a date), which `s="1"` then names."""
    return re.sub(rb'<cellXfs count="1">(<xf [^>]*/>)</cellXfs>',
                  rb'<cellXfs count="2">\1<xf numFmtId="14" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>'
                  rb"</cellXfs>", styles)


def whole(monkeypatch):
    monkeypatch.setattr(sheet_pieces, "pieces_table", lambda path: None)


def row_by_row(monkeypatch):
    monkeypatch.setattr(columnar, "claims", lambda table: False)


def pieces_used(monkeypatch) -> list:
    """Records each piece the columnar reader codes, as "arrow" or "rows"."""
    used = []
    real = columnar.BlockCoding.arrow_block
    monkeypatch.setattr(columnar.BlockCoding, "arrow_block", lambda self, *a: used.append("arrow") or real(self, *a))
    real_rows = columnar.BlockCoding.row_blocks
    monkeypatch.setattr(columnar.BlockCoding, "row_blocks",
                        lambda self, rows, first: used.append("rows") or real_rows(self, rows, first))
    return used


def in_pieces_and_whole(monkeypatch, answers, path, by_row=False):
    """The score (or the message) read in pieces, and of the whole sheet (also row by row if `by_row`)."""
    outcomes = []
    for way in ("pieces", "whole", "row by row")[:3 if by_row else 2]:
        with monkeypatch.context() as patch:
            if way != "pieces":
                whole(patch)
            if way == "row by row":
                row_by_row(patch)
            try:
                outcomes.append(score_file(answers, path))
            except AssessError as exc:
                outcomes.append(str(exc))
    return outcomes


def given_up(monkeypatch) -> list:
    """Records why the columnar reader gave up on a file (RowPathNeeded), if it did."""
    reasons = []
    real = columnar.coded_respondents

    def recording(*args):
        try:
            yield from real(*args)
        except columnar.RowPathNeeded as exc:
            reasons.append(str(exc))
            raise

    monkeypatch.setattr("assess.responses.columnar.coded_respondents", recording)
    return reasons


@pytest.mark.parametrize("start_column", [0, 2])
def test_a_workbook_in_pieces_scores_as_the_whole_sheet(survey, tmp_path, monkeypatch, small_pieces, start_column):  # noqa: F811
    loaded, people, answers = survey
    people = people[:ROWS]
    source = big_csv(loaded, tmp_path / "big.csv", people)
    path = workbook(source, tmp_path / "big.xlsx", start_column=start_column)
    table = opened_table(path, in_pieces=True)
    assert table.pieces is not None and columnar_ready(table)
    used = pieces_used(monkeypatch)
    pieces, whole_sheet, by_row = in_pieces_and_whole(monkeypatch, answers, path, by_row=True)
    assert pieces == whole_sheet == by_row == score_file(answers, source) and pieces.respondents == len(people)
    assert used.count("arrow") > 10  # the pieces after the first by Arrow columns; the first by rows


def test_read_in_pieces_gives_the_whole_sheets_rows(survey, tmp_path, small_pieces):  # noqa: F811
    loaded, people, _ = survey
    people = people[:ROWS]
    path = workbook(big_csv(loaded, tmp_path / "big.csv", people), tmp_path / "big.xlsx")
    in_pieces, whole_sheet = opened_table(path, in_pieces=True), opened_table(path)
    assert in_pieces.pieces is not None and whole_sheet.pieces is None
    assert in_pieces.header == whole_sheet.header

    def filled(table):  # the rows with a value, each up to its last value (pieces end where their cells do)
        rows = ([*row] for row in table.read() if not all(map(columnar.blank_cell, row)))
        return [row[:max(i for i, cell in enumerate(row) if cell != "") + 1] for row in rows]

    assert filled(in_pieces) == filled(whole_sheet) and len(filled(in_pieces)) == ROWS + 1


def test_a_piece_of_mixed_types_is_read_by_calamine_to_the_same_score(survey, tmp_path, monkeypatch, small_pieces):  # noqa: F811
    """Texts in one row of a number column: fastexcel refuses that piece's column, calamine reads it."""
    loaded, people, answers = survey
    people = people[:ROWS]
    source = big_csv(loaded, tmp_path / "big.csv", people)
    path = workbook(source, tmp_path / "big.xlsx")
    late = people[1500].id.encode()

    def texted(xml: bytes) -> bytes:  # the first number in column B after that respondent, as text
        at = xml.index(late)
        return xml[:at] + re.sub(rb'(<c r="B\d+")( t="n")?><v>(\d)</v>', rb'\1 t="inlineStr"><is><t>\3</t></is>',
                                 xml[at:], count=1)

    used = pieces_used(monkeypatch)
    score_file(answers, path)
    before = list(used)
    used.clear()
    rewritten(path, texted)
    score_file(answers, path)
    assert used.count("rows") == before.count("rows") + 1 and used.count("arrow") == before.count("arrow") - 1
    pieces, whole_sheet = in_pieces_and_whole(monkeypatch, answers, path)
    assert pieces == whole_sheet == score_file(answers, source)


def test_the_title_row_of_a_data_entry_workbook_is_skipped_in_pieces(survey, tmp_path, monkeypatch, small_pieces):  # noqa: F811
    loaded, people, answers = survey
    people = people[:ROWS]
    source = big_csv(loaded, tmp_path / "big.csv", people)
    from tests.responses.test_respondents import resident_questions

    titles = ["编号", *(q.title.zh for q in resident_questions(loaded))]
    path = workbook(source, tmp_path / "big.xlsx", title_row=titles)
    used = pieces_used(monkeypatch)
    pieces, whole_sheet = in_pieces_and_whole(monkeypatch, answers, path)
    assert pieces == whole_sheet == score_file(answers, source)
    assert used[0] == "rows" and "arrow" in used


ANOMALIES = {  # what is changed, and what the pieces must then do: give up (with words of the reason) or
    # read a piece by python-calamine ("calamine")
    "row moved up": "out of place",
    "row numbers repeat": "out of place",
    "cell left of the header, late": "left of the header",
    "cell left of the header, under the header": "left of the header",
    "date cell": "calamine",
    "error cell": "calamine",
    "cell of another row": "out of place",
    "blank row under the header": "blank row under the header",
}


@pytest.mark.parametrize("anomaly", list(ANOMALIES))
def test_what_the_pieces_cannot_vouch_for_scores_as_the_whole_sheet(anomaly, survey, tmp_path, monkeypatch,  # noqa: F811
                                                                    small_pieces):
    loaded, people, answers = survey
    people = people[:ROWS]
    path = workbook(big_csv(loaded, tmp_path / "big.csv", people), tmp_path / "big.xlsx", start_column=1)

    def change(xml: bytes) -> bytes:
        rows = list(re.finditer(rb"<row [^>]*>.*?</row>", xml, re.S))
        late, later = rows[1500], rows[2200]
        if anomaly == "row moved up":  # row 2201 written before row 1501: calamine places cells by reference
            return xml[:late.start()] + later.group(0) + xml[late.start():later.start()] + xml[later.end():]
        if anomaly == "row numbers repeat":
            return xml.replace(b'<row r="2201"', b'<row r="1501"', 1)
        if anomaly == "cell left of the header, late":
            return xml[:later.start()] + re.sub(rb'<c r="B2201"', b'<c r="A2201"', later.group(0)) + xml[later.end():]
        if anomaly == "cell left of the header, under the header":  # read by calamine, row by row
            return xml.replace(b'<c r="B2"', b'<c r="A2"', 1)
        if anomaly == "date cell":  # a number in a date format: calamine gives a date
            return xml.replace(b'<c r="C2201" ', b'<c r="C2201" s="1" ', 1)
        if anomaly == "error cell":
            return re.sub(rb'<c r="C2201"([^>]*)>(.*?)</c>', rb'<c r="C2201" t="e"><v>#N/A</v></c>', xml, count=1)
        if anomaly == "blank row under the header":  # the title-row check then looks at the next row
            return re.sub(rb'(<row r="2"[^>]*>).*?</row>', rb"\1</row>", xml, count=1, flags=re.S)
        return xml.replace(b'<c r="C2201"', b'<c r="C1501"', 1)

    rewritten(path, change, with_date_style if anomaly == "date cell" else None)
    reasons, used = given_up(monkeypatch), pieces_used(monkeypatch)
    pieces, whole_sheet = in_pieces_and_whole(monkeypatch, answers, path)
    assert pieces == whole_sheet
    expected = ANOMALIES[anomaly]
    if expected == "calamine":  # the row under the header, and the piece holding the change
        assert used[:used.index("rows", 1) + 1].count("rows") == 2 and "arrow" in used
    else:
        assert reasons and expected in reasons[0]


def test_a_far_cell_in_a_late_piece_is_refused_before_it_is_parsed(survey, tmp_path, monkeypatch, small_pieces):  # noqa: F811
    """A cell at XFD1048576 among ordinary rows: the pieces refuse it unparsed, and the whole sheet's check
    says why, as it would have without the pieces."""
    loaded, people, answers = survey
    people = people[:ROWS]
    path = workbook(big_csv(loaded, tmp_path / "big.csv", people), tmp_path / "big.xlsx")
    rewritten(path, lambda xml: xml.replace(b'<c r="B2201"', b'<c r="XFD1048576"', 1))
    parsed = []
    real = sheet_pieces.SheetPieces.parsed
    monkeypatch.setattr(sheet_pieces.SheetPieces, "parsed", lambda self, n, p: parsed.append(n) or real(self, n, p))
    with pytest.raises(AssessError, match="超过 5,000,000 个单元格"):
        score_file(answers, path)
    assert parsed and max(parsed) < len(parsed) + 2  # not the piece holding it, nor any after
