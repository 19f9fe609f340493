"""`assess fill` and `assess import`: answers typed at the terminal, and a tool's export as an answer file."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from assess.cli.options import PLAIN_TEXT, end_note, format_option, lang_option, pack_option, print_json
from assess.packs.respondents import RESPONDENTS


@click.command("fill")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="答卷文件 / Answer file to fill; created if missing, continued if present")
@pack_option
@click.option("--respondent", type=click.Choice(RESPONDENTS), default="committee",
              show_default=True, help="填写哪类问卷 / Whose questions to ask")
@click.option("--respondent-id", default=None, type=PLAIN_TEXT,
              help="受访者编号，新建或继续（默认：询问） / Resident or Party member to fill or continue (default: ask)")
@click.option("--revisit", is_flag=True, help="复查已答题目 / Also ask answered questions again (Enter keeps them)")
@lang_option
def fill_command(output: Path, pack_ref: str | None, respondent: str, respondent_id: str | None, revisit: bool,
                 lang: str) -> None:
    """在终端逐题填写问卷，每答一题即保存 / Fill in the questionnaire at the terminal; every answer is saved at once.

    Ctrl-C loses nothing: run the same command again to continue at the next unanswered question.

    示例 / Example: assess fill -o answers.yaml --respondent resident
    """
    from assess.responses.fill import (
        FillSession,
        continuing_text,
        has_comments,
        new_answer_file,
        next_respondent_id,
        open_target,
        resume_command,
        resume_text,
        summary_text,
    )
    from assess.responses.fill_file import SessionFile, session_lock

    with contextlib.suppress(ImportError):  # arrow keys and editing at the prompt, where the platform has it
        import readline  # noqa: F401
    zh = lang == "zh"
    with session_lock(output):
        target = open_target(output, pack_ref)
        save = SessionFile(output, target.data).save
        if has_comments(output):
            click.echo("注意：保存时文件会按标准格式重写，注释不会保留。" if zh
                       else "Note: saving rewrites the file in standard form; its comments are not kept.")
        try:
            data = target.data
            if data is None:
                data = new_answer_file(target.pack_ref, **community_prompts(zh, target.pack.pack))
                save(data)
            if respondent != "committee" and respondent_id is None:
                respondent_id = click.prompt(
                    "受访者编号（回车为新受访者；输入已有编号则继续其问卷）" if zh
                    else "Respondent id (Enter for a new person; an existing id continues theirs)",
                    default=next_respondent_id(data, respondent), type=PLAIN_TEXT,
                ).strip()
        except click.Abort:
            click.echo("\n" + ("已退出。" if zh else "Stopped."))
            sys.exit(130)
        session = FillSession(target.pack.pack, data, respondent, save, respondent_id=respondent_id, revisit=revisit)
        if (continuing := continuing_text(session, lang)) is not None:
            click.echo(continuing)
        if not fill_at_terminal(session, lang):
            save(session.data)  # an interrupt may have landed during the last save; this one completes it
            command = resume_command(output, respondent, respondent_id, pack_ref, lang, revisit)
            click.echo("\n" + resume_text(session, output, command, lang))
            sys.exit(130)
        click.echo(summary_text(session, output, lang))


def community_prompts(zh: bool, pack) -> dict[str, str | None]:
    """What a new answer file asks first: the community's name, district, sub-district and kind (one of the
    pack's kinds, by number or in words; anything else is asked again, so kind-specific advice is never lost)."""
    from assess.responses.answer_file import unknown_kind_message

    name = ""
    while not name.strip():
        name = click.prompt("社区名称" if zh else "Community name", type=PLAIN_TEXT)
    district = click.prompt("所在区（县）（回车跳过）" if zh else "District (Enter skips)", default="",
                            show_default=False, type=PLAIN_TEXT).strip()
    street = click.prompt("所属街道（回车跳过）" if zh else "Sub-district (Enter skips)", default="",
                          show_default=False, type=PLAIN_TEXT).strip()
    kinds = pack.community_kinds
    listed = "  ".join(f"{n}. {k.label.get('zh' if zh else 'en')}" for n, k in enumerate(kinds, 1))
    while True:
        kind = click.prompt(("社区类型（输入编号或文字，回车跳过）：" if zh else "Kind of community (number or text, "
                             "Enter skips): ") + listed, default="", show_default=False, type=PLAIN_TEXT).strip()
        if kind.isdigit() and 1 <= int(kind) <= len(kinds):
            kind = kinds[int(kind) - 1].label.zh
        if not kind or pack.kind_of(kind) is not None:
            break
        click.echo(f"  ✗ {unknown_kind_message(pack, kind)}")
    return {"community_name": name.strip(), "district": district or None, "street": street or None,
            "kind": kind or None}


def fill_at_terminal(session, lang: str) -> bool:
    """Ask until the questions run out (True) or the user interrupts (False); bad answers are asked again."""
    from assess.responses.fill import BACK_KEYS, NeedsConfirmation, step_text
    from assess.responses.values import AnswerValueError

    zh = lang == "zh"
    try:
        while (step := session.next_question()) is not None:
            click.echo(step_text(step, lang))
            typed = click.prompt("答" if zh else "Answer", default="", show_default=False).strip()
            if typed in BACK_KEYS:
                if not session.back():
                    click.echo("已是本轮第一题。" if zh else "This is the first question of this run.")
            elif not typed:
                session.skip()
            else:
                try:
                    try:
                        session.answer(typed)
                    except NeedsConfirmation as ask:
                        confirm_and_record(session, ask.typed, zh)
                except AnswerValueError as exc:
                    click.echo(f"  ✗ {exc}")
    except (click.Abort, KeyboardInterrupt):
        return False
    return True


def confirm_and_record(session, typed, zh: bool) -> None:
    """Ask the typed answer's confirmation (按 15 记录？); yes records it, no records the other reading or
    leaves the question to be answered again."""
    from assess.responses.typed import YES_WORDS

    meant = click.prompt(f"  {typed.confirm.zh}（是/否）" if zh else f"  {typed.confirm.en} (y/n)",
                         default="是" if zh else "y")
    if meant.strip().lower() in YES_WORDS or not meant.strip():
        session.record(typed.value)
    elif typed.confirm.otherwise is not None:
        session.record(typed.confirm.otherwise)
    else:
        click.echo("  请重新输入。" if zh else "  Please type the answer again.")


@click.command("import")
@click.argument("export", metavar="FILE", type=click.Path(path_type=Path, dir_okay=False))
@pack_option
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="输出的答案文件 / The answer file to write")
@click.option("--community-name", default=None, type=PLAIN_TEXT,
              help="社区名称 / Community name (default: FILE's name)")
@click.option("--skip-bad-rows", is_flag=True, help="跳过有问题的行 / Import the good rows and list the bad ones")
@click.option("--respondent", type=click.Choice(RESPONDENTS), default=None,
              help="问卷对象（默认按题目判断） / Whose questionnaire the export is (default: from its questions)")
@click.option("--row", type=click.IntRange(min=2), default=None, metavar="N",
              help="只导入第 N 行 / Import only the submission in spreadsheet row N (header = 1)")
@click.option("--suggest-map", is_flag=True,
              help="写出列与题目的对照表草稿（-o map.yaml） / Write a draft column map to -o instead of importing")
@click.option("--map", "column_map", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="MAP",
              help="按核对过的对照表读取各列 / Read the columns through a checked map (from --suggest-map)")
@click.option("--group-by", "group_by", multiple=True, metavar="COLUMN",
              help="保留此分组列（如 楼栋，可重复） / Keep this group column with each resident (repeatable)")
@click.option("--strict", is_flag=True, help="不是题目的列即为错误 / A column of no question is an error")
@click.option("--include-rejected", is_flag=True, help="导入审核不通过的提交 / Import submissions rejected in review")
@click.option("--force", is_flag=True, help="覆盖已有文件 / Overwrite an existing answer file")
@format_option("table", "json")
def import_command(export: Path, pack_ref: str | None, output: Path, community_name: str | None,
                   skip_bad_rows: bool, respondent: str | None, row: int | None, suggest_map: bool,
                   column_map: Path | None, group_by: tuple[str, ...], strict: bool, include_rejected: bool,
                   force: bool, fmt: str) -> None:
    """导入问卷数据为答卷文件 / Turn residents' data or a KoboToolbox / ODK Central export into an answer file.

    FILE is any file --respondents reads: a 问卷星 download, an Excel or CSV table, a Kobo or Central export.
    Kobo and Central exports of the committee questionnaire (detected from its questions, or --respondent
    committee) give the answer file's `answers:` block: one submission per community, so several are
    refused until --row picks one. Without --skip-bad-rows a single bad value stops the import and nothing
    is written. When the titles typed into 问卷星 differ from the pack's, --suggest-map writes a draft map
    to check and pass back with --map.

    示例 / Example: assess import 问卷星下载.xls --pack core -o answers.yaml --community-name 幸福社区
    """
    from assess.files import refuse_existing, write_atomic
    from assess.packs.building import DEFAULT_PACK
    from assess.packs.inherit import pack_reference_for
    from assess.packs.loading import load_pack
    from assess.responses.answer_file import dump_answer_file
    from assess.responses.column_map import map_text
    from assess.responses.column_map import suggest_map as suggestions
    from assess.responses.importing import import_file, with_residents_table
    from assess.responses.reading import ReadOptions
    from assess.responses.tabular import open_table

    if output.suffix.lower() not in (".yaml", ".yml"):
        raise click.ClickException(
            f"{output}: 只能写成 .yaml 文件（{'对照表' if suggest_map else '答卷文件'}） / -o must end in .yaml (the "
            f"{'column map' if suggest_map else 'answer file'} is YAML), not {output.suffix or 'no extension'}"
        )
    refuse_existing([output], force)
    loaded = load_pack(pack_ref)
    if suggest_map:
        write_atomic(output, map_text(suggestions(open_table(export), loaded.pack), export.name, loaded.pack),
                     force=force)
        click.echo(f"{output}: 已写入对照表，请逐行核对后用 --map 读取 / written; check each line, then use --map")
        return
    options = ReadOptions(strict=strict, include_rejected=include_rejected, group_by=group_by,
                          map_file=str(column_map) if column_map else None)
    reference = pack_reference_for(pack_ref or DEFAULT_PACK, loaded.file, output)
    result = import_file(export, loaded.pack, reference, community_name or export.stem, skip_bad_rows,
                         respondent, row, options)
    answers = result.answers
    if answers.respondents and not group_by:  # residents as a table beside the answer file, read by column
        table = output.with_name(f"{output.stem}.residents.csv")
        refuse_existing([table], force)
        answers, table_bytes = with_residents_table(answers, loaded.pack, table.name)
        write_atomic(table, table_bytes, force=force)
        click.echo(f"{table}: 已写入居民问卷表 / residents' table written", err=True)
    write_atomic(output, dump_answer_file(answers), force=force)
    if fmt == "json":
        print_json(
            {"file": result.file, "output": str(output), "pack": reference, "rows_read": result.rows_read,
             "imported": result.imported, "skipped": result.skipped, "blank": result.blank,
             "block": result.block, "row": result.row, "not_chosen": result.not_chosen,
             "problems": [{"file": p.file, "row": p.line, "column": p.field, "message": p.message}
                          for p in result.problems],
             "warnings": [{"zh": zh, "en": en} for zh, en in result.warnings],
             "notes": [{"zh": zh, "en": en} for zh, en in result.notes]}
        )
        return
    for zh, en in result.warnings:
        click.echo(f"注意 / note: {zh} / {en}", err=True)
    if result.problems:
        click.echo("\n".join(f"已跳过 / skipped: {p}" for p in result.problems), err=True)
    click.echo(f"{result.summary()}\n{output}: 已写入 / written")
    end_note(result.notes)
