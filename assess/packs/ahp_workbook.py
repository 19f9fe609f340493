"""The AHP expert panel's workbook: written for a pack (`assess ahp template`), filled in by each expert,
read back as judgment sets (`assess ahp 专家打分表.xlsx …`).

One sheet per judgment set — the dimensions, then each dimension's indicators — laid out as the judgment
matrix: rows and columns are the items by their Chinese titles, the diagonal is 1, and each cell above the
diagonal says how many times more important the row is than the column, chosen from a drop-down of Saaty's
scale (9 … 1 … 1/9). Cells below the diagonal are the reciprocals and are not read, unless an expert fills
them: then they must be reciprocal. A hidden first row holds the set's key and the items' ids, so the sheet
is read back whatever its title. Several experts: one workbook each, or several sheets of the same set in
one workbook; their matrices are combined by the geometric mean, as for `experts:` in YAML.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from assess.errors import AssessError, Problem, ProblemsError
from assess.files import open_zip, read_regular
from assess.packs.judgments import Expert, JudgmentSet, as_written, parse_ratio
from assess.packs.model import Pack
from assess.packs.sheets import text_cell, workbook_bytes

SCALE = ["9", "8", "7", "6", "5", "4", "3", "2", "1", "1/2", "1/3", "1/4", "1/5", "1/6", "1/7", "1/8", "1/9"]
FIRST_ROW = 4  # items start here (row 1 hidden keys, row 2 the expert's name, row 3 the column titles)
MAX_WORKBOOK_BYTES = 5 * 1024 * 1024
# A judgment set compares at most this many items (Saaty's method is meant for 7 ± 2): the sheet's grid is
# read within these bounds, whatever size the sheet declares (a 17 KB file declaring A1:XFD1048576 asked
# openpyxl for 17 billion cells), and a value beyond them is refused, not ignored.
MAX_ITEMS = 60
MAX_ROWS, MAX_COLUMNS = FIRST_ROW - 1 + MAX_ITEMS, 1 + MAX_ITEMS
MAX_SHEET_CELLS = 200_000  # cells read from one sheet, empty ones included, before it is refused
HELP_SHEET = "填写说明"
HELP_ROWS = [
    ("1", "同等重要", "行与列两项同样重要"),
    ("3", "稍微重要", "行比列稍微重要"),
    ("5", "明显重要", "行比列明显重要"),
    ("7", "强烈重要", "行比列强烈重要"),
    ("9", "极端重要", "行比列极端重要"),
    ("2、4、6、8", "介于相邻两级之间", "需要折中时使用"),
    ("1/3、1/5 …", "倒数", "列比行重要时填倒数，例如列比行明显重要填 1/5"),
]


def judgment_sets(pack: Pack) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(key, sheet title, [(id, Chinese title)]) of every set of two or more items, dimensions first."""
    sets = [("dimensions", "维度", [(d.id, d.title.zh) for d in pack.dimensions])]
    sets += [(d.id, d.title.zh, [(i.id, i.title.zh) for i in d.indicators]) for d in pack.dimensions]
    return [s for s in sets if len(s[2]) >= 2]


def sheet_title(text: str, taken: set[str]) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet's name; names must be distinct."""
    base = re.sub(r"[\[\]:*?/\\]", "_", text)[:28] or "sheet"
    title, n = base, 2
    while title in taken:
        title, n = f"{base}{n}", n + 1
    taken.add(title)
    return title


def template_workbook(pack: Pack) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    help_sheet = book.active
    help_sheet.title = HELP_SHEET
    intro = [f"{pack.title.zh}：AHP 专家打分表",
             "请在每个工作表中，对对角线右上方的每个格子，从下拉列表选择“行”比“列”重要多少倍；左下方自动为倒数，无需填写。",
             "第 2 行填写您的姓名。每位专家填写一份；填好后运行：assess ahp 专家打分表.xlsx --pack 指标包"]
    for row, text in enumerate(intro, start=1):
        text_cell(help_sheet, row, 1, text).font = Font(bold=row == 1)
    for row, values in enumerate([("标度", "含义", "说明"), *HELP_ROWS], start=5):
        for column, text in enumerate(values, start=1):
            text_cell(help_sheet, row, column, text).font = Font(bold=row == 5)
    help_sheet.column_dimensions["A"].width = 14
    help_sheet.column_dimensions["B"].width = 18
    help_sheet.column_dimensions["C"].width = 50
    grey = PatternFill("solid", fgColor="DDDDDD")
    taken = {HELP_SHEET}
    for key, title, items in judgment_sets(pack):
        sheet = book.create_sheet(sheet_title(title, taken))
        text_cell(sheet, 1, 1, key)
        for n, (item_id, _) in enumerate(items, start=2):
            text_cell(sheet, 1, n, item_id)
        sheet.row_dimensions[1].hidden = True
        text_cell(sheet, 2, 1, "专家姓名：").font = Font(bold=True)
        text_cell(sheet, 3, 1, "行比列重要多少倍").font = Font(bold=True)
        choice = DataValidation(type="list", formula1='"' + ",".join(SCALE) + '"', allow_blank=True,
                                error="请从 9 … 1 … 1/9 中选择", errorTitle="AHP 标度")
        sheet.add_data_validation(choice)
        for n, (_, item_title) in enumerate(items):
            head = text_cell(sheet, 3, n + 2, item_title)
            head.font, head.alignment = Font(bold=True), Alignment(wrap_text=True)
            text_cell(sheet, FIRST_ROW + n, 1, item_title).font = Font(bold=True)
            for m in range(len(items)):
                cell = sheet.cell(row=FIRST_ROW + n, column=m + 2)
                if m == n:
                    text_cell(sheet, FIRST_ROW + n, m + 2, "1").fill = grey
                elif m < n:
                    cell.fill = grey
                else:
                    choice.add(cell)
        sheet.column_dimensions["A"].width = 24
        for m in range(len(items)):
            sheet.column_dimensions[sheet.cell(row=3, column=m + 2).column_letter].width = 14
        sheet.freeze_panes = "B4"
    return workbook_bytes(book)


# -- reading filled-in workbooks --------------------------------------------------------------------------


@dataclass
class SheetSet:
    """One judgment set read from the workbooks: the items' ids and their titles as the sheets show them,
    every expert's judgments, and where they sit (file and sheet), so that messages point at the cells."""

    items: list[str]
    titles: list[str]
    experts: list[Expert] = field(default_factory=list)
    places: list[tuple[str, str]] = field(default_factory=list)  # (file, sheet title) of each expert

    @property
    def judgments(self) -> JudgmentSet:
        return JudgmentSet(experts=self.experts)


def judgment_cell(row: int, column: int) -> str:
    """The cell holding item `row` vs item `column` (0-based, row < column for the judged upper triangle)."""
    return f"{column_letter(column + 2)}{FIRST_ROW + row}"


def read_workbooks(paths: list[Path], pack: Pack | None = None) -> dict[str, SheetSet]:
    """Every judgment set of the workbooks by its key. All problems of all files are reported together,
    each at its sheet and cell."""
    from openpyxl import load_workbook

    problems: list[Problem] = []
    found: dict[str, SheetSet] = {}
    known = {key: [i for i, _ in items] for key, _, items in judgment_sets(pack)} if pack else None
    for path in paths:
        data = io.BytesIO(read_regular(path, MAX_WORKBOOK_BYTES))
        open_zip(path, data).close()
        try:
            book = load_workbook(data, read_only=True, data_only=True)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
            raise AssessError(f"{path}: 不是可读取的 Excel 工作簿 / not a readable .xlsx workbook ({exc})") from None
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible":
                problems.append(Problem(f"{path} [{sheet.title}]", None, "", hidden_message(sheet.title)))
                continue
            rows = bounded_rows(path, sheet, problems)
            if not rows or not rows[0] or rows[0][0] is None or sheet.title == HELP_SHEET:
                continue
            read_sheet(path, sheet.title, rows, known, found, problems)
        book.close()
    if problems:
        raise ProblemsError(problems)
    if not found:
        raise AssessError(f"{', '.join(map(str, paths))}: 没有已填写的打分表（打分表由 assess ahp template 生成） / "
                          "no filled-in judgment sheets (write the workbook with assess ahp template)")
    return found


def hidden_message(title: str) -> str:
    return (f"工作表“{title}”被隐藏，不会当作另一位专家读取；请取消隐藏后核对，或将其删除 / the sheet {title!r} is "
            "hidden: it is not read as another expert; unhide it and check it, or delete it")


def bounded_rows(path: Path, sheet, problems: list[Problem]) -> list[list] | None:
    """The sheet's values within MAX_ROWS × MAX_COLUMNS; a value beyond them is refused (None), not read or
    dropped. The size the sheet declares is not used: rows are read as the cells lie, and reading stops at
    MAX_SHEET_CELLS cells, so no sheet costs more than a judgment sheet far larger than any pack needs."""
    sheet.reset_dimensions()
    rows: list[list] = []
    cells = 0
    for index, row in enumerate(sheet.iter_rows(values_only=True)):
        cells += len(row) or 1
        outside = row[MAX_COLUMNS:] if index < MAX_ROWS else row
        if cells > MAX_SHEET_CELLS or any(v not in (None, "") for v in outside):
            problems.append(Problem(
                f"{path} [{sheet.title}]", index + 1, "",
                f"工作表超出打分表的范围（最多 {MAX_ITEMS} 项，即 {MAX_ROWS} 行 × {MAX_COLUMNS} 列）；"
                f"请删除多余的内容 / the sheet reaches beyond a judgment sheet ({MAX_ITEMS} items at most: "
                f"{MAX_ROWS} rows × {MAX_COLUMNS} columns); delete what lies beyond"))
            return None
        if index < MAX_ROWS:
            rows.append(list(row[:MAX_COLUMNS]))
    return rows


def read_sheet(path: Path, title: str, rows: list[list], known: dict[str, list[str]] | None,
               found: dict[str, SheetSet], problems: list[Problem]) -> None:
    key = str(rows[0][0])
    items = [str(v) for v in rows[0][1:] if v not in (None, "")]
    where = f"{path} [{title}]"
    if known is not None and known.get(key) != items:
        problems.append(Problem(where, 1, "", f"工作表的项目与指标包不一致（{key}） / the sheet's items do not "
                                              f"match the pack's set {key!r}: write a new template with --pack"))
        return
    upper = [(i, j) for i in range(len(items)) for j in range(i + 1, len(items))]
    if all(cell_value(rows, i, j) in (None, "") for i, j in upper):
        return  # a set this expert did not judge
    name = str(rows[1][1]).strip() if len(rows) > 1 and len(rows[1]) > 1 and rows[1][1] not in (None, "") else None
    matrix = [[1.0] * len(items) for _ in items]
    bad = False
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            value = cell_value(rows, i, j)
            cell = judgment_cell(i, j)
            number = cell_ratio(value, where, cell, problems)
            if number is None:
                bad = True
                continue
            matrix[i][j], matrix[j][i] = number, 1 / number
            below = cell_value(rows, j, i)
            if below not in (None, ""):
                lower = cell_ratio(below, where, f"{column_letter(i + 2)}{FIRST_ROW + j}", problems)
                if lower is not None and abs(lower * number - 1) > 0.05:
                    problems.append(Problem(where, FIRST_ROW + j, f"{column_letter(i + 2)}{FIRST_ROW + j}",
                                            f"左下方应为右上方 {as_written(number)} 的倒数 {as_written(1 / number)}，"
                                            f"却填了 {as_written(lower)} / not the reciprocal of the cell above"))
    if bad:
        return
    entry = found.setdefault(key, SheetSet(items, item_titles(rows, items)))
    label = name or f"{Path(path).stem}/{title}"
    entry.experts.append(Expert(name=label if label not in {e.name for e in entry.experts} else f"{label} ({title})",
                                matrix=matrix))
    entry.places.append((str(path), title))


def item_titles(rows: list[list], items: list[str]) -> list[str]:
    """Each item's name in the sheet's first column, as the expert read it (its id if the cell is empty)."""
    titles = []
    for n, item in enumerate(items):
        row = rows[FIRST_ROW - 1 + n] if len(rows) > FIRST_ROW - 1 + n else []
        title = str(row[0]).strip() if row and row[0] not in (None, "") else ""
        titles.append(title or item)
    return titles


def cell_value(rows: list[list], i: int, j: int):
    """The value at item i's row and item j's column of the matrix (None past the sheet's end)."""
    row = rows[FIRST_ROW - 1 + i] if len(rows) > FIRST_ROW - 1 + i else []
    return row[j + 1] if len(row) > j + 1 else None


def cell_ratio(value, where: str, cell: str, problems: list[Problem]) -> float | None:
    if value in (None, ""):
        problems.append(Problem(where, int(re.sub(r"\D", "", cell)), cell,
                                "未填写；请从下拉列表选择 9 … 1 … 1/9 / not filled in: choose 9 … 1 … 1/9"))
        return None
    try:
        return parse_ratio(value)
    except ValueError as exc:
        problems.append(Problem(where, int(re.sub(r"\D", "", cell)), cell, str(exc)))
        return None


def column_letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)
