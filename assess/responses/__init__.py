"""Stage 2, responses: everything that turns what people answered into checked, canonical answers.

Takes an answer file, a residents' file or a tool's export (and the terminal, for `fill`); gives an
`AnswerFile` and streams of `RespondentEntry` whose values are canonical (`values.coerce_answer`), every bad
value reported with its file, line or row and column. Each outside format is one module registered in
`formats` (问卷星, 腾讯问卷, KoboToolbox / ODK Central, the project's own table) on the shared `tabular`
layer; scoring never parses an answer. What a person types one answer at a time -- at the terminal (`fill`)
or in a browser -- is read by `typed.read_typed` (3个, 第二个, 百分之九十). The names below are the stage's
entry points for later stages and the clients; they load on first use, so importing the stage costs nothing.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

HOMES = {
    "AnswerFile": "answer_file", "Community": "answer_file", "LoadedAnswers": "answer_file",
    "RespondentEntry": "answer_file", "load_answer_file": "answer_file", "dump_answer_file": "answer_file",
    "read_respondents": "respondents", "opened_table": "respondents", "fold_residents": "respondents",
    "ReadOptions": "reading", "ReadNotes": "reading", "DEFAULT_READING": "reading",
    "import_file": "importing", "ImportResult": "importing",
    "suggest_map": "column_map", "map_text": "column_map",
    "FORMATS": "formats", "format_of": "formats", "SurveyFormat": "survey_format",
    "AnswerValueError": "values", "coerce_answer": "values",
    "CodedRows": "columnar", "entry_blocks": "coded_entries",
    "read_typed": "typed",
    "shown_value": "fill",
    "unknown_kind_message": "answer_file",
}
__all__ = sorted(HOMES)


def __getattr__(name: str) -> Any:
    if name not in HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{HOMES[name]}"), name)
