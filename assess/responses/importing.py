"""`assess import`: any supported residents' file, or a Kobo / ODK export, as an answer file to keep or edit.

Scoring never needs an import (`--respondents` reads the same files); the import is for keeping the answers
in the project's own format, or for the committee questionnaire collected on phones, which becomes the
answer file's `answers:` block. KoboToolbox and ODK Central exports go through `kobo.import_export`, with its
per-row choices (`--skip-bad-rows`, `--row`, `--respondent`); a 问卷星 download or a typed table is read
exactly as `--respondents` reads it, so a bad cell is refused with all the others at once.
"""

from __future__ import annotations

from pathlib import Path

from assess.errors import AssessError
from assess.packs.model import Pack
from assess.responses import kobo
from assess.responses.answer_file import AnswerFile, Community
from assess.responses.reading import DEFAULT_READING, ReadNotes, ReadOptions
from assess.responses.respondents import opened_table, options_table, table_respondents


def import_file(
    path: Path | str,
    pack: Pack,
    pack_ref: str,
    community_name: str,
    skip_bad_rows: bool = False,
    respondent: str | None = None,
    row: int | None = None,
    options: ReadOptions = DEFAULT_READING,
) -> kobo.ImportResult:
    """The file's answers as an `AnswerFile` for `pack_ref`, with what happened to its rows."""
    opened = opened_table(path)
    if opened is None:
        raise AssessError(f"{path}: 这已是答卷文件，无需导入 / this is already an answer file; nothing to import")
    table = options_table(opened, pack, options)
    if kobo.is_export(table.header):
        result = kobo.import_export(table, pack, pack_ref, community_name, skip_bad_rows, respondent, row, options)
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
    entries = list(table_respondents(table, pack, None, options, notes))
    refuse_empty(table.name, len(entries))
    answers = AnswerFile(pack=pack_ref, community=Community(name=community_name), respondents=entries)
    return kobo.ImportResult(answers, "respondents", len(entries), len(entries), 0, 0, [], table.name,
                             warnings=notes.warnings, notes=notes.summary())


def refuse_empty(name: str, rows: int) -> None:
    """An export with a header and no submissions would become an answer file of nobody: said instead."""
    if rows == 0:
        raise AssessError(f"{name}: 文件中没有任何答卷（0 份），没有可导入的内容 / the file holds no submissions "
                          "(0 rows); nothing to import")
