"""A pack's questionnaire as an XLSForm, for collecting answers on phones with ODK Collect or KoboToolbox.

The form follows the XLSForm standard (survey, choices and settings sheets), with one group per dimension
and labels and hints in Chinese and English. Question names are the pack's question ids made safe for
XLSForm; `form_names` is the single place that decides them, so `assess import` maps exported columns
back to the same ids. Every constraint is at least as strict as what `coerce_answer` accepts, so a phone
never takes an answer that the import would then refuse; a number the pack leaves open above also gets a
generous upper bound (see `number_bounds`), because a phone is where a slipped finger adds digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assess.errors import AssessError
from assess.i18n import Lang
from assess.packs.loading import LoadedPack
from assess.packs.model import NumberQuestion, Pack, Question
from assess.packs.sheets import text_cell, workbook_bytes

LANGUAGES: dict[str, str] = {"zh": "Chinese (zh)", "en": "English (en)"}
NAME_START = re.compile(r"[A-Za-z_]")
# Names the form or the export tools use themselves; a question may not take them.
RESERVED_NAMES = frozenset({"start", "end", "today", "deviceid", "meta", "instanceID", "uuid", "KEY"})
YES_NO_LIST = "yes_no"
YES_NO_CHOICES = (("yes", "是", "Yes"), ("no", "否", "No"))
OPEN_BOUND_FACTOR = 10  # a number without a pack bound may reach 10 × its largest goalpost
PERCENT_UNIT = "%"
SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "constraint", "constraint_message")
TRANSLATED = ("label", "hint", "constraint_message")


@dataclass
class XlsForm:
    """The three sheets as rows of column -> value; `names` maps question ids to the names in the form."""

    survey: list[dict[str, str]] = field(default_factory=list)
    choices: list[dict[str, str]] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)


# -- names ----------------------------------------------------------------------------------------------


def form_names(pack: Pack) -> dict[str, str]:
    """Dimension and question ids -> XLSForm names: '-' becomes '_', a leading digit gets a prefix, and a
    clash (e.g. `q-a` and `q_a`, or a reserved name) is numbered in pack order, so the mapping is stable."""
    used = set(RESERVED_NAMES)
    names: dict[str, str] = {}
    ids = [(d.id, "g") for d in pack.dimensions] + [(q.id, "q") for _, _, q in pack.questions()]
    for element_id, prefix in ids:
        name = element_id.replace("-", "_")
        if not NAME_START.match(name):
            name = f"{prefix}_{name}"
        candidate, n = name, 1
        while candidate in used:
            n += 1
            candidate = f"{name}_{n}"
        used.add(candidate)
        names[element_id] = candidate
    return names


# -- the form -------------------------------------------------------------------------------------------


def build_xlsform(loaded: LoadedPack, respondent: str = "resident", lang: Lang = "zh") -> XlsForm:
    """The questionnaire for one kind of respondent; `lang` is the form's default language."""
    pack = loaded.pack
    names = form_names(pack)
    form = XlsForm(names={q.id: names[q.id] for _, _, q in pack.questions() if q.respondent == respondent})
    if not form.names:
        raise AssessError(
            f"指标包 '{pack.id}' 中没有受访者为 '{respondent}' 的题目，请换一个 --respondent "
            f"/ pack '{pack.id}' has no questions for respondent '{respondent}'; choose another --respondent"
        )
    form.survey += [{"type": "start", "name": "start"}, {"type": "end", "name": "end"}]
    lists = ChoiceLists(form.choices)
    for dim in pack.dimensions:
        questions = [q for ind in dim.indicators for q in ind.questions if q.respondent == respondent]
        if not questions:
            continue
        form.survey.append({"type": "begin_group", "name": names[dim.id], **translated("label", dim.title)})
        form.survey += [question_row(q, names[q.id], lists) for q in questions]
        form.survey.append({"type": "end_group", "name": names[dim.id]})
    form.settings = {
        "form_title": pack.title.get(lang),
        "form_id": f"{names_safe(pack.id)}_{respondent}",
        "version": f"{pack.version}_{loaded.hash[:8]}",
        "default_language": LANGUAGES[lang],
    }
    return form


def names_safe(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return name if NAME_START.match(name) else f"f_{name}"


def translated(column: str, text: Any) -> dict[str, str]:
    if text is None:
        return {}
    return {f"{column}::{LANGUAGES['zh']}": text.zh, f"{column}::{LANGUAGES['en']}": text.en}


def question_row(question: Question, name: str, lists: ChoiceLists) -> dict[str, str]:
    row = {"name": name, **translated("label", question.title), **translated("hint", question.help)}
    if question.required:
        row["required"] = "yes"
    if question.type == "likert":
        scale = question.scale
        choices = [
            (str(v), *((scale.labels[v].zh, scale.labels[v].en) if v in scale.labels else (str(v), str(v))))
            for v in range(scale.min, scale.max + 1)
        ]
        row["type"] = f"select_one {lists.list_for(f'scale_{scale.min}_{scale.max}', choices)}"
    elif question.type == "yes_no":
        row["type"] = f"select_one {lists.list_for(YES_NO_LIST, list(YES_NO_CHOICES))}"
    elif question.type in ("choice", "multi_choice"):
        choices = [(o.id, o.label.zh, o.label.en) for o in question.options]
        kind = "select_one" if question.type == "choice" else "select_multiple"
        row["type"] = f"{kind} {lists.list_for(name, choices)}"
    elif isinstance(question, NumberQuestion):
        row["type"] = "integer" if question.integer else "decimal"
        row.update(number_constraint(question))
    else:
        row["type"] = "text"
    return row


def number_constraint(question: NumberQuestion) -> dict[str, str]:
    """The bounds of `number_bounds` as an XLSForm constraint with a bilingual message."""
    low, high = number_bounds(question)
    return {
        "constraint": f". >= {xpath_number(low)} and . <= {xpath_number(high)}",
        f"constraint_message::{LANGUAGES['zh']}": f"应不小于 {low:g}、不大于 {high:g}",
        f"constraint_message::{LANGUAGES['en']}": f"Must be at least {low:g} and at most {high:g}",
    }


def number_bounds(question: NumberQuestion) -> tuple[float, float]:
    """(lowest, highest) answer a phone accepts: the pack's `min` and `max` where it sets them.

    A pack that leaves `max` open still gets an upper bound on the phone: 100 for a share (unit `%`, `min`
    and goalposts within 0–100), else 10 × the largest of |worst|, |best|, |min| and |max| -- far beyond
    any goalpost, so no real answer is refused, yet a value typed with extra digits is. With `min: null`
    (negative values allowed) the lower bound is minus that same amount. Generous bounds do not change
    scoring: a value past a goalpost scores as the goalpost.
    """
    magnitudes = [question.worst, question.best, question.min or 0, question.max or 0]
    open_bound = float(f"{OPEN_BOUND_FACTOR * max(abs(v) for v in magnitudes):.6g}")  # not 11.000000000000002
    if question.max is not None:
        high = question.max
    elif is_percentage(question):
        high = 100.0
    else:
        high = open_bound
    return (question.min if question.min is not None else -open_bound), high


def is_percentage(question: NumberQuestion) -> bool:
    """A share of something: unit `%`, no negative values allowed, goalposts within 0–100."""
    unit = question.unit
    if unit is None or PERCENT_UNIT not in (unit.zh.strip(), unit.en.strip()) or question.min is None:
        return False
    return all(0 <= v <= 100 for v in (question.worst, question.best, question.min))


def xpath_number(value: float) -> str:
    """A number as XPath reads it: no exponent (`1e+06` is not XPath)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class ChoiceLists:
    """Choice lists, shared by every question with exactly the same choices (most of a form's scales)."""

    def __init__(self, rows: list[dict[str, str]]):
        self.rows = rows
        self.by_content: dict[tuple, str] = {}

    def list_for(self, wanted_name: str, choices: list[tuple[str, str, str]]) -> str:
        """The list holding `choices`, made under `wanted_name` (numbered if taken by other choices)."""
        key = tuple(choices)
        if key in self.by_content:
            return self.by_content[key]
        taken = set(self.by_content.values())
        name, n = wanted_name, 1
        while name in taken:
            n += 1
            name = f"{wanted_name}_{n}"
        self.by_content[key] = name
        for choice, zh, en in choices:
            self.rows.append({"list_name": name, "name": choice, **translated_pair("label", zh, en)})
        return name


def translated_pair(column: str, zh: str, en: str) -> dict[str, str]:
    return {f"{column}::{LANGUAGES['zh']}": zh, f"{column}::{LANGUAGES['en']}": en}


# -- the workbook ---------------------------------------------------------------------------------------


def survey_columns() -> list[str]:
    columns = []
    for column in SURVEY_COLUMNS:
        columns += [f"{column}::{name}" for name in LANGUAGES.values()] if column in TRANSLATED else [column]
    return columns


def xlsform_bytes(form: XlsForm) -> bytes:
    """The form as an .xlsx file's bytes (openpyxl), ready for `write_atomic`."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    write_rows(sheet, survey_columns(), form.survey)
    choice_columns = ["list_name", "name", f"label::{LANGUAGES['zh']}", f"label::{LANGUAGES['en']}"]
    write_rows(book.create_sheet("choices"), choice_columns, form.choices)
    write_rows(book.create_sheet("settings"), list(form.settings), [form.settings])
    return workbook_bytes(book)


def write_rows(sheet, columns: list[str], rows: list[dict[str, str]]) -> None:
    """The header and the rows, every cell as text (a pack title beginning with '=' must stay a title)."""
    for c, column in enumerate(columns, start=1):
        text_cell(sheet, 1, c, column)
    for r, row in enumerate(rows, start=2):
        for c, column in enumerate(columns, start=1):
            value = row.get(column, "")
            if value != "":
                text_cell(sheet, r, c, str(value))
