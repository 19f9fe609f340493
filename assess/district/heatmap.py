"""The district's heat map: communities (rows, in league order) × dimensions (columns), as SVG.

Each cell is shaded by the score's grade band and shows the score, so the map reads in black and white as
well as in colour; drawn with the community report's chart helpers (escaped labels, fixed decimals).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from assess.report.charts import num, svg, text_lines, wrap

WIDTH = 490.0
NAME_WIDTH = 120.0
HEADER = 46.0  # at least: four lines of a column title
HEADER_LINES = 6  # English titles need more lines than Chinese ones; the header grows to fit them
ROW = 17.0
SIZE = 7.5
SHADES = {"excellent": "#1e6b34", "good": "#6f9e72", "fair": "#e0a84a", "weak": "#c9574f", None: "#e6e6e6"}
LIGHT_TEXT = {"excellent", "weak"}


@dataclass(frozen=True)
class HeatRow:
    name: str
    cells: Sequence[tuple[float | None, str | None]]  # (score, grade id) per dimension


def heat_map(columns: Sequence[str], rows: Sequence[HeatRow], title: str) -> Markup:
    cell_width = (WIDTH - NAME_WIDTH) / max(len(columns), 1)
    titles = [column_lines(column, cell_width - 4) for column in columns]
    top = max(HEADER, max((len(lines) for lines in titles), default=0) * SIZE * 1.2 + 10)
    body = [text_lines(lines, NAME_WIDTH + c * cell_width + cell_width / 2, top / 2, SIZE, "middle")
            for c, lines in enumerate(titles)]
    for r, row in enumerate(rows):
        y = top + r * ROW
        name = wrap(row.name, NAME_WIDTH - 6, SIZE, max_lines=1)
        body.append(text_lines(name, NAME_WIDTH - 4, y + ROW / 2, SIZE, "end"))
        for c, (score, grade) in enumerate(row.cells):
            x = NAME_WIDTH + c * cell_width
            body.append(f'<rect x="{num(x + 0.5)}" y="{num(y + 0.5)}" width="{num(cell_width - 1)}" '
                        f'height="{num(ROW - 1)}" fill="{SHADES.get(grade, SHADES[None])}"/>')
            label = "—" if score is None else f"{score:.1f}"
            colour = "#ffffff" if grade in LIGHT_TEXT else "#222222"
            body.append(f'<text x="{num(x + cell_width / 2)}" y="{num(y + ROW / 2 + SIZE * 0.35)}" '
                        f'font-size="{num(SIZE)}" text-anchor="middle" fill="{colour}">{escape(label)}</text>')
    return svg(WIDTH, top + len(rows) * ROW + 4, "".join(body), title)


def column_lines(column: str, width: float) -> list[str]:
    """A dimension's title in the narrow column, in lines of even length (多元主体 / 协同, not 多元主体协 / 同);
    an English compound (self-governance) may break after its hyphen, so that it neither runs into the next
    column nor is cut short."""
    text = column.replace("-", "- ")
    lines = wrap(text, width, SIZE, max_lines=HEADER_LINES)
    while width > 2 * SIZE:  # narrow the lines while their number stays the same
        width -= 1
        narrower = wrap(text, width, SIZE, max_lines=HEADER_LINES)
        if len(narrower) > len(lines) or any(line.endswith("…") for line in narrower):
            break
        lines = narrower
    return [line.replace("- ", "-") for line in lines]
