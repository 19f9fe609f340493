"""The report's charts, drawn as SVG text by the project itself.

WeasyPrint renders inline SVG, so a chart needs no plotting library and no browser, and the same data
always gives the same bytes (numbers are printed with fixed decimals). Every label is escaped here, since
dimension and indicator titles can come from a district's own pack. Widths of wrapped labels are
estimated (a CJK character is one em, other characters about half), which is enough to keep labels
inside the drawing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

FONT = "'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif"
COMMUNITY = "#b3261e"
TARGET = "#6b6b6b"
CASE = "#1f5fa8"
BELOW = "#c0504d"
MEETS = "#4f7f52"
GRID = "#d9d9d9"
INK = "#222222"
# Each colour is a role; an element painted in it gets the classes fill-ROLE / stroke-ROLE, so a <style> given
# to the chart (built by the report from the district's CSS variables) can recolour every use of a role at once.
ROLES = {COMMUNITY: "community", TARGET: "target", CASE: "case", BELOW: "below", MEETS: "meets", GRID: "grid",
         INK: "ink"}
PAINT = re.compile(r'\b(fill|stroke)="(#[0-9a-f]{6})"')
TAG = re.compile(r"<(?!/)([a-z]+)([^<>]*?)(/?)>")
HEADING_SIZE = 10.5
LABEL_SIZE = 9.0
BAR_THICKNESS = 8.5
TICK = 12.5  # the target tick's length, a little longer than the bar is thick
LABEL_LINES = 3  # bar labels wrap to this many lines before anything is shortened


RADAR_RADIUS = 140.0
RADAR_CENTRE_Y = 214.0  # room above for a three-line title and its score


@dataclass(frozen=True)
class RadarAxis:
    label: str
    score: float | None  # the community's score, None when not scored
    target: float
    case: float | None  # the nearest case's coded estimate, None when the case does not report it
    mark: str = ""  # a line under the score, e.g. that the dimension has too little data


@dataclass(frozen=True)
class Bar:
    label: str
    score: float | None
    target: float


@dataclass(frozen=True)
class BarGroup:
    label: str
    bars: Sequence[Bar]


@dataclass(frozen=True)
class RadarLegend:
    community: str
    target: str
    case: str | None = None  # None when there is no nearest case to draw


@dataclass(frozen=True)
class BarLegend:
    meets: str
    below: str
    target: str
    not_answered: str


def num(value: float) -> str:
    """A coordinate with fixed decimals, so that output is byte-for-byte stable."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def text_width(text: str, size: float) -> float:
    return sum(size if is_wide(ch) else size * 0.55 for ch in text)


def is_wide(ch: str) -> bool:
    return ord(ch) >= 0x2E80  # CJK, fullwidth forms and the like


def wrap(text: str, width: float, size: float, max_lines: int = 2) -> list[str]:
    """`text` in lines no wider than `width`; breaks at spaces for Latin and anywhere in CJK runs."""
    tokens = split_tokens(text)
    lines: list[str] = []
    current = ""
    for token in tokens:
        candidate = current + token
        if current and text_width(candidate.rstrip(), size) > width:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current = candidate
    if current.strip():
        lines.append(current.rstrip())
    if len(lines) > max_lines:
        kept = lines[: max_lines - 1]
        last = " ".join(lines[max_lines - 1 :]) if not is_wide(lines[max_lines - 1][:1] or "a") else "".join(
            lines[max_lines - 1 :]
        )
        while last and text_width(last + "…", size) > width:
            last = last[:-1]
        lines = [*kept, last.rstrip() + "…"]
    return lines


def split_tokens(text: str) -> list[str]:
    """Words (with their trailing space) for Latin text, single characters for CJK."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if is_wide(ch):
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        elif ch == " ":
            tokens.append(word + " ")
            word = ""
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens


def text_lines(lines: list[str], x: float, y: float, size: float, anchor: str, **attrs: str) -> str:
    """A <text> element with one <tspan> per line, the block centred vertically on `y`."""
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    first = y - (len(lines) - 1) * size * 0.6 + size * 0.35
    spans = "".join(
        f'<tspan x="{num(x)}" y="{num(first + i * size * 1.2)}">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )
    return f'<text font-size="{num(size)}" text-anchor="{anchor}"{extra}>{spans}</text>'


def svg(width: float, height: float, body: str, title: str, style: str = "") -> Markup:
    """The chart; `style` (CSS for the role classes, see `ROLES`) is embedded, since WeasyPrint draws an
    inline SVG on its own and the page's stylesheet does not reach inside it.
    """
    sheet = f"<style>{escape(style)}</style>" if style else ""
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {num(width)} {num(height)}" '
        f'width="{num(width)}" height="{num(height)}" role="img" font-family="{FONT}" fill="{INK}">'
        f"<title>{escape(title)}</title>{sheet}{with_role_classes(body)}</svg>"
    )


def with_role_classes(body: str) -> str:
    """Every element painted in a role's colour also gets the role's class (`fill-below`, `stroke-target`)."""

    def add(match: re.Match[str]) -> str:
        name, attrs, close = match.groups()
        roles = [f"{kind}-{ROLES[colour]}" for kind, colour in PAINT.findall(attrs) if colour in ROLES]
        if not roles:
            return match.group(0)
        if ' class="' in attrs:
            attrs = attrs.replace(' class="', f' class="{" ".join(roles)} ', 1)
        else:
            attrs += f' class="{" ".join(roles)}"'
        return f"<{name}{attrs}{close}>"

    return TAG.sub(add, body)


# -- radar ------------------------------------------------------------------------------------------------


def radar_chart(axes: Sequence[RadarAxis], legend: RadarLegend, title: str, style: str = "") -> Markup:
    """Dimensions round a circle (0 at the centre, 100 at the rim): the community, the targets, the case.

    A case reports only some dimensions; its estimates are drawn as markers joined only between
    neighbouring reported axes, so an unreported dimension is a gap rather than a zero.
    """
    width, height, radius = 520.0, 460.0, RADAR_RADIUS
    cx, cy = width / 2, RADAR_CENTRE_Y
    n = len(axes)
    parts = [radar_grid(n, cx, cy, radius)]
    parts.append(radar_labels(axes, cx, cy, radius))
    target_points = [polar(cx, cy, radius * a.target / 100, i, n) for i, a in enumerate(axes)]
    parts.append(
        f'<polygon points="{points(target_points)}" fill="none" stroke="{TARGET}" stroke-width="1.5" '
        'stroke-dasharray="5 3"/>'
    )
    parts.append(radar_case(axes, cx, cy, radius))
    parts.append(radar_community(axes, cx, cy, radius))
    parts.append(radar_legend(legend, width, height))
    return svg(width, height, "".join(parts), title, style)


def polar(cx: float, cy: float, r: float, index: int, count: int) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return cx + r * math.cos(angle), cy + r * math.sin(angle)


def points(coords: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{num(x)},{num(y)}" for x, y in coords)


def radar_grid(n: int, cx: float, cy: float, radius: float) -> str:
    rings = []
    for level in (20, 40, 60, 80, 100):
        ring = [polar(cx, cy, radius * level / 100, i, n) for i in range(n)]
        rings.append(f'<polygon points="{points(ring)}" fill="none" stroke="{GRID}" stroke-width="0.8"/>')
        x, y = polar(cx, cy, radius * level / 100, 0, n)
        rings.append(f'<text x="{num(x + 3)}" y="{num(y + 3)}" font-size="8" fill="{TARGET}">{level}</text>')
    spokes = "".join(
        f'<line x1="{num(cx)}" y1="{num(cy)}" x2="{num(x)}" y2="{num(y)}" stroke="{GRID}" stroke-width="0.8"/>'
        for x, y in (polar(cx, cy, radius, i, n) for i in range(n))
    )
    return "".join(rings) + spokes


def radar_labels(axes: Sequence[RadarAxis], cx: float, cy: float, radius: float) -> str:
    """Each axis's title and score just outside the rim; a label above or below the chart grows away from it."""
    size = 10.5
    labels = []
    n = len(axes)
    for i, axis in enumerate(axes):
        x, y = polar(cx, cy, radius + 12, i, n)
        dx = x - cx
        anchor = "middle" if abs(dx) < 20 else ("start" if dx > 0 else "end")
        room = 112.0 if anchor != "middle" else 170.0
        score = "—" if axis.score is None else f"{axis.score:.1f}"
        lines = [*wrap(axis.label, room, size, max_lines=3), score, *([axis.mark] if axis.mark else [])]
        if anchor == "middle":
            half_block = len(lines) * size * 0.6
            y += -half_block if y < cy else half_block
        labels.append(text_lines(lines, x, y, size, anchor))
    return "".join(labels)


def radar_community(axes: Sequence[RadarAxis], cx: float, cy: float, radius: float) -> str:
    """The community's shape; with a dimension unscored, only neighbouring scored ones are joined (no false zero)."""
    n = len(axes)
    coords = [polar(cx, cy, radius * (a.score or 0) / 100, i, n) for i, a in enumerate(axes)]
    scored = [a.score is not None for a in axes]
    if all(scored):
        shape = (
            f'<polygon class="community" points="{points(coords)}" fill="{COMMUNITY}" fill-opacity="0.18" '
            f'stroke="{COMMUNITY}" stroke-width="2"/>'
        )
    else:
        shape = "".join(
            f'<line class="community" x1="{num(coords[i][0])}" y1="{num(coords[i][1])}" '
            f'x2="{num(coords[(i + 1) % n][0])}" y2="{num(coords[(i + 1) % n][1])}" stroke="{COMMUNITY}" '
            'stroke-width="2"/>'
            for i in range(n)
            if scored[i] and scored[(i + 1) % n] and n > 2
        )
    dots = "".join(
        f'<circle cx="{num(x)}" cy="{num(y)}" r="3" fill="{COMMUNITY}"/>'
        for (x, y), is_scored in zip(coords, scored, strict=True)
        if is_scored
    )
    return shape + dots


def radar_case(axes: Sequence[RadarAxis], cx: float, cy: float, radius: float) -> str:
    n = len(axes)
    parts = []
    for i, axis in enumerate(axes):
        if axis.case is None:
            continue
        x, y = polar(cx, cy, radius * axis.case / 100, i, n)
        following = axes[(i + 1) % n]
        if following.case is not None and n > 2:
            x2, y2 = polar(cx, cy, radius * following.case / 100, (i + 1) % n, n)
            parts.append(
                f'<line x1="{num(x)}" y1="{num(y)}" x2="{num(x2)}" y2="{num(y2)}" stroke="{CASE}" '
                'stroke-width="1.5" stroke-dasharray="2 2"/>'
            )
        parts.append(diamond(x, y, 4.5, CASE, 'class="case" '))
    return "".join(parts)


def diamond(x: float, y: float, r: float, colour: str, attrs: str = "") -> str:
    corners = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
    return f'<polygon {attrs}points="{points(corners)}" fill="{colour}"/>'


def radar_legend(legend: RadarLegend, width: float, height: float) -> str:
    y = height - 22
    items = [
        (f'<rect x="0" y="-5" width="16" height="10" fill="{COMMUNITY}" fill-opacity="0.25" stroke="{COMMUNITY}"/>',
         legend.community),
        (f'<line x1="0" y1="0" x2="16" y2="0" stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="5 3"/>',
         legend.target),
    ]
    if legend.case is not None:
        items.append((diamond(8, 0, 4.5, CASE), legend.case))
    return legend_row(items, width, y)


def legend_row(items: list[tuple[str, str]], width: float, y: float) -> str:
    size = 10.0
    widths = [24 + text_width(label, size) + 18 for _, label in items]
    x = max((width - sum(widths)) / 2, 4)
    parts = []
    for (symbol, label), w in zip(items, widths, strict=True):
        parts.append(
            f'<g transform="translate({num(x)} {num(y)})">{symbol}'
            f'<text x="22" y="3.5" font-size="{num(size)}">{escape(label)}</text></g>'
        )
        x += w
    return "".join(parts)


# -- grouped bars -----------------------------------------------------------------------------------------


def bar_chart(groups: Sequence[BarGroup], legend: BarLegend, title: str, style: str = "") -> Markup:
    """Horizontal bars of indicator scores (0-100), grouped by dimension, each with its target marked.

    Bars below target are drawn in the warning colour, so weak indicators stand out in black-and-white
    print too (the target tick sits beyond the bar's end).
    """
    width, label_width, row, head = 560.0, 230.0, 13.5, 18.0
    x0, x1 = label_width + 8, width - 40
    scale = (x1 - x0) / 100
    y = 22.0
    parts = [bar_axis(x0, scale, 12.0)]
    for group in groups:
        # the heading has a band of its own, above the group's gridlines, so a long one never crosses them
        heading = wrap(group.label, width, HEADING_SIZE, max_lines=LABEL_LINES)
        extra = (len(heading) - 1) * HEADING_SIZE * 1.2
        parts.append(text_lines(heading, 0, y + 7 + extra / 2, HEADING_SIZE, "start", font_weight="bold"))
        y += head + extra
        top = y
        for bar in group.bars:
            label = wrap(bar.label, label_width - 6, LABEL_SIZE, max_lines=LABEL_LINES)
            height = row + (len(label) - 1) * LABEL_SIZE * 1.2
            parts.append(bar_row(bar, label, y, height, label_width, x0, scale, legend.not_answered, width))
            y += height
        parts.insert(0, bar_grid(x0, scale, top - 2, y + 2))
        y += 4
    grid_bottom = y
    items = [
        (f'<rect x="0" y="-5" width="16" height="10" fill="{MEETS}"/>', legend.meets),
        (f'<rect x="0" y="-5" width="16" height="10" fill="{BELOW}"/>', legend.below),
        (f'<line x1="8" y1="-7" x2="8" y2="7" stroke="{INK}" stroke-width="2"/>', legend.target),
    ]
    parts.append(legend_row(items, width, grid_bottom + 16))
    return svg(width, grid_bottom + 28, "".join(parts), title, style)


def bar_axis(x0: float, scale: float, y: float) -> str:
    return "".join(
        f'<text x="{num(x0 + v * scale)}" y="{num(y)}" font-size="8.5" text-anchor="middle" fill="{TARGET}">{v}</text>'
        for v in range(0, 101, 20)
    )


def bar_grid(x0: float, scale: float, top: float, bottom: float) -> str:
    return "".join(
        f'<line x1="{num(x0 + v * scale)}" y1="{num(top)}" x2="{num(x0 + v * scale)}" y2="{num(bottom)}" '
        f'stroke="{GRID}" stroke-width="0.8"/>'
        for v in range(0, 101, 20)
    )


def bar_row(
    bar: Bar, label: list[str], y: float, row: float, label_width: float, x0: float, scale: float,
    not_answered: str, width: float,
) -> str:
    """One indicator: its (wrapped) label, its bar and score, its target tick; `row` is the row's height."""
    middle = y + row / 2
    parts = [text_lines(label, label_width, middle, LABEL_SIZE, "end")]
    if bar.score is None:
        parts.append(f'<text x="{num(x0 + 4)}" y="{num(middle + 3)}" font-size="8.5" fill="{TARGET}">'
                     f"{escape(not_answered)}</text>")
    else:
        colour = BELOW if bar.score < bar.target else MEETS
        parts.append(
            f'<rect class="bar" x="{num(x0)}" y="{num(middle - BAR_THICKNESS / 2)}" '
            f'width="{num(max(bar.score, 0.4) * scale)}" height="{num(BAR_THICKNESS)}" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{num(width - 2)}" y="{num(middle + 3)}" font-size="8.5" text-anchor="end">{bar.score:.1f}</text>'
        )
    tx = x0 + bar.target * scale
    parts.append(
        f'<line class="target" x1="{num(tx)}" y1="{num(middle - TICK / 2)}" '
        f'x2="{num(tx)}" y2="{num(middle + TICK / 2)}" '
        f'stroke="{INK}" stroke-width="2"/>'
    )
    return "".join(parts)
