"""Stage 2, responses: everything that turns what people answered into checked, canonical answers.

Takes an answer file, a residents' file or a tool's export (and the terminal, for `fill`); gives an
`AnswerFile` and streams of `RespondentEntry` whose values are canonical (`values.coerce_answer`), every bad
value reported with its file, line or row and column. One module per outside format (`residents_csv`,
`kobo`) sits on the shared `tabular` layer; scoring never parses an answer.
"""

from __future__ import annotations

import importlib
from typing import Any

# The stage's entry points, which the command line and the web call; each is imported when first used,
# so that importing the stage stays cheap.
PLACES = {
    "AnswerFile": "answer_file",
    "Community": "answer_file",
    "load_answer_file": "answer_file",
    "dump_answer_file": "answer_file",
    "ReadOptions": "reading",
    "read_respondents": "respondents",
    "AnswerValueError": "values",
    "coerce_answer": "values",
    "terminal_value": "fill",
    "is_percent": "fill",
    "shown_value": "fill",
}
__all__ = list(PLACES)


def __getattr__(name: str) -> Any:
    if name not in PLACES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{PLACES[name]}"), name)
