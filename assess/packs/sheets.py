"""Writing spreadsheet cells safely: every text is stored as text, never run as a formula.

A pack title, a community name or an answer may begin with `=`, `+`, `-` or `@`; openpyxl would store such
a string as a formula, which Excel runs when the file is opened (`=cmd|' /C calc'!A0`). Every workbook the
project writes puts its texts through `text_cell`. A CSV cannot mark a cell as text, so a CSV the project
writes puts its texts through `csv_text`, which quotes them the way OWASP's "CSV injection" page recommends.
"""

from __future__ import annotations


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
