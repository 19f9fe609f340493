"""AHP judgments given as a matrix, the way a thesis prints it: full or upper-triangular, checked cell by cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.errors import ProblemsError
from assess.packs.judgments import load_ahp_file
from assess.scoring.ahp import ahp_file_weights

DATA = Path(__file__).parents[1] / "data" / "ahp"
ITEMS = "[coffee, wine, tea, beer, soda, milk, water]"
# Saaty (2008), Int. J. Services Sciences 1(1):83-98, the drink consumption matrix (as in saaty-drinks.yaml)
FULL = """\
  - [1, 9, 5, 2, 1, 1, 1/2]
  - [1/9, 1, 1/3, 1/9, 1/9, 1/9, 1/9]
  - [1/5, 3, 1, 1/3, 1/4, 1/3, 1/9]
  - [1/2, 9, 3, 1, 1/2, 1, 1/3]
  - [1, 9, 4, 2, 1, 2, 1/2]
  - [1, 9, 3, 1, 1/2, 1, 1/3]
  - [2, 9, 9, 3, 2, 3, 1]
"""
UPPER = """\
  - [1, 9, 5, 2, 1, 1, 1/2]
  - [1, 1/3, 1/9, 1/9, 1/9, 1/9]
  - [1, 1/3, 1/4, 1/3, 1/9]
  - [1, 1/2, 1, 1/3]
  - [1, 2, 1/2]
  - [1, 1/3]
  - [1]
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "matrix.yaml"
    path.write_text(f"items: {ITEMS}\nmatrix:\n{body}", encoding="utf-8")
    return path


@pytest.mark.parametrize("body", [FULL, UPPER], ids=["full", "upper"])
def test_a_matrix_gives_the_weights_of_the_same_pairs(tmp_path, body):
    pairs = ahp_file_weights(DATA / "saaty-drinks.yaml", allow_inconsistent=False)
    matrix = ahp_file_weights(write(tmp_path, body), allow_inconsistent=False)
    assert matrix.weights == pytest.approx(pairs.weights) and matrix.cr == pytest.approx(pairs.cr)
    assert [round(w, 3) for w in matrix.weights] == [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]


def test_a_cell_that_is_not_the_reciprocal_is_named_at_its_line(tmp_path):
    broken = FULL.replace("  - [1/5, 3, 1, 1/3, 1/4, 1/3, 1/9]", "  - [1/5, 2, 1, 1/3, 1/4, 1/3, 1/9]")
    with pytest.raises(ProblemsError) as error:
        load_ahp_file(write(tmp_path, broken))
    message = str(error.value)
    assert "row tea, column wine is 2" in message and "(wine, tea) is 1/3" in message and "reciprocal 3" in message
    assert message.startswith(str(tmp_path / "matrix.yaml") + ":5:")


def test_a_zero_a_bad_diagonal_and_a_short_row_are_each_named(tmp_path):
    with pytest.raises(ProblemsError) as error:
        load_ahp_file(write(tmp_path, FULL.replace("[1/9, 1, 1/3", "[0, 1, 1/3")))
    assert "outside Saaty's scale" in str(error.value)
    with pytest.raises(ProblemsError) as error:
        load_ahp_file(write(tmp_path, UPPER.replace("  - [1, 2, 1/2]", "  - [3, 2, 1/2]")))
    assert "diagonal cell soda–soda must be 1" in str(error.value)
    with pytest.raises(ProblemsError) as error:
        load_ahp_file(write(tmp_path, UPPER.replace("  - [1, 1/3]\n", "  - [1/3]\n")))
    assert "upper" in str(error.value)


def test_several_experts_may_each_give_a_matrix(tmp_path):
    path = tmp_path / "experts.yaml"
    upper = UPPER.replace("  - ", "      - ")
    path.write_text(f"items: {ITEMS}\nexperts:\n  - name: 张老师\n    matrix:\n{upper}  - name: 李老师\n"
                    f"    matrix:\n{upper}", encoding="utf-8")
    result = ahp_file_weights(path, allow_inconsistent=False)
    assert result.experts == ["张老师", "李老师"] and round(result.weights[6], 3) == 0.327
