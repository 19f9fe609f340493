"""Numbers as people say and type them: 3个, 十二次, 一百二十, 百分之九十五, 约15%, 三十多, 1.5万, 一半.

`spoken_number` reads the number out of such a text and says whether it was rounded speech (约, 左右, 多)
or 一半, so the caller can confirm it with the person before recording it. Plain numbers are left to
`values.number_value`; this module only knows the words around them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
          "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
LARGE_UNITS = {"万": 10**4, "亿": 10**8}
# Counters and units people type after a number; the question's own unit is accepted as well.
COUNTERS = ("平方米", "平米", "学时", "小时", "课时", "场次", "人次", "户次", "个", "次", "户", "人", "名", "位",
            "天", "元", "块", "场", "项", "件", "条", "间", "家", "支", "所", "座", "处", "批", "期", "分", "岁",
            "年", "月", "周", "㎡", "m²", "m2")
APPROX_BEFORE = ("大约", "大概", "差不多", "将近", "接近", "约莫", "约", "近")
APPROX_AFTER = ("左右", "上下", "来", "多", "余")
HALF = frozenset({"一半", "半数", "一半左右", "大约一半", "约一半", "差不多一半", "过半"})
PERCENT_WORD = "百分之"
NUMBER_TEXT = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")


@dataclass(frozen=True)
class Spoken:
    """A number read from words: its value, whether it was a percent (百分之 or %), and whether it was a
    rounded figure (约/左右/多/一半) that the person should confirm before it is recorded."""

    value: float | int
    percent: bool = False
    approximate: bool = False
    half: bool = False


def normal_text(text: str) -> str:
    """Full-width digits and signs as plain ones (１２％ → 12%), spaces and thousands commas out."""
    text = unicodedata.normalize("NFKC", text).strip()
    return re.sub(r"(?<=\d),(?=\d{3}\b)|\s+", "", text)


def spoken_number(text: str, units: tuple[str, ...] = ()) -> Spoken | None:
    """The number in `text` as a person wrote it, or None when it is not a number with words around it.

    `units` are the question's own unit words (学时, %, 人/千人 …), taken off like the common counters.
    """
    text = normal_text(text)
    if text in HALF:
        return Spoken(50, percent=True, approximate=True, half=True)
    approximate = False
    for _ in range(4):  # 约15个左右: words on either side, in any order
        before = next((w for w in APPROX_BEFORE if text.startswith(w) and len(text) > len(w)), None)
        if before:
            text, approximate = text[len(before):], True
        stripped = strip_counter(text, units)
        after = next((w for w in APPROX_AFTER if stripped.endswith(w) and len(stripped) > len(w)), None)
        if after:
            stripped, approximate = stripped[: -len(after)], True
        if stripped == text and not before:
            break
        text = stripped
    percent = False
    if text.startswith(PERCENT_WORD):
        text, percent = text[len(PERCENT_WORD):], True
    elif text.endswith("%"):
        text, percent = text[:-1], True
    value = numeral_value(text)
    if value is None:
        return None
    return Spoken(value, percent=percent, approximate=approximate)


def strip_counter(text: str, units: tuple[str, ...]) -> str:
    for word in sorted({*units, *COUNTERS}, key=len, reverse=True):
        if word and word != "%" and text.endswith(word) and len(text) > len(word):
            return text[: -len(word)]
    return text


def numeral_value(text: str) -> int | float | None:
    """12, 十二, 一百零五, 两千, 1.5万, 三点五, 3千 -> the number; None for anything else."""
    if not text:
        return None
    if NUMBER_TEXT.fullmatch(text):
        return float(text) if "." in text else int(text)
    if "点" in text:
        whole, _, fraction = text.partition("点")
        head = numeral_value(whole) if whole else 0
        if head is None or not isinstance(head, int) or not fraction or any(c not in DIGITS for c in fraction):
            return None
        return float(f"{head}.{''.join(str(DIGITS[c]) for c in fraction)}")
    return chinese_integer(text)


def chinese_integer(text: str) -> int | float | None:
    """A Chinese numeral (十二, 一百二十, 两万三千, 3千五) as a number; Arabic digits may stand for a digit."""
    total: float = 0
    section: float = 0
    digit: float | None = None
    tokens = re.findall(r"[0-9]+(?:\.[0-9]+)?|.", text)
    last_unit = None
    for token in tokens:
        if token in ("零", "〇", "○") and last_unit is not None:
            digit = None  # 一百零五: a place holder, not a digit
            continue
        if token in DIGITS or token[0].isdigit():
            if digit is not None:
                return None  # 一二 is no number a person writes for twelve
            digit = DIGITS[token] if token in DIGITS else float(token)
        elif token in SMALL_UNITS:
            section += (1 if digit is None else digit) * SMALL_UNITS[token]
            digit, last_unit = None, token
        elif token in LARGE_UNITS:
            if digit is None and section == 0:
                return None
            total += (section + (digit or 0)) * LARGE_UNITS[token]
            section, digit, last_unit = 0, None, token
        else:
            return None
    if digit is not None and last_unit in ("百", "千", "万") and len(tokens) >= 2 and tokens[-2] == last_unit:
        digit *= SMALL_UNITS.get(last_unit, LARGE_UNITS.get(last_unit, 1)) / 10  # 三千五 = 3500, 一百五 = 150
    value = total + section + (digit or 0)
    return int(value) if float(value).is_integer() else value
