"""One answer as a person types it -- at the terminal or in the web questionnaire -- read as they mean it.

`read_typed` is the one entry point both use: 是的/没有 for yes–no; a scale's own words (非常同意) or 四 on a
scale; 3个, 十二次, 百分之九十五, 90%, 约15 for numbers; 2, 二, 第二个, an option's words or any part of them that
fits one option only; several options separated by 、，, or spaces, where 、 inside an option's own words
does not split it. What it reads is checked by `values.coerce_answer`, so the value stored is canonical.

Rounded figures (约15, 十多次, 一半) are read but not recorded until the person confirms them: the result
carries the question to ask ("按 15 记录？"). A refusal says what may be typed, in the words of the
questionnaire, never with the pack's ids.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from assess.packs.model import NumberQuestion, Question
from assess.responses.spoken import normal_text, numeral_value, spoken_number
from assess.responses.values import AnswerValueError, coerce_answer, number_range, number_value

YES_WORDS = frozenset({"y", "yes", "true", "是", "是的", "对", "对的", "有", "好", "同意", "✓", "√", "确认"})
NO_WORDS = frozenset({"n", "no", "false", "否", "不是", "不", "没有", "无", "不对", "没", "✗", "×"})
NONE_WORDS = frozenset({"无", "没有", "都没有", "都不", "都不是", "0", "none"})  # a multi-choice of nothing chosen
PERCENT_SIGNS = frozenset({"%", "％"})
SEPARATORS = re.compile(r"[\s,，、;；/／]+")
ORDINAL = re.compile(r"(?:第|选)?([0-9]+|[零一二两三四五六七八九十]+)(?:个|项|种|条|号|个选项)?[.、)）]?")


@dataclass(frozen=True)
class Confirm:
    """A question back to the person before a value is recorded: yes records `value`; no records
    `otherwise`, or asks the question again when that is None."""

    zh: str
    en: str
    otherwise: Any = None


@dataclass(frozen=True)
class Typed:
    """What was typed, as the canonical value to store (None = left unanswered), and the confirmation to
    ask first, if any."""

    value: Any
    confirm: Confirm | None = None


def read_typed(question: Question, text: str) -> Typed:
    """The canonical answer `text` gives `question`, or `AnswerValueError` saying what may be typed."""
    text = text.strip()
    if not text:
        return Typed(None)
    reader = READERS.get(question.type)
    if reader is None:
        return Typed(coerce_answer(question, text))
    return reader(question, text)


# -- yes–no and scales ----------------------------------------------------------------------------------


def read_yes_no(question: Question, text: str) -> Typed:
    word = normal_text(text).lower()
    if word in YES_WORDS:
        return Typed(True)
    if word in NO_WORDS:
        return Typed(False)
    raise AnswerValueError(f"请输入 是 或 否，实际为 “{text}” / enter yes or no, got '{text}'")


def read_likert(question: Question, text: str) -> Typed:
    scale = question.scale
    words = {v.zh: k for k, v in scale.labels.items()} | {v.en.lower(): k for k, v in scale.labels.items()}
    plain = normal_text(text)
    if plain in words or plain.lower() in words:
        return Typed(words.get(plain, words.get(plain.lower())))
    spoken = spoken_number(plain, ("分",))
    if spoken is not None and not spoken.percent and not spoken.approximate and float(spoken.value).is_integer() \
            and scale.min <= spoken.value <= scale.max:
        return Typed(int(spoken.value))
    named = "、".join(f"{k} {v.zh}" for k, v in sorted(scale.labels.items()))
    named_en = ", ".join(f"{k} {v.en}" for k, v in sorted(scale.labels.items()))
    raise AnswerValueError(
        f"请输入 {scale.min}–{scale.max} 的整数" + (f"或选项文字（{named}）" if named else "")
        + f"，实际为 “{text}” / enter a whole number from {scale.min} to {scale.max}"
        + (f" or its words ({named_en})" if named_en else "") + f", got '{text}'"
    )


# -- numbers ---------------------------------------------------------------------------------------------


def read_number(question: Question, text: str) -> Typed:
    assert isinstance(question, NumberQuestion)
    percent_question = is_percent(question)
    units = tuple(u for u in (question.unit.zh, question.unit.en) if u) if question.unit else ()
    plain = number_value(normal_text(text))
    if plain is not None:
        spoken_value, approximate, half, percent = plain, False, False, False
    else:
        spoken = spoken_number(text, units)
        if spoken is None or (spoken.percent and not percent_question):
            raise AnswerValueError(number_refusal(question, text))
        spoken_value, approximate, half, percent = spoken.value, spoken.approximate, spoken.half, spoken.percent
    value = checked_number(question, spoken_value, text)
    if half:
        return Typed(value, Confirm(f"按 {value:g}% 记录？", f"Record it as {value:g}%?"))
    if approximate:
        shown = f"{value:g}%" if percent else f"{value:g}"
        return Typed(value, Confirm(f"按 {shown} 记录？", f"Record it as {shown}?"))
    if percent_question and not percent and isinstance(value, float) and 0 < value < 1:
        # 0.9 for a percent question is most likely 90 %, but 0.9 % is possible: ask, and keep 0.9 on no
        meant = checked_or_none(question, round(value * 100, 6))
        if meant is not None:
            return Typed(meant, Confirm(f"是否指 {meant:g}%？", f"Do you mean {meant:g}%?", otherwise=value))
    return Typed(value)


def checked_number(question: NumberQuestion, value: float | int, text: str) -> float | int:
    try:
        return coerce_answer(question, value)
    except AnswerValueError:
        zh, en = number_refusal(question, text).split(" / ", 1)
        reason = ("超出范围" if float(value).is_integer() or not question.integer else "不是整数",
                  "out of range" if float(value).is_integer() or not question.integer else "not whole")
        raise AnswerValueError(f"{reason[0]}：{zh} / {reason[1]}: {en}") from None


def checked_or_none(question: NumberQuestion, value: float) -> float | int | None:
    try:
        return coerce_answer(question, value)
    except AnswerValueError:
        return None


def number_refusal(question: NumberQuestion, text: str) -> str:
    kind_zh, kind_en = ("整数", "a whole number") if question.integer else ("数字", "a number")
    bounds = number_range(question)
    unit_zh = question.unit.zh if question.unit else ""
    unit_en = question.unit.en if question.unit else ""
    example = "90%、百分之九十" if is_percent(question) else f"12、十二、12{unit_zh or '个'}"
    range_zh = "" if bounds == "any number" else f"（{bounds}{'' if unit_zh in ('', '%') else ' ' + unit_zh}）"
    range_en = "" if bounds == "any number" else f" ({bounds}{'' if unit_en in ('', '%') else ' ' + unit_en})"
    return (f"请输入{kind_zh}{range_zh}，如 {example}，实际为 “{text}” / "
            f"enter {kind_en}{range_en}, e.g. 12, got '{text}'")


def is_percent(question: Question) -> bool:
    return isinstance(question, NumberQuestion) and question.unit is not None and question.unit.zh in PERCENT_SIGNS


# -- options ---------------------------------------------------------------------------------------------


def read_choice(question: Question, text: str) -> Typed:
    return Typed(one_option(question, text))


def read_multi_choice(question: Question, text: str) -> Typed:
    if fold(text) in {fold(w) for w in NONE_WORDS} and not option_by_words(question, text):
        return Typed([])
    chosen: list[str] = []
    for piece in option_pieces(question, text):
        option = one_option(question, piece)
        if option not in chosen:
            chosen.append(option)
    return Typed(coerce_answer(question, chosen))


def option_pieces(question: Question, text: str) -> list[str]:
    """`text` cut into one piece per option: at 、，, and spaces, except inside an option's own words
    (居民夜话、楼栋议事、院坝会等 stays one piece)."""
    labels = sorted({unicodedata.normalize("NFKC", w).lower() for o in question.options
                     for w in (o.label.zh, o.label.en)}, key=len, reverse=True)
    pieces: list[str] = []
    rest = unicodedata.normalize("NFKC", text).strip()
    while rest:
        if (gap := SEPARATORS.match(rest)) is not None:
            rest = rest[gap.end():]
            continue
        whole = next((w for w in labels if rest.lower().startswith(w) and ends_piece(rest, len(w))), None)
        end = len(whole) if whole else (cut.start() if (cut := SEPARATORS.search(rest)) else len(rest))
        pieces.append(rest[:end])
        rest = rest[end:]
    return pieces


def ends_piece(text: str, length: int) -> bool:
    return length == len(text) or bool(SEPARATORS.match(text[length:]))


def one_option(question: Question, text: str) -> str:
    """One option by its number (2, 二, 第二个), its words, any part of them that fits it alone, or its id."""
    options = question.options
    by_words = option_by_words(question, text)
    if by_words:
        return by_words
    if text.strip() in {o.id for o in options}:
        return text.strip()  # answer files and exports name options by id
    number = ordinal(text)
    if number is not None:
        if 1 <= number <= len(options):
            return options[number - 1].id
        raise AnswerValueError(
            f"没有第 {number} 项：{option_prompt(question, 'zh')} / there is no option {number}: "
            f"{option_prompt(question, 'en')}")
    matches = options_containing(question, text)
    if len(matches) == 1:
        return matches[0].id
    if len(matches) > 1:
        listed = "；".join(f"{question.options.index(o) + 1}. {o.label.zh}" for o in matches)
        listed_en = "; ".join(f"{question.options.index(o) + 1}. {o.label.en}" for o in matches)
        raise AnswerValueError(f"“{text}”可指多个选项（{listed}），请输入编号 / '{text}' fits several options "
                               f"({listed_en}); enter its number")
    hint_zh, hint_en = closest_option(question, text)
    raise AnswerValueError(f"没有选项 “{text}”：{option_prompt(question, 'zh')}{hint_zh} / '{text}' is not an option: "
                           f"{option_prompt(question, 'en')}{hint_en}")


def closest_option(question: Question, text: str) -> tuple[str, str]:
    """A near miss such as 'thre' for Three, offered by number and words."""
    words = {fold(w): n for n, o in enumerate(question.options) for w in (o.label.zh, o.label.en)}
    close = difflib.get_close_matches(fold(text), list(words), n=1, cutoff=0.6)
    if not close:
        return "", ""
    n = words[close[0]]
    option = question.options[n]
    return f"；是否指 {n + 1}. {option.label.zh}？", f"; did you mean {n + 1}. {option.label.en}?"


def option_by_words(question: Question, text: str) -> str | None:
    key = fold(text)
    return next((o.id for o in question.options if key in (fold(o.label.zh), fold(o.label.en))), None)


def options_containing(question: Question, text: str) -> list:
    key = fold(text)
    if len(key) < 2:
        return []
    return [o for o in question.options if key in fold(o.label.zh) or key in fold(o.label.en)]


def ordinal(text: str) -> int | None:
    match = ORDINAL.fullmatch(normal_text(text))
    if match is None:
        return None
    value = numeral_value(match.group(1))
    return int(value) if isinstance(value, int) else None


def option_prompt(question: Question, lang: str) -> str:
    count = len(question.options)
    if lang == "zh":
        several = "，可多选" if question.type == "multi_choice" else ""
        return f"请输入 1–{count} 或选项文字{several}"
    several = " (several allowed)" if question.type == "multi_choice" else ""
    return f"enter 1–{count} or the option's words{several}"


def fold(text: str) -> str:
    """Text compared as a person reads it: full-width forms, case and spaces do not matter."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


READERS = {
    "yes_no": read_yes_no,
    "likert": read_likert,
    "number": read_number,
    "choice": read_choice,
    "multi_choice": read_multi_choice,
}
