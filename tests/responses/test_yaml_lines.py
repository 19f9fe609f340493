"""Respondents written line by line read back, through the general YAML reader, as the same values."""

from __future__ import annotations

import yaml
from hypothesis import given
from hypothesis import strategies as st

from assess.responses.answer_file import RespondentEntry
from assess.responses.yaml_lines import respondent_lines, scalar

ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)))  # controls, NEL, U+2028 and all
VALUES = (st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT
          | st.lists(ANY_TEXT | st.integers(), max_size=4))
IDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1).filter(str.strip)
PEOPLE = st.lists(st.builds(RespondentEntry, id=IDS,
                            answers=st.dictionaries(ANY_TEXT, VALUES, max_size=6),
                            groups=st.dictionaries(ANY_TEXT, ANY_TEXT, max_size=2),
                            attributes=st.dictionaries(ANY_TEXT, ANY_TEXT, max_size=2)), min_size=1, max_size=5)


def same(a, b) -> bool:
    return a == b or (a != a and b != b)  # NaN reads back as NaN


@given(PEOPLE)
def test_whatever_is_written_reads_back_the_same(people):
    back = yaml.safe_load("".join(respondent_lines(people)))["respondents"]
    assert len(back) == len(people)
    for person, read in zip(people, back, strict=True):
        assert read["id"] == person.id
        assert read["answers"].keys() == person.answers.keys()
        for key, value in person.answers.items():
            got = read["answers"][key]
            assert same(got, value) or (isinstance(value, list) and all(map(same, got, value))), (key, value, got)
        assert read.get("groups", {}) == person.groups
        assert read.get("attributes", {}) == person.attributes


def test_ids_stay_plain_and_words_yaml_would_misread_are_quoted():
    assert [scalar(v) for v in ("residents-meeting", "q_a", "yes", "No", "null", "3", "1e5", "楼栋")] == [
        "residents-meeting", "q_a", '"yes"', '"No"', '"null"', '"3"', '"1e5"', '"楼栋"']
    assert [scalar(v) for v in (1e-05, 2.0, float("inf"), True, 7)] == ["1.0e-05", "2.0", ".inf", "true", "7"]
