"""One answer to one question: the spellings accepted and the canonical value they become.

Every source of answers -- an answer file, a residents' CSV, an export, the terminal -- checks its values
here, so all of them accept exactly the same spellings. Canonical values: likert int, yes_no bool, choice
option id, multi_choice list of option ids, number int or float, text str. A value the question does not
allow is an `AnswerValueError` whose message says what is allowed, in Chinese and English.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from typing import Any, TypeVar

from assess.errors import AssessError
from assess.packs.model import Pack, Question

T = TypeVar("T")
YES = frozenset({"true", "yes", "是"})
NO = frozenset({"false", "no", "否"})


class AnswerValueError(AssessError):
    """An answer that the question does not allow; the message says what is allowed, in Chinese and English."""


# -- one value ----------------------------------------------------------------------------------------


def coerce_answer(question: Question, raw: Any) -> Any | None:
    """The canonical value of `raw` for `question` (None = unanswered), or `AnswerValueError`.

    Canonical values: likert int, yes_no bool, choice option id, multi_choice list of option ids,
    number int or float, text str. Text from a CSV cell or the terminal is accepted wherever YAML is.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return COERCERS[question.type](question, raw)


def coerce_likert(question: Question, raw: Any) -> int:
    low, high = question.scale.min, question.scale.max
    value = whole_number(raw)
    if value is None or not low <= value <= high:
        raise not_allowed(f"应为 {low}–{high} 之间的整数", f"must be a whole number from {low} to {high}", raw)
    return value


def coerce_yes_no(question: Question, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower() if isinstance(raw, str) else None
    if text in YES:
        return True
    if text in NO:
        return False
    raise not_allowed("应为 是/否（true/false、yes/no）", "must be yes or no (true/false, 是/否)", raw)


def coerce_choice(question: Question, raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise not_allowed("应为一个选项编号", f"must be one option id ({option_list(question)})", raw)
    return checked_option(question, str(raw).strip())


def coerce_multi_choice(question: Question, raw: Any) -> list[str]:
    """A list of option ids; a text is split at spaces, as XLSForm exports a select_multiple."""
    if isinstance(raw, str):
        items: list[Any] = raw.split()
    elif isinstance(raw, list):
        items = raw
    else:
        raise not_allowed("应为选项编号列表", f"must be a list of option ids ({option_list(question)})", raw)
    chosen: list[str] = []
    problems: list[str] = []  # every bad item at once, so one round of corrections fixes the list
    for item in items:
        try:
            option = chosen_option(question, item)
        except AnswerValueError as exc:
            problems.append(str(exc))
            continue
        if option in chosen:
            problems.append(f"选项 '{option}' 重复 / option '{option}' is listed twice")
        else:
            chosen.append(option)
    if problems:
        raise AnswerValueError("; ".join(problems))
    return chosen


def chosen_option(question: Question, item: Any) -> str:
    if isinstance(item, bool) or not isinstance(item, str | int):
        raise not_allowed("应为选项编号", f"must be option ids ({option_list(question)})", item)
    return checked_option(question, str(item).strip())


def coerce_number(question: Question, raw: Any) -> int | float:
    value = number_value(raw)
    allowed = number_range(question)
    if value is None:
        raise not_allowed(f"应为数字（{allowed}）", f"must be a number ({allowed})", raw)
    if question.integer and not float(value).is_integer():
        raise not_allowed("应为整数", "must be a whole number", raw)
    too_low = question.min is not None and value < question.min
    too_high = question.max is not None and value > question.max
    if too_low or too_high:
        raise not_allowed(f"超出范围（{allowed}）", f"out of range ({allowed})", raw)
    return int(value) if question.integer else value


def coerce_text(question: Question, raw: Any) -> str | None:
    if isinstance(raw, bool | list | dict):
        raise not_allowed("应为文字（请加引号）", "must be text (put it in quotes)", raw)
    return str(raw).strip() or None


COERCERS: dict[str, Callable[[Question, Any], Any]] = {
    "likert": coerce_likert,
    "yes_no": coerce_yes_no,
    "choice": coerce_choice,
    "multi_choice": coerce_multi_choice,
    "number": coerce_number,
    "text": coerce_text,
}


def whole_number(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str):
        value = number_value(raw)
        return int(value) if value is not None and float(value).is_integer() else None
    return None


MAX_WHOLE_NUMBER = 10**15
FULL_WIDTH = {0xFF10 + d: ord("0") + d for d in range(10)} | {0xFF0E: ord("."), 0xFF0B: ord("+"), 0xFF0D: ord("-")}
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def number_value(raw: Any) -> int | float | None:
    """A finite number from a YAML number or a text such as '12' or '3.5'; None for anything else (including
    whole numbers too large for a float, which no answer needs)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if abs(raw) <= MAX_WHOLE_NUMBER else None
    if isinstance(raw, float):
        return raw if math.isfinite(raw) else None
    if isinstance(raw, str):
        text = raw.translate(FULL_WIDTH).strip()  # full-width １２．５ as a Chinese input method types it
        if not PLAIN_NUMBER.fullmatch(text):
            return None  # Python's int() would also take '2_4' and other scripts' digits such as '٣'
        try:
            whole = int(text)
        except ValueError:
            pass
        else:
            return whole if abs(whole) <= MAX_WHOLE_NUMBER else None
        try:
            value = float(text)
        except ValueError:
            return None
        return value if math.isfinite(value) else None
    return None


def number_range(question: Question) -> str:
    low = "" if question.min is None else f"{question.min:g}"
    high = "" if question.max is None else f"{question.max:g}"
    if low and high:
        return f"{low}–{high}"
    if low:
        return f"≥ {low}"
    return f"≤ {high}" if high else "any number"


def checked_option(question: Question, option: str) -> str:
    ids = [o.id for o in question.options]
    if option in ids:
        return option
    close = difflib.get_close_matches(option, ids, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise AnswerValueError(f"没有选项 '{option}' / '{option}' is not an option ({option_list(question)}){hint}")


def option_list(question: Question) -> str:
    return "allowed: " + ", ".join(o.id for o in question.options)


def not_allowed(zh: str, en: str, raw: Any) -> AnswerValueError:
    return AnswerValueError(f"{zh}，实际为 {shown(raw)} / {en}, got {shown(raw)}")


def shown(raw: Any) -> str:
    text = repr(raw) if isinstance(raw, str) else str(raw)
    return text if len(text) <= 40 else text[:37] + "..."


def unknown_question_message(pack: Pack, qid: str, suggest: bool = True) -> str:
    """Why `qid` cannot be answered, and (when `suggest`) the ids the user probably meant."""
    for dim in pack.dimensions:
        parent = dim.id == qid
        for ind in dim.indicators:
            if parent or ind.id == qid:
                kind = "a dimension" if parent else "an indicator"
                first = ", ".join(q.id for q in ind.questions[:3])
                return f"请回答具体题目 / '{qid}' is {kind}, not a question; answer its questions (e.g. {first})"
    ids = [q.id for _, _, q in pack.questions()]
    close = difflib.get_close_matches(qid, ids, n=3, cutoff=0.6) if suggest else []
    hint = f"; did you mean {', '.join(close)}?" if close else "; `assess indicators list` shows all question ids"
    return f"指标包中没有此题目 / pack '{pack.id}' has no question '{qid}'{hint}"


def cached_reader(question: Question) -> Callable[[Any], Any]:
    """`coerce_answer` for one question, remembering the few distinct values a closed question gets."""
    return remembering(lambda raw: coerce_answer(question, raw), enabled=question.type != "text")


def remembering(func: Callable[[Any], T], enabled: bool = True, limit: int = 512) -> Callable[[Any], T]:
    """`func` of one raw answer, remembering up to `limit` results: a survey column repeats a handful of values.

    The type is part of the key because True == 1 in Python, yet `true` is not a likert answer; a list
    (multi_choice) is keyed as a tuple. Errors are not remembered, so each bad cell is reported.
    """
    cache: dict[tuple[type, Any], T] = {}

    def call(raw: Any) -> T:
        key = (type(raw), tuple(raw) if isinstance(raw, list) else raw)
        try:
            return cache[key]
        except KeyError:
            result = func(raw)
            if enabled and len(cache) < limit:
                cache[key] = result
            return result
        except TypeError:  # unhashable, e.g. a mapping where a value belongs: nothing to remember
            return func(raw)

    return call
