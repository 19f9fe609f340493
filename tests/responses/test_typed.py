"""Answers typed the way people type them: numbers with counters and Chinese numerals, options by number,
ordinal or words, and refusals that say what may be typed -- never the pack's ids."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.packs.loading import load_pack
from assess.responses.spoken import spoken_number
from assess.responses.typed import is_percent, read_typed
from assess.responses.values import AnswerValueError

PACKS = {ref: load_pack(ref).pack for ref in ("core", "kuangqu-demo")}
QUESTIONS = [(ref, q) for ref, pack in PACKS.items() for _, _, q in pack.questions()]
CORE = {q.id: q for _, _, q in PACKS["core"].questions()}
ID_PATTERN = re.compile(r"\bq-[a-z0-9-]+|\b(?:full|mostly|partly|little)\b")


def names_no_id(message: str) -> bool:
    """The Chinese half names no question or option id, and neither half lists ids as what is allowed."""
    return not ID_PATTERN.search(message.split(" / ")[0]) and "allowed:" not in message


def question(qid: str):
    return CORE[qid]


def first(kind: str, predicate=lambda q: True):
    return next(q for _, q in QUESTIONS if q.type == kind and predicate(q))


def chinese(number: int) -> str:
    """How a person writes a whole number in Chinese characters (12 → 十二, 120 → 一百二十, 105 → 一百零五)."""
    digits = "零一二三四五六七八九"
    if number == 0:
        return "零"
    if number >= 10_000:
        high, low = divmod(number, 10_000)
        rest = "" if low == 0 else ("零" if low < 1000 else "") + chinese(low)
        return chinese(high) + "万" + rest
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, number = divmod(number, value)
        if digit:
            if zero and out:
                out += "零"
            out += ("" if (unit == "十" and not out and digit == 1) else digits[digit]) + unit
            zero = False
        elif out:
            zero = True
    return out


@pytest.mark.parametrize(("typed", "value"), [
    ("三个", 3), ("3个", 3), ("32学时", 32), ("350户", 350), ("十二次", 12), ("一百二十", 120), ("两", 2),
    ("一百零五", 105), ("1.5万", 15000), ("两万三", 23000), ("三点五", 3.5), ("１２", 12), ("1,200", 1200),
])
def test_numbers_with_counters_and_chinese_numerals(typed, value):
    spoken = spoken_number(typed)
    assert spoken is not None and spoken.value == value and not spoken.approximate


@pytest.mark.parametrize(("qid", "typed", "value"), [
    ("q-training-hours", "32学时", 32), ("q-training-hours", "三十二小时", 32),
    ("q-grid-party-coverage", "百分之九十五", 95), ("q-grid-party-coverage", "90%", 90),
    ("q-grid-party-coverage", "９０％", 90),
])
def test_the_issue_examples_are_recorded_as_typed(qid, typed, value):
    result = read_typed(question(qid), typed)
    assert result.value == value and result.confirm is None


@pytest.mark.parametrize(("typed", "value", "asked"), [
    ("约15%", 15, "按 15% 记录？"), ("一半左右", 50, "按 50% 记录？"), ("一半", 50, "按 50% 记录？"),
    ("大约二十", 20, "按 20 记录？"), ("30左右", 30, "按 30 记录？"), ("三十多", 30, "按 30 记录？"),
])
def test_rounded_figures_are_confirmed_before_they_are_recorded(typed, value, asked):
    result = read_typed(question("q-grid-party-coverage"), typed)
    assert result.value == value
    assert result.confirm is not None and result.confirm.zh == asked and result.confirm.otherwise is None


def test_a_fraction_for_a_percent_is_asked_about_and_kept_on_no():
    result = read_typed(question("q-grid-party-coverage"), "0.9")
    assert result.value == 90 and result.confirm.zh == "是否指 90%？" and result.confirm.otherwise == 0.9


def test_a_percent_for_a_count_and_words_that_are_no_number_are_refused_with_what_may_be_typed():
    count = first("number", lambda q: q.unit is not None and q.unit.zh == "次")
    for typed in ("50%", "很多", "十几"):
        with pytest.raises(AnswerValueError, match="请输入整数.*如 12、十二、12次") as refused:
            read_typed(count, typed)
        assert names_no_id(str(refused.value))


def test_options_by_number_ordinal_words_or_an_unambiguous_part():
    funds = next(q for q in CORE.values() if q.type == "choice" and any(o.label.zh.startswith("基本到位")
                                                                         for o in q.options))
    ids = [o.id for o in funds.options]
    assert read_typed(funds, "基本到位").value == "mostly"
    for typed in ("二", "第二个", "2", "第2项", "２"):
        assert read_typed(funds, typed).value == ids[1]
    assert read_typed(funds, "按标准足额、按时到位").value == ids[0]  # its own 、 does not split it
    with pytest.raises(AnswerValueError) as refused:
        read_typed(funds, "到位")  # fits several
    assert "请输入编号" in str(refused.value) and names_no_id(str(refused.value))
    with pytest.raises(AnswerValueError, match=r"请输入 1–\d 或选项文字") as refused:
        read_typed(funds, "差不多吧")
    assert names_no_id(str(refused.value))


def test_multi_choice_splits_at_enumeration_commas_only_between_options():
    channels = next(q for q in CORE.values() if q.type == "multi_choice" and any(
        o.label.zh == "居民夜话、楼栋议事、院坝会等" for o in q.options))
    labels = [o.label.zh for o in channels.options]
    typed = "、".join(labels[:3])
    assert read_typed(channels, typed).value == [o.id for o in channels.options[:3]]
    assert read_typed(channels, "1、第三个 线上议事").value == [channels.options[i].id for i in (0, 2)] + [
        next(o.id for o in channels.options if o.label.zh.startswith("线上议事"))]


@pytest.mark.parametrize("q", [q for _, q in QUESTIONS], ids=[f"{ref}:{q.id}" for ref, q in QUESTIONS])
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_every_option_number_and_allowed_number_as_people_write_it_round_trips(q, data):
    """For every question of the core and demo packs: what a person writes for a value is read as that value."""
    if q.type == "choice":
        n = data.draw(st.integers(1, len(q.options)))
        option = q.options[n - 1]
        typed = data.draw(st.sampled_from([str(n), chinese(n), f"第{chinese(n)}个", f"第{n}项", option.label.zh,
                                           option.label.en, option.label.en.upper()]))
        assert read_typed(q, typed).value == option.id, typed
    elif q.type == "multi_choice":
        picked = data.draw(st.lists(st.integers(0, len(q.options) - 1), unique=True, min_size=1))
        words = [data.draw(st.sampled_from([q.options[i].label.zh, str(i + 1), f"第{chinese(i + 1)}个"]))
                 for i in picked]
        typed = data.draw(st.sampled_from(["、", "，", " ", ","])).join(words)
        assert read_typed(q, typed).value == [q.options[i].id for i in picked], typed
    elif q.type == "likert":
        point = data.draw(st.integers(q.scale.min, q.scale.max))
        typed = data.draw(st.sampled_from([str(point), chinese(point), f"{point}分"]
                                          + ([q.scale.labels[point].zh] if point in q.scale.labels else [])))
        assert read_typed(q, typed).value == point, typed
    elif q.type == "yes_no":
        answer = data.draw(st.booleans())
        assert read_typed(q, data.draw(st.sampled_from(["是", "是的", "有"] if answer else ["否", "没有", "不是"]))
                          ).value is answer
    elif q.type == "number":
        low = int(q.min or 0)
        high = int(q.max) if q.max is not None else low + 100_000
        value = data.draw(st.integers(low, high))
        unit = q.unit.zh if q.unit else ""
        forms = [str(value), f"{value}{unit}", chinese(value), f"{chinese(value)}{unit}"]
        if is_percent(q):
            forms = [f"{value}%", f"百分之{chinese(value)}", str(value), chinese(value)]
        typed = data.draw(st.sampled_from(forms))
        result = read_typed(q, typed)
        assert result.value == value and result.confirm is None, typed
