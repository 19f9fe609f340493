"""Writing spreadsheet cells safely: every text is stored as text, never run as a formula.

A pack title, a community name or an answer may begin with `=`, `+`, `-` or `@`; openpyxl would store such
a string as a formula, which Excel runs when the file is opened (`=cmd|' /C calc'!A0`). Every workbook the
project writes puts its texts through `text_cell`.
"""

from __future__ import annotations


def text_cell(sheet, row: int, column: int, value: str):
    """The cell holding `value` as text, whatever its first character."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    cell.data_type = "s"
    return cell
