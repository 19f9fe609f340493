"""Writing spreadsheet cells safely: every text is stored as text, never run as a formula.

A pack title, a community name or an answer may begin with `=`, `+`, `-` or `@`; openpyxl would store such
a string as a formula, which Excel runs when the file is opened (`=cmd|' /C calc'!A0`). Every workbook the
project writes puts its texts through `text_cell`. A CSV cannot mark a cell as text, so a CSV the project
writes puts its texts through `csv_text`, which quotes them the way OWASP's "CSV injection" page recommends.
"""

from __future__ import annotations

import re


def text_cell(sheet, row: int, column: int, value: str):
    """The cell holding `value` as text, whatever its first character."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    cell.data_type = "s"
    return cell


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: object) -> str:
    """`value` as a CSV cell that no spreadsheet runs: a text starting like a formula gets a leading `'`."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def table_rows(sheet, header: list[str], rows: list[list]) -> list:
    """A header row and data rows, texts as text (`text_cell`) and numbers as numbers; returns the numeric
    cells written, so a caller can give them its number formats."""
    for column, text in enumerate(header, start=1):
        text_cell(sheet, 1, column, str(text))
    numbers = []
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            if isinstance(value, str):
                text_cell(sheet, r, c, value)
            elif value is not None:
                numbers.append(sheet.cell(row=r, column=c, value=value))
    return numbers


CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def workbook_bytes(book) -> bytes:
    """The workbook as .xlsx bytes. With SOURCE_DATE_EPOCH set (as for PDFs) the times it records are that
    moment and its zip members carry no clock time, so the same data gives the same file; openpyxl itself
    stamps the time of saving."""
    import io

    from assess.files import source_date, zip_without_clock

    buffer = io.BytesIO()
    book.save(buffer)
    moment = source_date()
    if moment is None:
        return buffer.getvalue()
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")

    def fixed_times(name: str, content: bytes) -> bytes:
        return CORE_TIMES.sub(lambda m: m.group(1) + stamp + m.group(3), content) if name == "docProps/core.xml" \
            else content

    return zip_without_clock(buffer.getvalue(), fixed_times)
