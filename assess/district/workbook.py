"""A round as an Excel workbook for officials: the league table, dimension and indicator scores.

One sheet each, Chinese headers (English with `lang="en"`), frozen header rows, one-decimal number formats,
and every text cell written as text, so a community name such as `=HYPERLINK(…)` stays a name.
"""

from __future__ import annotations

from assess.district.league import League, rank_text
from assess.packs.sheets import table_rows, workbook_bytes

HEADERS = {
    "zh": ("名次", "名次区间", "社区", "总分", "等级", "受访者", "TOPSIS 贴近度", "排名", "维度得分", "指标得分"),
    "en": ("Rank", "Rank range", "Community", "Overall", "Grade", "Respondents", "TOPSIS closeness", "League",
           "Dimensions", "Indicators"),
}


def league_workbook(league: League, lang: str = "zh", trend=None) -> bytes:
    """The league, dimension and indicator sheets, and with `trend` a sheet of the changes since then."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    words = HEADERS[lang]
    pack = league.pack
    ordered = sorted(league.standings, key=lambda s: (s.rank is None, s.rank or 0))
    book = Workbook()
    sheets = [book.active, book.create_sheet(), book.create_sheet()]
    for sheet, title in zip(sheets, words[7:], strict=True):
        sheet.title = title
    dims = [(d.id, d.title.get(lang)) for d in pack.dimensions]
    inds = [(i.id, i.title.get(lang)) for _, i in pack.indicators()]
    league_rows = [[s.rank, rank_text(s), s.result.community.name, s.overall,
                    pack.grade(s.overall).label.get(lang) if s.overall is not None else None,
                    s.result.respondents, s.topsis] for s in ordered]
    fill(sheets[0], list(words[:7]), league_rows)
    fill(sheets[1], [words[2], *(t for _, t in dims)],
         [[s.result.community.name, *({d.id: d.score for d in s.result.dimensions}[i] for i, _ in dims)]
          for s in ordered])
    fill(sheets[2], [words[2], *(t for _, t in inds)],
         [[s.result.community.name, *({i.id: i.score for i in s.result.indicators}[i] for i, _ in inds)]
          for s in ordered])
    if trend is not None:
        sheets.append(book.create_sheet(TREND_HEADERS[lang][5]))
        trend_sheet(sheets[-1], trend, lang)
    for sheet in sheets:
        sheet.freeze_panes = "B2"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    return workbook_bytes(book)


def fill(sheet, header: list[str], rows: list[list]) -> None:
    for cell in table_rows(sheet, header, rows):
        if isinstance(cell.value, float):
            cell.number_format = "0.0000" if header[cell.column - 1].startswith("TOPSIS") else "0.0"
    for column in range(1, len(header) + 1):
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = 14


TREND_HEADERS = {
    "zh": ("社区", "总分变化", "变化是否超出不确定性", "上轮名次", "本轮名次", "变化"),
    "en": ("Community", "Overall change", "Beyond the uncertainty", "Rank before", "Rank now", "Changes"),
}


def trend_workbook(trend, lang: str = "zh") -> bytes:
    """The changes since an earlier round: one row per community, one column per compared dimension."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    trend_sheet(book.active, trend, lang)
    book.active.freeze_panes = "B2"
    for cell in book.active[1]:
        cell.font = Font(bold=True)
    return workbook_bytes(book)


def trend_sheet(sheet, trend, lang: str) -> None:
    words = TREND_HEADERS[lang]
    titles = {e: (r["title_zh"] if lang == "zh" else r["title_en"]) for e, r in trend.now.definitions.items()}
    yes_no = {True: "是" if lang == "zh" else "yes", False: "否" if lang == "zh" else "no", None: None}
    sheet.title = words[5]
    rows = [[c.name, c.overall_change, yes_no[c.real_change], c.rank_before, c.rank_now,
             *(c.dimensions[d] for d in trend.dimensions)] for c in trend.changes]
    fill(sheet, [*words[:5], *(titles[d] for d in trend.dimensions)], rows)
