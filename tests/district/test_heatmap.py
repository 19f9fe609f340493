"""The heat map's column titles: every dimension title of the core pack whole in its narrow column, in both
languages, in lines of even length (no 多元主体协 / 同), English compounds broken after their own hyphen."""

from __future__ import annotations

import pytest

from assess.district.heatmap import NAME_WIDTH, SIZE, WIDTH, column_lines
from assess.packs.loading import load_pack
from assess.report.charts import text_width

DIMENSIONS = load_pack("core").pack.dimensions
CELL = (WIDTH - NAME_WIDTH) / len(DIMENSIONS) - 4


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_dimension_title_is_whole_in_its_column(lang):
    for dim in DIMENSIONS:
        title = dim.title.get(lang)
        lines = column_lines(title, CELL)
        assert "".join(lines).replace(" ", "") == title.replace(" ", ""), lines  # nothing cut, nothing added
        if lang == "zh":
            assert all(text_width(line, SIZE) <= CELL for line in lines), lines
            assert len(lines) == 1 or min(map(len, lines)) >= len(title) // len(lines), lines  # even lines


def test_an_english_compound_breaks_after_its_own_hyphen():
    assert "and self-" in column_lines("Resident participation and self-governance", CELL)
