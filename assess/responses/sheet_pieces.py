"""A large .xlsx sheet read in pieces: worker threads parse the next pieces while this one is coded.

Parsing a whole sheet with python-calamine and then coding its rows one Python object at a time took 6 s
for 100,000 rows. Here the sheet's XML is cut at row tags into pieces; each piece, wrapped with the
workbook's other parts into a small stored zip, is parsed in a worker thread (one per core; the parsers
release the GIL) by fastexcel, which gives each column as one typed Arrow array, so a column is coded by its
distinct values rather than cell by cell (see `columnar.Coder.arrow_codes`). fastexcel reads with calamine,
so the values are calamine's. A piece whose columns mix types (a number typed into a text column), hold
dates or error cells is parsed by python-calamine instead and coded row by row, and so is the row under the
header, which may be a data-entry workbook's visible title row.

The pieces give exactly what the whole sheet gives, or nothing: `RowPathNeeded` sends the file back to the
whole-sheet reader. Before a piece is parsed its references are read (`cell_references`) and checked as
`sheet_extent` checks the whole sheet, and more strictly: every reference written as Excel writes it, every
row tag and cell between the piece's first row tag and the next piece's, no column further right than the
sheet's rows leave within `MAX_SHEET_CELLS`. So the pieces hold the sheet's rows in order, the whole sheet
would pass that check, and the pieces' grids together are no larger than the whole sheet's may be.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import zipfile
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assess.errors import AssessError
from assess.files import open_zip, read_member
from assess.responses.cell_references import cell_places
from assess.responses.columnar import WORKBOOK_MIN_BYTES, WORKBOOK_ROWS, RowPathNeeded, blank_cell
from assess.responses.sheet_extent import (
    DIGITS,
    MAX_SHEET_XML_BYTES,
    ROW_NUMBER,
    SHEET_DATA,
    above,
    below,
    cell_prefix,
    cells_beyond,
    columns_allowed,
    first_sheet,
    references_as_excel_writes,
)
from assess.responses.tabular import Table, header_of, workbook_cell

PIECES = 12  # about as many pieces as this: enough to overlap parsing and coding, few enough to cost little
MIN_PIECE_BYTES = 1 << 20
WINDOW_BYTES = 1 << 20  # a piece is checked a window at a time: bounded arrays, and the GIL let go between
MAX_FRAME_BYTES = 1 << 20  # the XML around the rows, repeated in every piece
UNCUTTABLE = (b"<![CDATA[", b"<!--")  # where a row tag's bytes may stand for text: not cut at all
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s[^>]*/>")  # the used range: a piece's own is smaller
ARROW_TYPES = ("string", "large_string", "double", "int64", "bool", "null")  # types whose values are calamine's
ERROR_CELL = b't="e"'


@dataclass
class Piece:
    """Rows of the sheet as python-calamine gives them (`rows`, aligned to the header's first column), or
    as fastexcel's Arrow columns (`batch`, with each column's place in the header in `places`)."""

    rows: list[list[Any]] | None = None
    batch: Any = None
    places: list[int] | None = None
    first: bool = False  # the rows right under the header: a data-entry workbook's title row may be first


class SheetPieces:
    """The first sheet of an .xlsx in pieces (see the module's docstring): `header` is its first row,
    `pieces()` the rows under it."""

    def __init__(self, path: Path):
        with open_zip(path) as archive:
            member = first_sheet(archive, path)
            if member is None or archive.getinfo(member).file_size > MAX_SHEET_XML_BYTES:
                raise RowPathNeeded("no first sheet, or one the whole-sheet check refuses")
            self.xml = read_member(archive, member, path)
            self.parts = {
                info.filename: read_member(archive, info, path)
                for info in archive.infolist() if kept_part(info.filename, member)
            }
        self.member = member
        match = SHEET_DATA.search(self.xml)
        self.row_tag = b"<" + ((match.group(1) or b"") if match else b"") + b"row "
        self.prefix = cell_prefix(self.xml)
        self.frame, self.cuts, self.numbers = cut(self.xml, self.row_tag)
        self.last_row = self.numbers[-1]
        self.check(-1)
        self.check(0)
        first = self.parsed_by_calamine(0, self.piece(0))
        if first.start is None or first.start[0] != 0:
            raise RowPathNeeded("no value in the first row, or rows above it")
        self.start_column = first.start[1]
        self.header = first.to_python()[0]

    def pieces(self) -> Iterator[Piece]:
        """The pieces of rows under the header, in order. While the caller codes piece k, worker threads (one
        per core) parse the pieces after it, each checked on this thread first (the parsers run without the
        GIL; the checks and the coding need it)."""
        count = len(self.cuts) - 1
        workers = min(os.cpu_count() or 1, count - 1)
        if workers < 1:
            return
        pool = ThreadPoolExecutor(workers, thread_name_prefix="assess-sheet")
        pending: deque[Future] = deque()
        try:
            for number in range(1, count):
                while len(pending) < workers and number + len(pending) < count:
                    ahead = number + len(pending)
                    self.check(ahead)
                    pending.append(pool.submit(self.parsed, ahead, self.piece(ahead)))
                yield self.placed(pending.popleft().result(), number)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def bounds(self, number: int) -> tuple[int, int]:
        """The rows piece `number`'s tags and cells must lie in: from its first row tag to before the next
        piece's; pieces 0 and 1, one row tag each, in that row alone."""
        if number < 0:
            return 1, self.last_row
        if number < 2:
            return self.numbers[number], self.numbers[number]
        last = self.numbers[number + 1] - 1 if number + 2 < len(self.cuts) else self.last_row
        return self.numbers[number], last

    def check(self, number: int) -> None:
        """Refuse a piece (-1: the XML around the rows) holding what the whole-sheet check would walk, or a
        row tag or cell outside its rows (see `bounds`)."""
        if number < 0:
            xml = b"".join(self.frame)
            if not references_as_excel_writes(xml, self.prefix) or cells_beyond(xml, self.last_row) or max(
                map(int, ROW_NUMBER.findall(xml)), default=0
            ) > self.last_row:
                raise RowPathNeeded("a reference around the rows")
            return
        start, end = self.cuts[number], self.cuts[number + 1]
        first, last = self.bounds(number)
        if first > last:
            raise RowPathNeeded(f"piece {number}: its first row is not above the next piece's")
        row_tags = rows_out_of_place(self.prefix, first, last)
        allowed = columns_allowed(self.last_row)
        while start < end:
            stop = self.xml.find(self.row_tag, start + WINDOW_BYTES, end)
            stop = end if stop < 0 else stop
            places = cell_places(self.xml[start:stop], self.row_tag[1:-4])
            if (
                places is None or row_tags.search(self.xml, start, stop)
                or (len(places[0]) and (places[0].min() < first or places[0].max() > last))
                or (allowed < 16384 and len(places[1]) and places[1].max() > allowed)
            ):
                raise RowPathNeeded(f"piece {number}: a reference out of place or not written as Excel writes it")
            start = stop

    def piece(self, number: int) -> bytes:
        """Piece `number` as a workbook: a stored zip of its rows in the sheet's frame and the other parts."""
        head, tail = self.frame
        piece = io.BytesIO()
        with zipfile.ZipFile(piece, "w", zipfile.ZIP_STORED) as out:
            for name, data in self.parts.items():
                out.writestr(name, data)
            with out.open(self.member, "w") as sheet:  # written in parts: the rows are not copied first
                for part in (head, memoryview(self.xml)[self.cuts[number]:self.cuts[number + 1]], tail):
                    sheet.write(part)
        return piece.getvalue()

    def parsed(self, number: int, piece: bytes) -> Any:
        """Piece `number` parsed (in the worker thread): by fastexcel into Arrow columns where its values are
        plain texts, numbers and booleans, else by python-calamine."""
        if number == 1 or self.xml.find(ERROR_CELL, self.cuts[number], self.cuts[number + 1]) >= 0:
            return self.parsed_by_calamine(number, piece)
        import fastexcel

        try:
            sheet = fastexcel.read_excel(piece).load_sheet(
                0, header_row=None, schema_sample_rows=None, dtype_coercion="strict"
            )
            batch = sheet.to_arrow()
        except Exception:  # noqa: BLE001 - a column of mixed types (or anything else): calamine reads the piece
            return self.parsed_by_calamine(number, piece)
        if any(str(kind) not in ARROW_TYPES for kind in batch.schema.types):
            return self.parsed_by_calamine(number, piece)  # dates: their text is calamine's to give
        return batch, [column.absolute_index for column in sheet.available_columns()]

    @staticmethod
    def parsed_by_calamine(number: int, piece: bytes) -> Any:
        from python_calamine import CalamineWorkbook

        try:
            return CalamineWorkbook.from_filelike(io.BytesIO(piece)).get_sheet_by_index(0)
        except Exception as exc:  # noqa: BLE001 - whatever calamine says, the whole-sheet reader words it
            raise RowPathNeeded(f"piece {number}: {exc}") from None

    def placed(self, parsed: Any, number: int) -> Piece:
        """A parsed piece with its columns placed under the header's; none may lie left of the header's first.
        Piece 1, the row under the header, may be a data-entry workbook's title row if the title-row check
        (`columnar.WorkbookCoding.row_blocks`) would look at it; if it is blank, another row would be looked at,
        so the sheet is read whole."""
        if isinstance(parsed, tuple):
            batch, columns = parsed
            if columns and min(columns) < self.start_column:
                raise RowPathNeeded("a cell left of the header")
            return Piece(batch=batch, places=[column - self.start_column for column in columns])
        rows = parsed.to_python() if parsed.start is not None else []  # from the piece's first row, not row 1
        if number == 1 and all(blank_cell(cell) for row in rows for cell in row):
            raise RowPathNeeded("a blank row under the header")
        if rows and parsed.start[1] < self.start_column:
            raise RowPathNeeded("a cell left of the header")
        pad = [""] * (parsed.start[1] - self.start_column) if rows else []
        first = number == 1 and self.numbers[1] <= WORKBOOK_ROWS + 1
        return Piece(rows=[pad + row for row in rows] if pad else rows, first=first)


def rows_out_of_place(prefix: bytes, first: int, last: int) -> re.Pattern[bytes]:
    """A search for a row tag without its number as Excel writes it, or numbered above `first` or below `last`."""
    rows = b"|".join(numeral for numeral in (above(str(last), DIGITS), below(str(first), DIGITS)) if numeral)
    return re.compile(b"<" + prefix + rb'row(?:/?>|\s(?!r="[1-9])|\sr="(?:' + rows + b')")')


def kept_part(name: str, sheet: str) -> bool:
    """Whether a workbook part goes into every piece: all but the other sheets and what only they use."""
    return name != sheet and not name.startswith(
        ("xl/worksheets/", "xl/chartsheets/", "xl/drawings/", "xl/media/", "xl/charts/", "xl/pivot",
         "xl/externalLinks/", "xl/comments", "xl/printerSettings/", "xl/vbaProject", "docProps/")
    )


def cut(xml: bytes, tag: bytes) -> tuple[tuple[bytes, bytes], list[int], list[int]]:
    """(the XML before and after the rows, the offsets where pieces start with the rows' end last, the
    number of each piece's first row tag with the last row tag's number last). Pieces 0 and 1 are the first
    and second row tags alone (the header, and the row under it), the others about 1/`PIECES` of the rest
    each."""
    if any(marker in xml for marker in UNCUTTABLE):
        raise RowPathNeeded("CDATA or a comment in the sheet")
    data = SHEET_DATA.search(xml)
    start = xml.find(tag, data.end()) if data else -1
    end = xml.rfind(b"</" + tag[1:-4] + b"sheetData>")
    if start < 0 or end < start or start + (len(xml) - end) > MAX_FRAME_BYTES:
        raise RowPathNeeded("no rows to cut")
    cuts = [start]
    second = xml.find(tag, start + 1, end)
    if second > 0:
        third = xml.find(tag, second + 1, end)
        cuts += [second, third if third > 0 else end]
    step = max(MIN_PIECE_BYTES, (end - start) // PIECES)
    while cuts[-1] < end:
        following = xml.find(tag, cuts[-1] + step, end)
        cuts.append(following if following > 0 else end)
    numbers = [row_number(xml, tag, offset) for offset in cuts[:-1]]
    numbers.append(row_number(xml, tag, xml.rfind(tag, 0, end)))
    return (DIMENSION.sub(b"", xml[:start]), xml[end:]), cuts, numbers


def row_number(xml: bytes, tag: bytes, offset: int) -> int:
    """The number of the row tag at `offset`."""
    number = ROW_NUMBER.search(xml, offset + len(tag) - 1, xml.find(b">", offset))
    if number is None:
        raise RowPathNeeded("a row tag without its number")
    return int(number.group(1))


def piece_rows(piece: Piece) -> Iterator[list[Any]]:
    """A piece's rows as lists of cells under the header's columns (an Arrow null as calamine's "")."""
    if piece.batch is None:
        yield from piece.rows
        return
    width = max(piece.places, default=-1) + 1
    columns = dict(zip(piece.places, piece.batch.columns, strict=True))
    values = [columns[place].to_pylist() if place in columns else [None] * piece.batch.num_rows
              for place in range(width)]
    for row in zip(*values, strict=True):
        yield ["" if cell is None else cell for cell in row]


def pieces_table(path: Path) -> Table | None:
    """A large .xlsx opened in pieces for the columnar reader (see `sheet_pieces`), or None if it is small or
    not one whose pieces can be told to be the whole sheet."""
    if path.stat().st_size < WORKBOOK_MIN_BYTES:
        return None
    try:
        sheet = SheetPieces(path)
    except (RowPathNeeded, AssessError):
        return None  # opened whole, it is read or refused as it always is

    def read() -> Iterator[list[Any]]:
        for row in itertools.chain([sheet.header], itertools.chain.from_iterable(map(piece_rows, sheet.pieces()))):
            yield [workbook_cell(value) for value in row]

    header = header_of(read(), str(path))
    return Table(str(path), "xlsx", header, read, path=path, pieces=sheet.pieces)
