"""Values of the right shape but wrong meaning are refused at their line, never read as something else."""

from __future__ import annotations

import pytest

from assess.errors import ProblemsError
from assess.packs.loading import load_pack
from assess.responses.answer_file import load_answer_file
from assess.responses.values import number_value

CHILD = ("id: child\nversion: '1'\nextends: core\ntitle: {{zh: 子, en: Child}}\n"
         "override:\n  {target}: {{{field}: {value}}}\n")


@pytest.mark.parametrize(("target", "field", "value", "expected"), [
    ("participation", "weight", "true", "not true/false"),
    ("participation", "weight", "yes", "not true/false"),
    ("q-training-hours", "worst", "-1e308", "must be ≥ -1e+12"),
    ("q-training-hours", "best", "1e308", "must be ≤ 1e+12"),
    ("org-coverage", "target", "true", "not true/false"),
])
def test_a_pack_value_that_is_not_what_it_seems_is_refused(tmp_path, target, field, value, expected):
    path = tmp_path / "child.yaml"
    path.write_text(CHILD.format(target=target, field=field, value=value), encoding="utf-8")
    with pytest.raises(ProblemsError) as error:
        load_pack(str(path))
    assert expected in str(error.value) and "child.yaml:6" in str(error.value)


ANSWERS = ("pack: core\ncommunity: {{name: {name}, population: {population}}}\nanswers: {{}}\n"
           "respondents:\n  - id: {rid}\n")


@pytest.mark.parametrize(("name", "population", "rid", "expected"), [
    ('""', 100, "r1", "at least 1 character"),
    ("'   '", 100, "r1", "must not be blank"),
    ("幸福社区", -5, "r1", "must be ≥ 0"),
    ('"幸福\\x1b[31m社区"', 100, "r1", "control character"),
    ("幸福社区", 100, '"a\\0b"', "control character"),
])
def test_an_answer_file_value_that_cannot_be_meant_is_refused(tmp_path, name, population, rid, expected):
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS.format(name=name, population=population, rid=rid), encoding="utf-8")
    with pytest.raises(ProblemsError) as error:
        load_answer_file(path)
    assert expected in str(error.value)


@pytest.mark.parametrize("cell", ["2_4", "1_000", "٣", "1e400", "nan", "0x10"])
def test_cells_that_python_would_read_as_numbers_are_not_numbers(cell):
    assert number_value(cell) is None
