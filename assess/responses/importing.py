"""`assess import`: any supported residents' file, or a Kobo / ODK export, as an answer file to keep or edit.

Scoring never needs an import (`--respondents` reads the same files); the import is for keeping the answers
in the project's own format, or for the committee questionnaire collected on phones, which becomes the
answer file's `answers:` block. A format whose rows are submissions to take one by one (`SurveyFormat.
submissions`: KoboToolbox and ODK Central) goes through `import_export`, with its per-row choices
(`--skip-bad-rows`, `--row`, `--respondent`); any other (问卷星, 腾讯问卷, a typed table) is read exactly as
`--respondents` reads it, so a bad cell is refused with all the others at once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assess.errors import AssessError, Problem, ProblemsError
from assess.packs.model import Pack
from assess.responses import kobo
from assess.responses.answer_file import AnswerFile, Community
from assess.responses.formats import format_of
from assess.responses.reading import DEFAULT_READING, ReadNotes, ReadOptions
from assess.responses.residents_csv import NONE_CHOSEN, RESPONDENT_ID_COLUMN
from assess.responses.respondents import opened_table, options_table, registered_respondents
from assess.responses.tabular import DataRows, ProblemList, Table


def import_file(
    path: Path | str,
    pack: Pack,
    pack_ref: str,
    community_name: str,
    skip_bad_rows: bool = False,
    respondent: str | None = None,
    row: int | None = None,
    options: ReadOptions = DEFAULT_READING,
) -> ImportResult:
    """The file's answers as an `AnswerFile` for `pack_ref`, with what happened to its rows."""
    opened = opened_table(path)
    if opened is None:
        raise AssessError(f"{path}: 这已是答卷文件，无需导入 / this is already an answer file; nothing to import")
    table = options_table(opened, pack, options)
    if format_of(table.header).submissions:
        result = import_export(table, pack, pack_ref, community_name, skip_bad_rows, respondent, row, options)
        refuse_empty(table.name, result.rows_read)
        return result
    asked = [flag for flag, given in (("--skip-bad-rows", skip_bad_rows), ("--row", row is not None),
                                      ("--respondent committee", respondent == "committee")) if given]
    if asked:
        raise AssessError(
            f"{table.name}: {'、'.join(asked)} 只用于 KoboToolbox / ODK Central 的导出；"
            "问卷星下载和录入表按居民逐行导入，有问题的单元格会全部列出，请修正后重试 "
            f"/ {', '.join(asked)} apply to KoboToolbox / ODK Central exports only; a 问卷星 download or a typed "
            "table is imported one resident per row, and every bad cell is listed"
        )
    notes = ReadNotes()
    entries = list(registered_respondents(table, pack, None, options, notes))
    refuse_empty(table.name, len(entries))
    answers = AnswerFile(pack=pack_ref, community=Community(name=community_name), respondents=entries)
    return ImportResult(answers, "respondents", len(entries), len(entries), 0, 0, [], table.name,
                             warnings=notes.warnings, notes=notes.summary())


def with_residents_table(answers: AnswerFile, pack: Pack, table_name: str) -> tuple[AnswerFile, bytes]:
    """The answer file naming its residents' table (`respondents_table:`) instead of holding them, and that
    table: the project's own layout (`respondent_id`, then one column per question answered by anyone, in the
    pack's order), UTF-8 with Excel's byte-order mark. Tens of thousands of respondents in YAML are slow to
    read back (about 0.5 ms each) and soon over the answer file's size limit; as a table they are read by
    column. A multi-select answered with nothing chosen is written `[]`."""
    answered = {qid for entry in answers.respondents for qid in entry.answers}
    questions = [q for _, _, q in pack.questions() if q.id in answered]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([RESPONDENT_ID_COLUMN, *(q.id for q in questions)])
    for entry in answers.respondents:
        writer.writerow([entry.id, *(table_cell(entry.answers.get(q.id)) for q in questions)])
    kept = answers.model_copy(update={"respondents": [], "respondents_table": table_name})
    return kept, buffer.getvalue().encode("utf-8-sig")


def table_cell(value: Any) -> str:
    """A canonical answer as the project's table writes it (and `residents_csv` reads it back)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return " ".join(value) if value else NONE_CHOSEN
    return str(value)


def refuse_empty(name: str, rows: int) -> None:
    """An export with a header and no submissions would become an answer file of nobody: said instead."""
    if rows == 0:
        raise AssessError(f"{name}: 文件中没有任何答卷（0 份），没有可导入的内容 / the file holds no submissions "
                          "(0 rows); nothing to import")


def picked_row(rows: Iterable[tuple[int, list[Any]]], wanted: int, name: str) -> list[tuple[int, list[Any]]]:
    """The one row the user chose (`--row`); every other row is read and counted but not imported."""
    found, numbers = [], []
    for number, row in rows:
        numbers.append(number)
        if number == wanted:
            found.append((number, row))
    if not found:
        where_zh = f"有数据的是第 {numbers[0]}–{numbers[-1]} 行" if numbers else "文件中没有提交数据"
        where_en = f"the submissions are in rows {numbers[0]}–{numbers[-1]}" if numbers else "the file has none"
        raise AssessError(
            f"{name}: 第 {wanted} 行没有提交数据（--row），{where_zh} / row {wanted} holds no submission (--row); "
            f"{where_en}"
        )
    return found


def single_submission(
    rows: Iterable[tuple[int, list[Any]]], layout: kobo.Layout, name: str
) -> list[tuple[int, list[Any]]]:
    """The committee's one submission; several are refused with each row listed, never averaged."""
    found = list(rows)
    if len(found) <= 1:
        return found
    times = [submission_time(row, layout) for _, row in found]
    latest = max(range(len(found)), key=lambda i: times[i]) if all(times) else None
    suggestion = found[latest if latest is not None else -1][0]
    which_zh = f"例如最新的一份：--row {suggestion}" if latest is not None else f"例如 --row {suggestion}"
    which_en = f"e.g. the latest: --row {suggestion}" if latest is not None else f"e.g. --row {suggestion}"
    first = len(found) > kobo.LISTED_SUBMISSIONS
    listing_zh = f"下列为前 {kobo.LISTED_SUBMISSIONS} 份" if first else "见下列各行"
    listing_en = f"the first {kobo.LISTED_SUBMISSIONS} rows listed" if first else "rows listed"
    problems = [
        Problem(name, None, "", (
            f"社区两委问卷每个社区只填一份，此文件却有 {len(found)} 份提交（{listing_zh}），不会取平均；"
            f"请用 --row 行号 选择要导入的一份（{which_zh}），或在 KoboToolbox / ODK Central 删除多余的提交后重新导出 "
            f"/ the committee questionnaire is one submission per community, but this file has {len(found)} "
            f"({listing_en}); they are not averaged. Pick the one to import with --row N ({which_en}), or delete "
            "the extra submissions in KoboToolbox / ODK Central and export again"
        ))
    ]
    for (number, row), when in list(zip(found, times, strict=True))[:kobo.LISTED_SUBMISSIONS]:
        rid = kobo.submission_id(row, layout) or "—"
        at = f"，{when}" if when else ""
        at_en = f", {when}" if when else ""
        problems.append(Problem(name, number, "", f"提交 {rid}{at} / submission {rid}{at_en}"))
    raise ProblemsError(problems)


def submission_time(row: list[Any], layout: kobo.Layout) -> str:
    lowered = [c.lower() for c in layout.header]
    for column in kobo.TIME_COLUMNS:
        if column in lowered:
            index = lowered.index(column)
            return str(row[index]).strip() if index < len(row) else ""
    return ""


@dataclass
class ImportResult:
    """The answer file to write and what happened to every row (problems of skipped rows included).

    `block` is where the submissions went: `answers` (the committee's one submission) or `respondents`.
    """

    answers: AnswerFile
    block: str
    rows_read: int
    imported: int
    skipped: int
    blank: int
    problems: list[Problem]
    file: str
    row: int | None = None  # the row the user picked; the others are counted in `not_chosen`
    not_chosen: int = 0
    warnings: list[tuple[str, str]] = field(default_factory=list)  # rejected rows skipped
    notes: list[tuple[str, str]] = field(default_factory=list)  # columns left out (`ReadNotes.summary`)

    def summary(self) -> str:
        en = [f"{self.rows_read} row(s) read", f"{self.imported} imported", f"{self.skipped} skipped"]
        zh = [f"读取 {self.rows_read} 行", f"导入 {self.imported} 行", f"跳过 {self.skipped} 行"]
        if self.row:
            en.append(f"{self.not_chosen} not chosen (--row {self.row})")
            zh.append(f"未选 {self.not_chosen} 行")
        if self.blank:
            en.append(f"{self.blank} blank row(s) ignored")
            zh.append(f"忽略空行 {self.blank} 行")
        lines = [f"{self.file}: {', '.join(en)} / {'，'.join(zh)}"]
        if self.block == "answers" and self.imported:
            lines.append("已作为社区两委填报导入（answers） / imported as the committee's answers (`answers:`)")
        return "\n".join(lines)


def import_export(
    table: Table,
    pack: Pack,
    pack_ref: str,
    community_name: str,
    skip_bad_rows: bool = False,
    respondent: str | None = None,
    row: int | None = None,
    options: ReadOptions = DEFAULT_READING,
) -> ImportResult:
    """The submissions of an export (see `open_table`) as an `AnswerFile` for `pack_ref`; raise
    `ProblemsError` on bad rows.

    `respondent` (committee, resident or party_member) says whose questionnaire the export is; by default
    the questions in it decide. A committee export must hold one submission, or `row` must pick one; `row`
    also picks a single submission from any other export. With `skip_bad_rows` a bad row is left out and its
    problems are returned in the result instead, so the caller can show exactly what was skipped. Row numbers
    are those a spreadsheet shows (the header is 1). `options` decide on columns of no question (`strict`)
    and on rejected submissions, as for `--respondents`.
    """
    name = table.name
    if not any(table.header):
        raise AssessError(f"{name}: 文件为空 / the file is empty")
    layout = kobo.read_layout(table.header, pack, name, options.strict, options.group_by)
    committee = kobo.is_committee_import(layout, respondent, name)
    data_rows = DataRows(table.rows())
    rejected: list[int] = []
    rows = kobo.rejected_rows(data_rows, table.header, options.include_rejected, rejected)
    if row is not None:
        selected: Iterable[tuple[int, list[Any]]] = picked_row(rows, row, name)
    elif committee:
        selected = single_submission(rows, layout, name)
    else:
        selected = rows
    entries, problems, attempted = kobo.read_entries(selected, layout, name)
    if committee:
        answers = AnswerFile(pack=pack_ref, community=Community(name=community_name),
                             answers=entries[0].answers if entries else {})
    else:
        answers = AnswerFile(pack=pack_ref, community=Community(name=community_name), respondents=entries)
    result = ImportResult(
        answers, "answers" if committee else "respondents", data_rows.read, len(entries), attempted - len(entries),
        data_rows.blank, problems, name, row, data_rows.read - len(rejected) - attempted,
    )
    result.warnings = [n for n in (kobo.rejected_notice(name, rejected),) if n]
    result.notes = kobo.left_out_summary(layout.ignored)
    if problems and not skip_bad_rows:
        listed = ProblemList(name)
        listed.extend(problems)
        listed.raise_if_any([Problem(name, None, "", import_refused(result))])
    return result


def import_refused(result: ImportResult) -> str:
    return (
        f"读取 {result.rows_read} 行，其中 {result.skipped} 行有问题，未写入任何文件；请修正这些行后重试，或加 "
        "--skip-bad-rows 只导入其余各行（跳过的行会逐一列出） "
        f"/ {result.rows_read} row(s) read, {result.skipped} with problems; nothing was written. Correct the rows, "
        "or pass --skip-bad-rows to import the others (the skipped rows are listed)"
    )
