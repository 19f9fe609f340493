"""The phone answers exported: the project's residents' CSV (reads back as an upload would), an Excel
workbook (question ids, their titles in the row under, as `assess indicators template` writes them) and an
SPSS `.sav` coded as `assess analyze` codes it. Only the answers and the attributes residents gave: no time
finer than the minute, no address, no device.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

from assess.errors import AssessError
from assess.packs import csv_text, load_pack, table_rows, workbook_bytes
from assess.web.survey_rows import phone_table

MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
}


def exported(connection, unit: Any, round_row: Any, kind: str) -> bytes:
    header, rows = phone_table(connection, unit, round_row)
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows([[csv_text(c) if c else c for c in row] for row in rows])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the mark Excel needs to read UTF-8 Chinese
    if kind == "xlsx":
        return workbook(header, rows, round_row.pack)
    return sav(header, rows, round_row.pack, unit.name)


def titles(header: list[str], pack_ref: str) -> list[str]:
    by_id = {q.id: q.title.zh for _, _, q in load_pack(pack_ref).pack.questions()}
    return [by_id.get(name, "受访者编号" if name == "respondent_id" else name) for name in header]


def workbook(header: list[str], rows: list[list[str]], pack_ref: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "手机问卷"
    table_rows(book.active, header, [titles(header, pack_ref), *rows])
    return workbook_bytes(book)


def sav(header: list[str], rows: list[list[str]], pack_ref: str, community: str) -> bytes:
    """Variables as `assess analyze` names and codes them (labels: the questions' Chinese titles)."""
    try:
        import pandas as pd
        import pyreadstat
    except ImportError:
        raise AssessError("导出 SPSS 文件需要 pyreadstat：pip install 'assess[research]' / the .sav export needs "
                          "pyreadstat: pip install 'assess[research]'") from None
    from assess.analysis import sav_cells, sav_columns
    from assess.responses import coerce_answer

    by_id = {q.id: q for _, _, q in load_pack(pack_ref).pack.questions()}
    names, labels, values, columns = [], [], {}, []
    for position, name in enumerate(header):
        question = by_id.get(name)
        if question is None or question.type == "text":  # respondent_id, the attributes, free text: text
            variable = name.replace("-", "_") if question else f"attr_{position}"
            names.append("respondent_id" if position == 0 else variable)
            labels.append("受访者编号" if position == 0 else question.title.zh if question else name)
            columns.append((position, None))
            continue
        for variable, label, value_labels in sav_columns(question):
            names.append(variable)
            labels.append(label)
            if value_labels:
                values[variable] = value_labels
        columns.append((position, question))
    table = []
    for row in rows:
        cells: list = []
        for position, question in columns:
            if question is None:
                cells.append(row[position])
            else:
                cell = row[position]
                cells += sav_cells(question, cell.split() if question.type == "multi_choice" and cell
                                   else coerce_answer(question, cell))
        table.append(cells)
    frame = pd.DataFrame(table, columns=names)
    with tempfile.TemporaryDirectory(prefix="assess-sav-") as folder:
        made = Path(folder) / "survey.sav"
        pyreadstat.write_sav(frame, str(made), file_label=community[:60], column_labels=labels,
                             variable_value_labels=values)
        return made.read_bytes()
