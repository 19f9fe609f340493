"""KoboToolbox's default export: columns headed by the form's labels, cells holding the options' labels.

Kobo exports "Labels" in the form's default language unless told otherwise, and with "hierarchy in labels"
a column is the group's label, a separator, then the question's label (and, for one 0/1 column per
option, a separator and the option's label). The separator is whatever the user typed in the export
dialog (`/` by default, but ` > `, `_` or `:` are as common), so it is read from the header itself: the
text found between a dimension's label and one of its questions' labels. Labels are the pack's titles in
Chinese and English, exactly as `assess indicators xlsform` wrote them into the form.

In such an export a select_one cell holds its option's label, a likert cell its point's label (or the
number for an unlabelled point), and a select_multiple cell the chosen options' labels joined by spaces.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from assess.packs.model import Pack, Question
from assess.responses.titles import labelled_value

DEFAULT_SEPARATOR = "/"
MAX_SEPARATOR = 8  # characters; anything longer between two labels is not a separator someone typed


@dataclass(frozen=True)
class LabelTarget:
    """A labelled column: the question's answer, or whether `option` was chosen (one 0/1 column per option)."""

    question: Question
    option: str | None = None


def labels(text: Any) -> set[str]:
    """The Chinese and English texts of a pack `Text`, without empty ones."""
    return {t.strip() for t in (text.zh, text.en) if t and t.strip()}


def header_separators(header: Iterable[str], pack: Pack, names: dict[str, str]) -> list[str]:
    """The separators the header puts between a group and a question, or a question and its option, most
    used first (the default `/` when none can be seen). `names` are the form's names of the pack's ids."""
    found: Counter[str] = Counter()
    following = spelling_pairs(pack, names)
    lengths = sorted({len(first) for first in following})
    for column in header:  # a column is looked up by its beginnings: a survey may have thousands of columns
        for length in lengths:
            first = column[:length]
            for second in following.get(first, ()) if len(first) == length else ():
                at = column.find(second, length)
                if 0 < at - length <= MAX_SEPARATOR:
                    found[column[length:at]] += 1
    return [sep for sep, _ in found.most_common()] or [DEFAULT_SEPARATOR]


def spelling_pairs(pack: Pack, names: dict[str, str]) -> dict[str, list[str]]:
    """What may begin a column (a group's or a question's spelling) -> what may follow it after a separator
    (a question's spelling in that group, an option of that multi-select), once per pair of the pack."""
    following: dict[str, list[str]] = {}
    for dim, _, question in pack.questions():
        groups, titles = spellings_of(dim, names), spellings_of(question, names)
        for group, title in itertools.product(groups, titles):
            following.setdefault(group, []).append(title)
        if question.type == "multi_choice":
            for title, option in itertools.product(titles, question.options):
                following.setdefault(title, []).extend(labels(option.label) | {option.id})
    return following


def spellings_of(element: Any, names: dict[str, str]) -> set[str]:
    """A dimension's or question's labels, id and form name: whatever a header may call it."""
    return labels(element.title) | {element.id, names[element.id]}


def label_spellings(pack: Pack, separators: list[str]) -> dict[str, LabelTarget | None]:
    """Every label spelling of a question column with these separators -> its target (None: two questions)."""
    spellings: dict[str, LabelTarget | None] = {}

    def accept(name: str, target: LabelTarget) -> None:
        spellings[name] = target if spellings.get(name, target) == target else None

    for dim, _, question in pack.questions():
        groups = [""] + [g + sep for g in labels(dim.title) for sep in separators]
        for group, title in itertools.product(groups, labels(question.title)):
            accept(group + title, LabelTarget(question))
            if question.type == "multi_choice":
                for option, sep in itertools.product(question.options, separators):
                    for text in labels(option.label):
                        accept(f"{group}{title}{sep}{text}", LabelTarget(question, option.id))
    return spellings


def label_cell(question: Question, cell: Any) -> Any:
    """A labelled cell as the value an answer file would hold; a cell of no label is left for the checks."""
    if question.type == "multi_choice":
        return options_in_text(question, cell)
    return labelled_value(question, cell)


def options_in_text(question: Question, cell: Any) -> Any:
    """A multi_choice cell of option labels joined by spaces as option ids.

    Labels may hold spaces themselves, so the longest labels are taken out of the text first; a cell that is
    not wholly made of labels is returned as it is, for `coerce_answer` to judge (it may hold option ids).
    """
    rest = " " + " ".join(str(cell).split()) + " "
    texts = sorted(((t, o.id) for o in question.options for t in labels(o.label)), key=lambda x: -len(x[0]))
    chosen: list[str] = []
    for text, option in texts:
        spaced = " " + " ".join(text.split()) + " "
        if spaced in rest:
            rest = rest.replace(spaced, " ", 1)
            chosen.append(option)
    if rest.strip() or not chosen:
        return cell
    return [o.id for o in question.options if o.id in chosen]
