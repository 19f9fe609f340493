"""The registry of survey formats: the one place that lists them, in the order they are asked.

Each format module ends with its `FORMAT` (see `survey_format.SurveyFormat`); this list is all the rest of
the package knows of them. The project's own table claims any header, so it comes last. Adding a format is
writing its module and adding one line here (docs/reference.md, "Adding a survey format").
"""

from __future__ import annotations

from assess.responses import answers_format, kobo, residents_csv, tencent, wjx
from assess.responses.survey_format import FileFormat, SurveyFormat

FORMATS: list[SurveyFormat] = [
    wjx.FORMAT,
    tencent.FORMAT,
    kobo.FORMAT,
    residents_csv.FORMAT,  # claims every header: last
]


# Formats known by a file's first bytes, asked before the file is opened as a table.
FILE_FORMATS: list[FileFormat] = [
    answers_format.FORMAT,
]


def format_of(header: list[str]) -> SurveyFormat:
    """The first format that claims a table with this header."""
    return next(f for f in FORMATS if f.claims(header))


def file_format_of(head: bytes) -> FileFormat | None:
    """The format that claims a file by its first bytes, if one does (else the file is read as a table)."""
    return next((f for f in FILE_FORMATS if f.claims(head)), None)
