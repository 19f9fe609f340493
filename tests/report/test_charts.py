"""SVG charts: well-formed, escaped, stable, and drawn where the numbers say."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from assess.report.charts import (
    BELOW,
    CASE,
    MEETS,
    RADAR_CENTRE_Y,
    RADAR_RADIUS,
    Bar,
    BarGroup,
    BarLegend,
    RadarAxis,
    RadarLegend,
    bar_chart,
    polar,
    radar_chart,
    text_width,
    wrap,
)

SVG = "{http://www.w3.org/2000/svg}"
RADAR_LEGEND = RadarLegend(community="本社区", target="目标值", case="最相近案例")
BAR_LEGEND = BarLegend(meets="达标", below="低于目标", target="目标值", not_answered="未作答")


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def classes(element: ET.Element) -> list[str]:
    return element.get("class", "").split()


def texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def axes(scores, cases=None, target=85.0) -> list[RadarAxis]:
    cases = cases or [None] * len(scores)
    pairs = enumerate(zip(scores, cases, strict=True))
    return [RadarAxis(label=f"维度{i}", score=s, target=target, case=c) for i, (s, c) in pairs]


def test_radar_is_wellformed_svg_with_one_label_per_dimension():
    root = parse(radar_chart(axes([50, 60, 70, 80, 90]), RADAR_LEGEND, "雷达图"))
    assert root.tag == f"{SVG}svg"
    labels = texts(root)
    for i in range(5):
        assert any(f"维度{i}" in label for label in labels)


def test_radar_puts_a_full_score_on_the_rim_and_zero_at_the_centre():
    chart = radar_chart(axes([100, 0, 100, 0]), RADAR_LEGEND, "t")
    community = next(p for p in parse(chart).iter(f"{SVG}polygon") if "community" in classes(p))
    coords = [tuple(map(float, pair.split(","))) for pair in community.get("points").split()]
    cx, cy, r = 260.0, RADAR_CENTRE_Y, RADAR_RADIUS
    top = polar(cx, cy, r, 0, 4)
    assert coords[0] == pytest.approx(top, abs=0.06)
    assert coords[0][1] == pytest.approx(cy - r, abs=0.06)  # the first axis points straight up
    assert coords[1] == pytest.approx((cx, cy), abs=0.06)


def test_radar_marks_only_the_dimensions_the_case_reports():
    chart = radar_chart(axes([50, 60, 70, 80], cases=[80, None, 65, None]), RADAR_LEGEND, "t")
    diamonds = [p for p in parse(chart).iter(f"{SVG}polygon") if "case" in classes(p)]
    assert len(diamonds) == 2
    lines = [ln for ln in parse(chart).iter(f"{SVG}line") if ln.get("stroke") == CASE]
    assert lines == []  # no reported neighbours: nothing joins the markers, a gap is not a zero


def test_radar_without_a_case_has_no_case_marker_or_legend():
    legend = RadarLegend(community="c", target="t", case=None)
    chart = radar_chart(axes([50, 60, 70]), legend, "t")
    assert CASE not in chart


def test_chart_labels_are_escaped_text():
    hostile = '<img src="file:///etc/passwd">&'
    chart = radar_chart([RadarAxis(hostile, 50, 85, None)] * 3, RADAR_LEGEND, hostile)
    root = parse(chart)  # well-formed: nothing was injected
    assert not list(root.iter("img")) and not list(root.iter(f"{SVG}img"))
    assert "&lt;img" in chart
    assert root.find(f"{SVG}title").text == hostile
    assert "".join(texts(root)).count("passwd") == 3


def test_charts_are_byte_for_byte_stable():
    first = radar_chart(axes([12.345, 67.891, 99.999]), RADAR_LEGEND, "t")
    second = radar_chart(axes([12.345, 67.891, 99.999]), RADAR_LEGEND, "t")
    assert first == second
    coordinates = " ".join(p.get("points") for p in parse(first).iter(f"{SVG}polygon"))
    assert re.fullmatch(r"(-?\d+\.\d,-?\d+\.\d ?)+", coordinates)  # one decimal, so no float noise


def bars_chart(groups):
    return parse(bar_chart(groups, BAR_LEGEND, "指标"))


def test_bars_below_target_are_marked_and_every_target_has_a_tick():
    groups = [
        BarGroup("党建引领", [Bar("甲", 40.0, 85.0), Bar("乙", 90.0, 85.0)]),
        BarGroup("参与", [Bar("丙", 85.0, 85.0)]),
    ]
    root = bars_chart(groups)
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect") if "bar" in classes(r)]
    assert fills == [BELOW, MEETS, MEETS]  # 85 of 85 meets the target
    ticks = [ln for ln in root.iter(f"{SVG}line") if "target" in classes(ln)]
    assert len(ticks) == 3
    assert {"党建引领", "参与"} <= set(texts(root))


def test_bar_length_and_target_tick_are_proportional_to_the_score():
    root = bars_chart([BarGroup("g", [Bar("a", 50.0, 80.0), Bar("b", 100.0, 80.0)])])
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if "bar" in classes(r)]
    assert widths[1] == pytest.approx(2 * widths[0], abs=0.1)
    x0 = min(float(r.get("x")) for r in root.iter(f"{SVG}rect") if "bar" in classes(r))
    tick = next(ln for ln in root.iter(f"{SVG}line") if "target" in classes(ln))
    assert (float(tick.get("x1")) - x0) == pytest.approx(widths[1] * 0.8, abs=0.1)


def test_an_unanswered_indicator_is_labelled_not_drawn_as_zero():
    root = bars_chart([BarGroup("g", [Bar("a", None, 85.0)])])
    assert "未作答" in texts(root)
    assert [r for r in root.iter(f"{SVG}rect") if "bar" in classes(r)] == []


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("党组织引领与自身建设", 60, ["党组织引领与", "自身建设"]),  # 10 units a character at size 10
        ("Party organization leadership", 80, ["Party", "organization", "leadership"]),
        ("short", 200, ["short"]),
    ],
)
def test_wrap_breaks_cjk_anywhere_and_latin_at_spaces(text, width, lines):
    assert wrap(text, width, 10, max_lines=5) == lines


def test_wrap_shortens_the_last_line_with_an_ellipsis():
    lines = wrap("一二三四五六七八九十一二三四五", 50, 10, max_lines=2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(text_width(line, 10) <= 50 for line in lines)


def test_text_width_counts_cjk_as_one_em():
    assert text_width("社区", 10) == 20
    assert math.isclose(text_width("ab", 10), 11)


def test_radar_labels_stay_inside_the_drawing():
    long = "Party organization leadership and self-building"
    root = parse(radar_chart([RadarAxis(long, 50, 85, None)] * 8, RADAR_LEGEND, "t"))
    height = float(root.get("height"))
    ys = [float(span.get("y")) for span in root.iter(f"{SVG}tspan")]
    assert min(ys) - 10.5 >= 0 and max(ys) <= height


def test_an_unscored_dimension_is_a_gap_in_the_community_shape_not_a_zero():
    root = parse(radar_chart(axes([50, None, 70, 80]), RADAR_LEGEND, "t"))
    assert [p for p in root.iter(f"{SVG}polygon") if "community" in classes(p)] == []
    joined = [ln for ln in root.iter(f"{SVG}line") if "community" in classes(ln)]
    assert len(joined) == 2  # 70-80 and 80-50; nothing reaches the unscored axis
    assert len([c for c in root.iter(f"{SVG}circle")]) == 3


def test_long_bar_labels_wrap_and_group_headings_sit_clear_of_the_gridlines():
    long = "Residents' satisfaction with the handling of their complaints and suggestions"
    heading = "Party organization leadership and the Party organization's own building"
    root = bars_chart([BarGroup(heading, [Bar(long, 40.0, 85.0), Bar("short", 90.0, 85.0)])])
    spans = ["".join(t.itertext()) for t in root.iter(f"{SVG}tspan")]
    assert "…" not in " ".join(spans) and heading in spans
    assert any(s.endswith("suggestions") for s in spans) and long not in spans  # wrapped, nothing cut
    heading_y = next(float(t.get("y")) for t in root.iter(f"{SVG}tspan") if t.text == heading)
    grid = [ln for ln in root.iter(f"{SVG}line") if "stroke-grid" in classes(ln)]
    assert grid and all(float(ln.get("y1")) > heading_y for ln in grid)
    bars = [r for r in root.iter(f"{SVG}rect") if "bar" in classes(r)]
    assert float(bars[1].get("y")) - float(bars[0].get("y")) > 13.5 + 4  # the two-line row is taller


def test_chart_colours_are_role_classes_a_style_can_recolour():
    root = bars_chart([BarGroup("g", [Bar("a", 40.0, 85.0), Bar("b", 90.0, 85.0)])])
    bars = [r for r in root.iter(f"{SVG}rect") if "bar" in classes(r)]
    assert [c for c in classes(bars[0]) if c.startswith("fill-")] == ["fill-below"]
    assert "fill-meets" in classes(bars[1])
    styled = parse(bar_chart([BarGroup("g", [Bar("a", 40.0, 85.0)])], BAR_LEGEND, "t", ".fill-below{fill:#123456}"))
    assert "".join(styled.find(f"{SVG}style").itertext()) == ".fill-below{fill:#123456}"
