"""The survey for statistics software: an SPSS `.sav` (pyreadstat) and an Excel workbook of every table.

One row per respondent. Variable names are question ids made SPSS-valid (`q-trust` → `q_trust`): letters,
digits and `_`, starting with a letter, at most 64 bytes, not one of SPSS's reserved words, and distinct
without regard to case (`q-a` and `q_a` become `q_a` and `q_a_2`); variable labels are the questions' Chinese
titles, reverse items marked （反向题）, followed by the question's id where the name was shortened or
numbered; value
labels give a likert's scale labels, 是/否 for yes–no (1/0), and each choice's option labels (options coded
1…n in pack order); a multi-choice becomes one 0/1 variable per option. Group columns (`--group-by`) are kept
as text variables, and so are the residents' file's columns of no question (性别, 楼栋, 备注: `attr_1` …,
labelled with the header as the file has it), each cell as it came. A text longer than `MAX_TEXT_BYTES`
(what an Excel cell holds, and a very long SPSS string) is refused with its respondent and column rather than
cut.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from assess.analysis.run import Analysis
from assess.errors import AssessError
from assess.files import refuse_existing, write_atomic
from assess.i18n import Vocabulary
from assess.packs.model import Question
from assess.packs.sheets import table_rows, workbook_bytes

REVERSE_MARK = "（反向题）"
MAX_NAME_BYTES = 64  # SPSS's limit on a variable name
RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}
MAX_TEXT_BYTES = 32_767  # an Excel cell's characters, and the bytes of SPSS's longest string


def variable_name(question_id: str, suffix: str = "") -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", question_id + (f"__{suffix}" if suffix else ""))
    name = name if name[:1].isalpha() and name.upper() not in RESERVED else f"v_{name}"
    return name[:MAX_NAME_BYTES]


def distinct_names(names: list[str]) -> list[str]:
    """The names made distinct as SPSS compares them (ignoring case): a clash is numbered `_2`, `_3` …, the
    number kept within MAX_NAME_BYTES."""
    taken: set[str] = set()
    result = []
    for name in names:
        candidate, number = name, 2
        while candidate.upper() in taken:
            tail = f"_{number}"
            candidate, number = name[:MAX_NAME_BYTES - len(tail)] + tail, number + 1
        taken.add(candidate.upper())
        result.append(candidate)
    return result


def refuse_long_texts(rows: list[list], names: list[str], labels: list[str]) -> None:
    """A text past MAX_TEXT_BYTES would be cut by Excel and split by SPSS: refused, every one named."""
    long = [f"{row[0]}（{labels[column]}，{len(value):,} 字）" for row in rows
            for column, value in enumerate(row)
            if isinstance(value, str) and len(value.encode("utf-8")) > MAX_TEXT_BYTES]
    if long:
        raise AssessError(
            f"以下受访者的文字过长（超过 {MAX_TEXT_BYTES:,} 字节），无法完整导出，请缩短后再试："
            f"{'、'.join(long[:10])} / these respondents' texts are over {MAX_TEXT_BYTES:,} bytes and cannot be "
            f"exported whole; shorten them: {', '.join(long[:10])}"
            + (f" (+{len(long) - 10})" if len(long) > 10 else "")
        )


def columns_of(question: Question) -> list[tuple[str, str, dict[float, str]]]:
    """(variable name, label, value labels) of the variables one question becomes."""
    label = question.title.zh + (REVERSE_MARK if getattr(question, "reverse", False) else "")
    if question.type == "likert":
        return [(variable_name(question.id), label,
                 {float(k): v.zh for k, v in question.scale.labels.items()})]
    if question.type == "yes_no":
        return [(variable_name(question.id), label, {1.0: "是", 0.0: "否"})]
    if question.type == "choice":
        return [(variable_name(question.id), label,
                 {float(n): o.label.zh for n, o in enumerate(question.options, start=1)})]
    if question.type == "multi_choice":
        return [(variable_name(question.id, o.id), f"{label}：{o.label.zh}", {1.0: "选中", 0.0: "未选"})
                for o in question.options]
    return [(variable_name(question.id), label, {})]


def cells_of(question: Question, value) -> list:
    if question.type == "multi_choice":
        return [None if value is None else float(o.id in value) for o in question.options]
    if value is None:
        return [None]
    if question.type == "yes_no":
        return [1.0 if value else 0.0]
    if question.type == "choice":
        return [float([o.id for o in question.options].index(value) + 1)]
    return [float(value)]


def survey_table(result: Analysis) -> tuple[list[str], list[str], dict[str, dict[float, str]], list[list]]:
    """(names, labels, value labels, rows) of the respondent data."""
    survey = result.survey
    group_names = sorted({g for groups in survey.groups for g in groups})
    attributes = survey.attributes or [{} for _ in survey.groups]
    attribute_names = list(dict.fromkeys(a for found in attributes for a in found))  # in the file's order
    names, labels, ids, value_sets = ["respondent_id"], ["受访者编号"], ["respondent_id"], [{}]
    for question in survey.items:
        for name, label, value_labels in columns_of(question):
            names.append(name)
            labels.append(label)
            ids.append(question.id)
            value_sets.append(value_labels)
    for n, group in enumerate(group_names, start=1):
        names.append(f"group_{n}")
        labels.append(group)
        ids.append(f"group_{n}")
        value_sets.append({})
    for n, attribute in enumerate(attribute_names, start=1):
        names.append(f"attr_{n}")
        labels.append(attribute)
        ids.append(f"attr_{n}")
        value_sets.append({})
    distinct = distinct_names(names)
    labels = [label if name == base and len(base) < MAX_NAME_BYTES else f"{label}（{qid}）"
              for name, base, label, qid in zip(distinct, names, labels, ids, strict=True)]
    names = distinct
    values = {name: labelled for name, labelled in zip(names, value_sets, strict=True) if labelled}
    if survey.ids is None or survey.answers is None:
        raise ValueError("the data exports need the survey loaded with rows=True")
    rows = []
    for rid, answers, groups, found in zip(survey.ids, survey.answers, survey.groups, attributes, strict=True):
        row = [rid]
        for question in survey.items:
            row += cells_of(question, answers.get(question.id))
        rows.append(row + [groups.get(g, "") for g in group_names] + [found.get(a, "") for a in attribute_names])
    refuse_long_texts(rows, names, labels)
    return names, labels, values, rows


sav_columns, sav_cells = columns_of, cells_of  # one question's variables, for other tables of respondents


def write_sav(result: Analysis, path: Path, force: bool = False) -> None:
    """The `.sav`: pyreadstat writes it to a file of its own, which is then written atomically to `path`
    like every other output (nothing overwritten without --force, nothing half-written)."""
    try:
        import pandas as pd
        import pyreadstat
    except ImportError:
        raise AssessError("写 SPSS 文件需要 pyreadstat：pip install 'assess[research]' / writing .sav needs "
                          "pyreadstat: pip install 'assess[research]'") from None
    refuse_existing([path], force)
    names, labels, values, rows = survey_table(result)
    frame = pd.DataFrame(rows, columns=names)
    with tempfile.TemporaryDirectory(prefix="assess-sav-") as folder:
        made = Path(folder) / "export.sav"
        pyreadstat.write_sav(frame, str(made), file_label=result.survey.community[:60],
                             column_labels=labels, variable_value_labels=values)
        write_atomic(path, made.read_bytes(), force=force)


MISSING_WORDS = Vocabulary({"listwise": ("完整作答者", "listwise"), "pairwise": ("两两可用", "pairwise")})
SHEETS = {
    "zh": ("数据", "题目统计", "维度得分", "信度", "效度", "因子载荷", "方差解释率", "模糊综合评价"),
    "en": ("Data", "Items", "Scores", "Reliability", "Validity", "Loadings", "Variance explained", "Fuzzy evaluation"),
}


def analysis_workbook(result: Analysis, data: dict, lang: str = "zh") -> bytes:
    """The data and every table of `data` (the analysis JSON), one sheet each, Chinese headers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    zh = lang == "zh"
    pack = result.survey.pack.pack
    dims = {d.id: d.title.get(lang) for d in pack.dimensions}
    names, labels, _, rows = survey_table(result)
    book = Workbook()
    sheets = {title: (book.active if n == 0 else book.create_sheet()) for n, title in enumerate(SHEETS[lang])}
    for sheet, title in zip(sheets.values(), SHEETS[lang], strict=True):
        sheet.title = title
    table_rows(sheets[SHEETS[lang][0]], labels, rows)
    table_rows(sheets[SHEETS[lang][1]], ["题目" if zh else "Item", "维度" if zh else "Dimension", "N", "缺失" if zh else
                                  "Missing", "均值" if zh else "Mean", "标准差" if zh else "SD", "最小" if zh else
                                  "Min", "最大" if zh else "Max"],
        [[i["title"], dims[i["dimension"]], i["n"], i["missing"], i["mean"], i["sd"], i["min"], i["max"]]
         for i in data["items"]])
    scores = data["scores"]
    table_rows(sheets[SHEETS[lang][2]], ["维度" if zh else "Dimension", "N", "均值" if zh else "Mean", "标准差" if zh
                                  else "SD", "最小" if zh else "Min", "最大" if zh else "Max"],
        [[dims[d], s["n"], s["mean"], s["sd"], s["min"], s["max"]] for d, s in scores["dimensions"].items()]
        + [["总体" if zh else "Overall", *(scores["overall"][k] for k in ("n", "mean", "sd", "min", "max"))]])
    table_rows(sheets[SHEETS[lang][3]], ["范围" if zh else "Scope", "α", "题目数" if zh else "Items",
                                  "受访者" if zh else "Respondents", "方法" if zh else "Method",
                                  "未计算原因" if zh else "Not computed"],
        [[dims.get(a["scope"], "总体" if zh else "Overall"), a["alpha"], a["items"], a["respondents"],
          MISSING_WORDS.word(a["method"], lang) if a["method"] in MISSING_WORDS else a["method"],
          (a["not_computed"] or {}).get(lang)] for a in data["reliability"]["scopes"]])
    v = data["validity"]
    table_rows(sheets[SHEETS[lang][4]], ["指标" if zh else "Measure", "值" if zh else "Value"],
        [["KMO", v["kmo"]], ["Bartlett χ²", (v["bartlett"] or {}).get("chi2")],
         ["df", (v["bartlett"] or {}).get("df")], ["p", (v["bartlett"] or {}).get("p")],
         ["n", v["respondents"]], ["未计算原因" if zh else "Not computed", (v["not_computed"] or {}).get(lang)]])
    titles = {q.id: q.title.get(lang) for q in result.survey.items}
    factors = v["efa"]["factors"]
    table_rows(sheets[SHEETS[lang][5]], ["题目" if zh else "Item", *(f"F{n}" for n in range(1, factors + 1))],
        [[titles[i], *row] for i, row in v["efa"]["loadings"].items()])
    table_rows(sheets[SHEETS[lang][6]], ["因子" if zh else "Factor",
                                  "载荷平方和（旋转后）" if zh else "SS loadings (rotated)",
                                  "方差解释率" if zh else "% of variance", "累计方差解释率" if zh else "Cumulative %"],
        [[f"F{n}", row["variance"], row["share"], row["cumulative"]] for n, row in enumerate(v["efa"]["variance"], 1)])
    for row in sheets[SHEETS[lang][6]].iter_rows(min_row=2, min_col=3, max_col=4):
        for cell in row:
            cell.number_format = "0.00%"
    grades = [g["zh"] if zh else g["en"] for g in data["fuzzy"]["grades"]]
    fuzzy = [[("总体" if zh else "Overall"), *(data["fuzzy"]["overall"] or {}).get("membership", []),
              (data["fuzzy"]["overall"] or {}).get("score")]] + [
        [dims[d], *f["membership"], f["score"]] for d, f in data["fuzzy"]["dimensions"].items()]
    table_rows(sheets[SHEETS[lang][7]], ["范围" if zh else "Scope", *grades, "得分" if zh else "Score"], fuzzy)
    if data["groups"]:
        sheets["groups"] = book.create_sheet("分组统计" if zh else "By group")
        table_rows(sheets["groups"], ["分组列" if zh else "Column", "组" if zh else "Group", "人数" if zh else "N",
                                      "总分均值" if zh else "Mean", "标准差" if zh else "SD", "α",
                                      "α 有效人数" if zh else "Alpha n", *dims.values()],
                   [[c["column"], g["value"], g["respondents"], *((g["overall"]["mean"], g["overall"]["sd"], g["alpha"],
                     g["alpha_respondents"], *g["dimensions"].values()) if not g["too_few"] else ())]
                    for c in data["groups"] for g in c["groups"]])
    for sheet in sheets.values():
        sheet.freeze_panes = "B2"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    return workbook_bytes(book)
