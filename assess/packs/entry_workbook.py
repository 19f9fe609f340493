"""An Excel workbook for typing paper questionnaires in: `assess indicators template`.

Community staff collect many questionnaires on paper and type them into Excel. The workbook makes that
hard to get wrong: one row per resident under the questions' Chinese titles, drop-down lists of the
scale's and the options' labels, number cells limited to the question's range, and a sheet that explains
how to fill it in. The first row, hidden, holds the question ids, so a column renamed or moved by the user
still maps to its question; the visible title row under it is recognised and skipped when the file is read
with `--respondents`. Every text cell is written as text, so nothing typed into a pack becomes a formula.
"""

from __future__ import annotations

from dataclasses import dataclass

from assess.errors import AssessError
from assess.packs.loading import LoadedPack
from assess.packs.model import NumberQuestion, Question
from assess.packs.sheets import text_cell, workbook_bytes
from assess.packs.xlsform import number_bounds

ID_HEADER = "respondent_id"
ID_TITLE = "受访者编号"
ENTRY_ROWS = 500  # rows given drop-downs; more can be typed below (Excel copies validation when filling down)
ENTRY_SHEET = "录入"
LISTS_SHEET = "选项"
HELP_SHEET = "填写说明"
MULTI_SEPARATOR = "、"


@dataclass(frozen=True)
class EntryColumn:
    """One column of the entry sheet: its hidden id, visible title, help text and drop-down values."""

    id: str
    title: str
    note: str
    choices: tuple[str, ...] = ()
    bounds: tuple[float, float, bool] | None = None  # (low, high, whole numbers only)


def entry_columns(loaded: LoadedPack, respondent: str, groups: tuple[str, ...]) -> list[EntryColumn]:
    questions = [q for _, _, q in loaded.pack.questions() if q.respondent == respondent]
    if not questions:
        raise AssessError(
            f"指标包 '{loaded.pack.id}' 中没有受访者为 '{respondent}' 的题目，请换一个 --respondent "
            f"/ pack '{loaded.pack.id}' has no questions for respondent '{respondent}'; choose another --respondent"
        )
    columns = [EntryColumn(ID_HEADER, ID_TITLE, "每份问卷一个编号，不可重复（如问卷上的编号） / one id each")]
    columns += [EntryColumn(g, g, "分组列：照实填写，用于分组评价 / a group column (--group-by)") for g in groups]
    return columns + [question_column(q) for q in questions]


def question_column(question: Question) -> EntryColumn:
    """How a question is typed: scale and option labels from a list, yes/no as 是/否, numbers in range."""
    title = question.title.zh
    if question.type == "likert":
        scale = question.scale
        points = tuple(scale.labels[v].zh if v in scale.labels else str(v) for v in range(scale.min, scale.max + 1))
        return EntryColumn(question.id, title, f"从下拉列表选择（{scale.min}–{scale.max} 分）", points)
    if question.type == "yes_no":
        return EntryColumn(question.id, title, "从下拉列表选择 是 或 否", ("是", "否"))
    if question.type == "choice":
        return EntryColumn(question.id, title, "从下拉列表选择一项", tuple(o.label.zh for o in question.options))
    if question.type == "multi_choice":
        options = MULTI_SEPARATOR.join(o.label.zh for o in question.options)
        return EntryColumn(question.id, title, f"可多选，用“{MULTI_SEPARATOR}”隔开：{options}")
    if isinstance(question, NumberQuestion):
        low, high = number_bounds(question)
        unit = question.unit.zh if question.unit else ""
        kind = "整数" if question.integer else "数字"
        return EntryColumn(question.id, title, f"填{kind}，{low:g}–{high:g}{unit}", (), (low, high, question.integer))
    return EntryColumn(question.id, title, "填写文字（可不填）")


def template_bytes(loaded: LoadedPack, respondent: str = "resident", groups: tuple[str, ...] = ()) -> bytes:
    """The workbook as .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = entry_columns(loaded, respondent, groups)
    book = Workbook()
    sheet = book.active
    sheet.title = ENTRY_SHEET
    lists = book.create_sheet(LISTS_SHEET)
    help_sheet = book.create_sheet(HELP_SHEET)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FCE4D6")
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        text_cell(sheet, 1, index, column.id)
        title = text_cell(sheet, 2, index, column.title)
        title.font, title.fill = bold, fill
        title.alignment = Alignment(wrap_text=True, vertical="top")
        title.comment = Comment(f"{column.note}\n题目编号 / id: {column.id}", "assess")
        sheet.column_dimensions[letter].width = 16 if index > 1 else 12
        cells = f"{letter}3:{letter}{ENTRY_ROWS + 2}"
        if column.choices:
            for row, choice in enumerate(column.choices, start=1):
                text_cell(lists, row, index, choice)
            source = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(column.choices)}"
            rule = DataValidation(type="list", formula1=f"={source}", allow_blank=True)
        elif column.bounds is not None:
            low, high, whole = column.bounds
            rule = DataValidation(type="whole" if whole else "decimal", operator="between",
                                  formula1=f"{low:g}", formula2=f"{high:g}", allow_blank=True)
        else:
            continue
        rule.error, rule.errorTitle, rule.showErrorMessage = column.note, "不符合要求", True
        rule.prompt, rule.showInputMessage = column.note, True
        sheet.add_data_validation(rule)
        rule.add(cells)
    sheet.row_dimensions[1].hidden = True
    sheet.row_dimensions[2].height = 60
    sheet.freeze_panes = "B3"
    lists.sheet_state = "hidden"
    for row, line in enumerate(help_lines(loaded, columns), start=1):
        text_cell(help_sheet, row, 1, line)
    help_sheet.column_dimensions["A"].width = 100
    return workbook_bytes(book)


def help_lines(loaded: LoadedPack, columns: list[EntryColumn]) -> list[str]:
    pack = loaded.pack
    lines = [
        f"居民问卷录入表 · {pack.title.zh}（指标包 {pack.id} {pack.version}）",
        "",
        f"1. 在“{ENTRY_SHEET}”表中，每份纸质问卷填一行，从第 3 行开始；第 2 行是题目，请勿删除。",
        "2. 受访者编号每份问卷一个，不可重复。未答的题留空即可。",
        "3. 带下拉箭头的单元格请从列表中选择；数字题只接受规定范围内的数字。",
        f"4. 多选题把选中的选项用“{MULTI_SEPARATOR}”隔开，例如：{multi_example(columns)}。",
        "5. 列可以改名、挪动位置，程序按隐藏的第 1 行（题目编号）识别各列；请不要删除第 1 行。",
        "6. 填完后保存为 .xlsx，用下面的命令计分或生成报告：",
        "   assess score answers.yaml --respondents 本文件.xlsx",
        "   assess report answers.yaml --respondents 本文件.xlsx -o 报告.pdf",
        "",
        "各题说明：",
    ]
    return lines + [f"{c.title}：{c.note}" for c in columns]


def multi_example(columns: list[EntryColumn]) -> str:
    for column in columns:
        if column.note.startswith("可多选"):
            options = column.note.split("：", 1)[1].split(MULTI_SEPARATOR)
            return MULTI_SEPARATOR.join(options[:2])
    return f"选项一{MULTI_SEPARATOR}选项二"
