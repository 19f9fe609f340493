"""How many cells a workbook's first sheet unfolds into, found before python-calamine unfolds it.

python-calamine lays a sheet out as a dense grid from its first row and column to its last, about 64 bytes a
cell, whatever lies between: a 5 KB .xlsx with values in A1 and XFD1048576 asks for 17 billion cells and
aborts the process, and a 5 KB .xls with a value in IV65536 takes 1 GB. So the grid's extent is read from the
file first, and a sheet that would unfold past `MAX_SHEET_CELLS` is refused with a message.

For an .xlsx the sheet's XML is searched rather than parsed, so the check costs a fraction of the parse: the
largest row number, then one search for any cell beyond the rows found and one for any column beyond what the
limit leaves; only a sheet whose cells or rows do not all carry their `r="A1"` reference, written as Excel
writes it (no common writer leaves it out; calamine also takes `b0003` for B3), is walked tag by tag.
For an .xls the BIFF cell records are read (olefile opens the container).
"""

from __future__ import annotations

import re
from pathlib import Path
from zipfile import ZipFile

from assess.errors import AssessError
from assess.files import read_member

MAX_SHEET_CELLS = 5_000_000  # about 320 MB of grid: 100,000 residents × 50 columns
MAX_SHEET_XML_BYTES = 300 * 1024**2  # the sheet's XML, held once in memory while it is searched

ROW_NUMBER = re.compile(rb' r="(\d+)"')  # a row's own number (a cell's reference starts with letters)
CELL_TAG = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s/>])([^>]*)>")
REFERENCE = re.compile(rb'\sr="([A-Za-z]*)(\d*)"')  # calamine takes b3 and B0003 for B3 as well
SHEET_DATA = re.compile(rb"<(\w+:)?sheetData[\s/>]")  # its namespace prefix (x:) is the cells' prefix too


def check_sheet(path: Path, kind: str) -> None:
    """Refuse the first sheet of the .xlsx or .xls at `path` if it would unfold past `MAX_SHEET_CELLS`."""
    if kind == "xls":
        check_xls(path)
        return
    from assess.files import open_zip

    with open_zip(path) as archive:
        check_xlsx(path, archive)


def check_xlsx(path: Path, archive: ZipFile) -> None:
    """Refuse the first sheet of the .xlsx in `archive` if it would unfold past `MAX_SHEET_CELLS`."""
    member = first_sheet(archive, path)
    if member is None:
        return  # calamine says what is missing
    info = archive.getinfo(member)
    if info.file_size > MAX_SHEET_XML_BYTES:
        raise too_big(path, f"{info.file_size / 1024**2:.0f} MiB XML", f"{info.file_size / 1024**2:.0f} MiB of XML")
    xml = read_member(archive, member, path)  # the declared size is enforced by the zip reader and calamine
    rows, columns = xlsx_extent(xml)
    if rows * columns > MAX_SHEET_CELLS:
        raise too_big(path, f"{rows:,} 行 × {columns:,} 列", f"{rows:,} rows × {columns:,} columns")


def first_sheet(archive: ZipFile, path: Path) -> str | None:
    """The part holding the workbook's first sheet, as calamine orders sheets (workbook.xml's order)."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    workbook = read_member(archive, "xl/workbook.xml", path)[: 1024**2]
    sheet = re.search(rb"<(?:\w+:)?sheet\s[^>]*?\w+:id=\"([^\"]+)\"", workbook)
    if sheet is None:
        return None
    rels = read_member(archive, "xl/_rels/workbook.xml.rels", path)[: 1024**2]
    for relation in re.finditer(rb"<(?:\w+:)?Relationship\s[^>]*>", rels):
        tag = relation.group(0)
        if re.search(rb'\sId="' + re.escape(sheet.group(1)) + b'"', tag):
            target = re.search(rb'\sTarget="([^"]+)"', tag)
            if target is None:
                return None
            name = target.group(1).decode("utf-8", "replace")
            name = name.lstrip("/") if name.startswith("/") else f"xl/{name}"
            return name if name in names else None
    return None


def xlsx_extent(xml: bytes) -> tuple[int, int]:
    """(last row, last column) a sheet's values reach: exact where it matters, never under the truth."""
    prefix = cell_prefix(xml)
    if not references_as_excel_writes(xml, prefix):
        return walked_extent(xml)  # placed by counting, or by a reference not written as Excel writes it
    last_row = max(map(int, ROW_NUMBER.findall(xml)), default=0)
    if cells_beyond(xml, last_row):
        return walked_extent(xml)  # a cell placed below every row or far right: read where each cell really is
    return last_row, min(columns_allowed(last_row), 16384)


def cell_prefix(xml: bytes) -> bytes:
    """The namespace prefix of the sheet's cell tags (x: in some writers' files), as a regular expression."""
    match = SHEET_DATA.search(xml)
    return re.escape(match.group(1) or b"") if match else b""


def references_as_excel_writes(xml: bytes, prefix: bytes) -> bool:
    """Whether every row and cell tag carries its reference as Excel writes it (`r="12"`, `r="AB12"`)."""
    return not any(
        re.search(b"<" + prefix + tag + rb'(?:/?>|\s(?!r="' + reference + b"))", xml)
        for tag, reference in ((b"c", CELL_REFERENCE), (b"row", ROW_REFERENCE))
    )


def cells_beyond(xml: bytes, last_row: int) -> bool:
    """Whether a cell reference (as Excel writes it) lies below `last_row` or right of the columns that
    `last_row` rows leave within `MAX_SHEET_CELLS`."""
    below_rows = last_row and re.search(rb' r="[A-Z]{1,3}(?:' + above(str(last_row), DIGITS) + rb')"', xml)
    return bool(below_rows) or columns_beyond(xml, last_row)


def columns_beyond(xml: bytes, last_row: int) -> bool:
    """Whether a cell reference lies right of the columns that `last_row` rows leave within the limit."""
    allowed = columns_allowed(last_row)
    return allowed < 16384 and bool(re.search(rb' r="(?:' + above(column_letters(allowed), LETTERS) + rb')\d', xml))


def columns_allowed(last_row: int) -> int:
    return max(MAX_SHEET_CELLS // max(last_row, 1), 1)


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
CELL_REFERENCE = rb"[A-Z]{1,3}[1-9]"  # how every common writer starts one; the searches assume this form
ROW_REFERENCE = rb"[1-9]"


def above(limit: str, digits: str) -> bytes:
    """A regular expression matching the numerals in `digits` (ordered) that are greater than `limit`: those
    with more places, or as many places and a larger digit at the first place they differ."""
    first = digits[1] if digits[0] == "0" else digits[0]  # numbers do not start with 0; columns start at A
    parts = [f"[{first}-{digits[-1]}][{digits[0]}-{digits[-1]}]{{{len(limit)},}}"]
    for place, digit in enumerate(limit):
        bigger = digits[digits.index(digit) + 1:]
        if bigger:
            rest = len(limit) - place - 1
            parts.append(f"{re.escape(limit[:place])}[{bigger[0]}-{bigger[-1]}][{digits[0]}-{digits[-1]}]{{{rest}}}")
    return "|".join(parts).encode("ascii")


def below(limit: str, digits: str) -> bytes | None:
    """A regular expression matching the numerals in `digits` (ordered) that are smaller than `limit`: those
    with fewer places, or as many places and a smaller digit at the first place they differ; None if none is."""
    first = digits[1] if digits[0] == "0" else digits[0]
    every = f"[{digits[0]}-{digits[-1]}]"
    parts = [f"[{first}-{digits[-1]}]{every}{{0,{len(limit) - 2}}}"] if len(limit) > 1 else []
    for place, digit in enumerate(limit):
        lowest = first if place == 0 else digits[0]
        smaller = digits[digits.index(lowest):digits.index(digit)]
        if smaller:
            parts.append(f"{re.escape(limit[:place])}[{smaller[0]}-{smaller[-1]}]{every}{{{len(limit) - place - 1}}}")
    return "|".join(parts).encode("ascii") or None


def column_letters(number: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA: Excel's column name."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = LETTERS[rest] + letters
    return letters


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter & 0xDF) - 64  # b and B are the same column
    return number


def walked_extent(xml: bytes) -> tuple[int, int]:
    """The extent found tag by tag, placing rows and cells without a reference after the one before, as
    calamine does."""
    last_row = last_column = row = column = 0
    for kind, attributes in CELL_TAG.findall(xml):
        reference = REFERENCE.search(attributes)
        if kind == b"row":
            row = int(reference.group(2)) if reference and reference.group(2) else row + 1
            column = 0
            last_row = max(last_row, row)
            continue
        if reference and reference.group(1) and reference.group(2):
            column, cell_row = column_number(reference.group(1)), int(reference.group(2))
        else:
            column, cell_row = column + 1, max(row, 1)
        last_row, last_column = max(last_row, cell_row), max(last_column, column)
    return last_row, last_column


XLS_CELL_RECORDS = {0x00FD, 0x0203, 0x027E, 0x0204, 0x0205, 0x0006, 0x00D6, 0x0201}  # one cell each
XLS_RUN_RECORDS = {0x00BD, 0x00BE}  # MULRK, MULBLANK: a run of cells, last column in the record's last 2 bytes
XLS_BOF, XLS_WORKSHEET = 0x0809, b"\x10\x00"  # a substream's start, and the kind that marks a worksheet


def check_xls(path: Path) -> None:
    """Refuse an .xls whose first sheet's cell records reach past `MAX_SHEET_CELLS` of grid."""
    rows, columns = xls_extent(path)
    if rows * columns > MAX_SHEET_CELLS:
        raise too_big(path, f"{rows:,} 行 × {columns:,} 列", f"{rows:,} rows × {columns:,} columns")


def xls_extent(path: Path) -> tuple[int, int]:
    """(last row, last column) of the cell records of the first worksheet in an .xls (BIFF8) workbook."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as container:
            stream = next((name for name in ("Workbook", "Book") if container.exists(name)), None)
            if stream is None:
                return 0, 0  # calamine says what is missing
            data = container.openstream(stream).read()
    except Exception:  # noqa: BLE001 - a broken container is for calamine to name; this check only bounds size
        return 0, 0
    worksheets = 0
    last_row = last_column = 0
    offset = 0
    while offset + 4 <= len(data):
        kind = int.from_bytes(data[offset:offset + 2], "little")
        size = int.from_bytes(data[offset + 2:offset + 4], "little")
        body = data[offset + 4:offset + 4 + size]
        offset += 4 + size
        if kind == XLS_BOF and body[2:4] == XLS_WORKSHEET:
            worksheets += 1
            if worksheets > 1:
                break
        elif worksheets == 1 and kind in XLS_CELL_RECORDS and len(body) >= 4:
            last_row = max(last_row, int.from_bytes(body[0:2], "little") + 1)
            last_column = max(last_column, int.from_bytes(body[2:4], "little") + 1)
        elif worksheets == 1 and kind in XLS_RUN_RECORDS and len(body) >= 6:
            last_row = max(last_row, int.from_bytes(body[0:2], "little") + 1)
            last_column = max(last_column, int.from_bytes(body[-2:], "little") + 1)
    return last_row, last_column


def too_big(path: Path, size_zh: str, size_en: str) -> AssessError:
    return AssessError(
        f"{path}: 第一个工作表的数据范围过大（{size_zh}），超过 {MAX_SHEET_CELLS:,} 个单元格的上限；"
        f"若有内容误填在很远的行或列，请删除后再试，数据确实很多时请另存为 CSV "
        f"/ the first sheet spans {size_en}, over the {MAX_SHEET_CELLS:,}-cell limit; delete anything typed far "
        f"below or to the right of the data, or save a sheet this large as CSV"
    )
