"""The `assess` command line: parses arguments, calls the library, prints.

All logic lives in plain functions of the other modules; a user mistake arrives here as `AssessError`
and leaves as click's error message with exit status 1 (never a traceback). Heavy imports (WeasyPrint)
happen inside the commands that need them, so `assess --help` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, get_args

import click

from assess.errors import AssessError
from assess.pack import Respondent

RESPONDENTS = list(get_args(Respondent))  # committee, resident, party_member

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Group(click.Group):
    """A click group that turns every user-facing error into a clean message and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AssessError as exc:
            raise click.ClickException(str(exc)) from None


def lang_option(func):
    return click.option(
        "--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language / 输出语言"
    )(func)


def format_option(*choices: str):
    def decorate(func):
        return click.option(
            "--format", "fmt", type=click.Choice(list(choices)), default=choices[0], show_default=True,
            help="Output format / 输出格式",
        )(func)

    return decorate


def pack_option(func):
    return click.option(
        "--pack", "pack_ref", default=None, metavar="ID|PATH", help="Indicator pack: bundled id or file (default core)"
    )(func)


def scoring_options(func):
    """How answers are scored, shared by every command that scores: residents' CSV, pack and weights."""
    options = [
        click.option(
            "--respondents", "respondents_csv", type=click.Path(path_type=Path), default=None, metavar="CSV",
            help="Residents' answers: one row per respondent, a column per question id / 居民问卷 CSV",
        ),
        pack_option,
        click.option(
            "--weights", type=click.Choice(["declared", "equal", "ahp"]), default="declared", show_default=True,
            help="Weights: the pack's, equal, or AHP from the pack's judgments / 权重方式",
        ),
        click.option(
            "--allow-inconsistent", is_flag=True, help="Use AHP weights even if CR > 0.10 / 一致性不达标也使用"
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(cls=Group, context_settings=CONTEXT)
@click.version_option(package_name="assess")
def main() -> None:
    """assess：党建引领社区治理评估工具 / assess Party-building-led community governance.

    \b
    常用步骤 / Typical steps:
      assess demo                                 示例报告 / example reports
      assess indicators list                      查看指标体系 / the indicator framework
      assess fill -o answers.yaml                 填写问卷 / fill in the questionnaire
      assess score answers.yaml                   计算得分 / scores
      assess report answers.yaml -o report.pdf    生成报告 / the report
    """


@main.group(cls=Group)
def indicators() -> None:
    """查看、校验和改编指标包 / List, show, check and adapt indicator packs."""


@indicators.command("list")
@pack_option
@lang_option
@format_option("table", "json")
def indicators_list(pack_ref: str | None, lang: str, fmt: str) -> None:
    """列出指标体系：维度、指标和题目 / The indicator tree: dimensions, indicators and questions.

    Example: assess indicators list --lang en --format json
    """
    from assess.catalog import pack_export, tree_lines
    from assess.packs import load_pack

    loaded = load_pack(pack_ref)
    if fmt == "json":
        print_json(pack_export(loaded))
    else:
        click.echo("\n".join(tree_lines(loaded, lang)))


@indicators.command("show")
@click.argument("element_id", metavar="ID")
@pack_option
@lang_option
@format_option("table", "json")
def indicators_show(element_id: str, pack_ref: str | None, lang: str, fmt: str) -> None:
    """查看一个维度、指标或题目的全部内容及来源 / One dimension, indicator or question in full, with its sources.

    Example: assess indicators show leading-goose
    """
    from assess.catalog import element_export, element_lines, find_element
    from assess.packs import load_pack

    pack = load_pack(pack_ref).pack
    found = find_element(pack, element_id)
    if fmt == "json":
        print_json(element_export(pack, found))
    else:
        click.echo("\n".join(element_lines(pack, found, lang)))


@indicators.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--pack", "pack_ref", default=None, metavar="ID|PATH",
              help="The pack that library files given as PATHS are checked against (default core) / 对策库所用指标包")
def indicators_validate(paths: tuple[Path, ...], pack_ref: str | None) -> None:
    """校验指标包文件，逐条列出问题 / Check pack files; print every problem as FILE:LINE: field: message.

    Case profiles (seeds/cases/*.yaml) given as PATHS are checked as profiles, and every bundled case
    profile is always checked against the core pack too. Countermeasure libraries (files with
    `countermeasures:`) are checked against --pack (default core); the libraries a district pack names
    are checked against that pack; the bundled library is always checked against the core pack.

    Example: assess indicators validate my-district.yaml my-actions.yaml --pack my-district.yaml
    """
    from assess.cases import bundled_case_files, bundled_case_problems, looks_like_case, validate_case_files
    from assess.countermeasures import (
        bundled_library_problems,
        looks_like_library,
        pack_library_problems,
        validate_library_files,
    )
    from assess.packs import load_pack, validate_files

    case_paths = [p for p in paths if looks_like_case(p)]
    library_paths = [p for p in paths if looks_like_library(p)]
    pack_paths = [p for p in paths if p not in case_paths + library_paths]
    problems = validate_files(pack_paths)
    problems += validate_case_files(case_paths)
    if library_paths:
        problems += validate_library_files(library_paths, load_pack(pack_ref).pack)
    problems += [p for p in pack_library_problems(pack_paths) if p not in problems]
    problems += [p for p in bundled_case_problems() if p not in problems]
    problems += [p for p in bundled_library_problems() if p not in problems]
    if problems:
        click.echo("\n".join(str(p) for p in problems), err=True)
        click.echo(f"{len(problems)} problem(s) / 发现 {len(problems)} 个问题", err=True)
        sys.exit(1)
    bundled = len(bundled_case_files())
    click.echo(
        f"{len(paths)} file(s), {bundled} bundled case profiles and the countermeasure library valid / 校验通过"
    )


@main.command("ahp")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@pack_option
@click.option("--allow-inconsistent", is_flag=True, help="Use the weights even if CR > 0.10 / 一致性不达标也使用")
@lang_option
@format_option("table", "json")
def ahp_command(path: Path | None, pack_ref: str | None, allow_inconsistent: bool, lang: str, fmt: str) -> None:
    """由两两比较判断计算 AHP 权重及一致性 / AHP weights from pairwise judgments: weights, λmax, CI, CR.

    Give a judgment file ({items, judgments} or {items, experts}), or --pack to see a pack's `ahp:` block.

    Example: assess ahp indicators/examples/ahp-core-dimensions.yaml
    """
    from assess.ahp import ahp_file_weights, pack_ahp_weights, result_lines, results_export
    from assess.packs import load_pack

    if path is not None and pack_ref is not None:
        raise click.UsageError("give either a judgment FILE or --pack, not both / 判断文件与 --pack 只能二选一")
    titles: dict[str, str] = {}
    if path is not None:
        file, results = str(path), {"items": ahp_file_weights(path, allow_inconsistent)}
    else:
        loaded = load_pack(pack_ref)
        file, results = loaded.file, pack_ahp_weights(loaded.pack, allow_inconsistent)
        if not results:
            raise AssessError(f"{loaded.file}: the pack has no `ahp:` judgments / 指标包中没有 AHP 判断")
        titles = {e.id: e.title.get(lang) for e in loaded.pack.dimensions + [i for _, i in loaded.pack.indicators()]}
    if fmt == "json":
        print_json(results_export(file, results))
        return
    click.echo(f"{'AHP 权重' if lang == 'zh' else 'AHP weights'} — {file}")
    for name, result in results.items():
        click.echo("\n".join(result_lines(name, result, lang, titles)))


@main.command("score")
@click.argument("answers", type=click.Path(path_type=Path))
@scoring_options
@click.option(
    "--uncertainty", type=click.IntRange(0, 100_000), default=0, metavar="N",
    help="Perturb every weight ±25 % N times; report the 5–95 % range of the overall score / 权重扰动次数",
)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Random seed / 随机种子")
@lang_option
@format_option("table", "json", "csv")
def score_command(
    answers: Path,
    respondents_csv: Path | None,
    pack_ref: str | None,
    weights: str,
    allow_inconsistent: bool,
    uncertainty: int,
    seed: int,
    lang: str,
    fmt: str,
) -> None:
    """计算社区得分：总分、维度、指标、题目 / Score a community: overall, dimensions, indicators, questions.

    Example: assess score answers.yaml --respondents residents.csv --uncertainty 1000 --format json
    """
    from assess.score_output import score_csv, score_table
    from assess.scoring import score_file

    result = score_file(answers, respondents_csv, pack_ref, weights, allow_inconsistent, uncertainty, seed)
    if fmt == "json":
        print_json(result.model_dump(mode="json"))
    elif fmt == "csv":
        click.echo(score_csv(result), nl=False)
    else:
        click.echo(score_table(result, lang))


@main.command("fill")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Answer file to fill; created if missing, continued if present / 答卷文件")
@pack_option
@click.option("--respondent", type=click.Choice(RESPONDENTS), default="committee",
              show_default=True, help="Whose questions to ask / 填写哪类问卷")
@click.option("--respondent-id", default=None, help="Resident or Party member to fill or continue (default: ask)")
@click.option("--revisit", is_flag=True, help="Also ask answered questions again (Enter keeps them) / 复查已答题目")
@lang_option
def fill_command(output: Path, pack_ref: str | None, respondent: str, respondent_id: str | None, revisit: bool,
                 lang: str) -> None:
    """在终端逐题填写问卷，每答一题即保存 / Fill in the questionnaire at the terminal; every answer is saved at once.

    Ctrl-C loses nothing: run the same command again to continue at the next unanswered question.

    Example: assess fill -o answers.yaml --respondent resident
    """
    from assess.fill import (
        FillSession,
        continuing_text,
        file_saver,
        has_comments,
        new_answer_file,
        next_respondent_id,
        open_target,
        resume_command,
        resume_text,
        summary_text,
    )

    zh = lang == "zh"
    target = open_target(output, pack_ref)
    save = file_saver(output)
    if has_comments(output):
        click.echo("注意：保存时文件会按标准格式重写，注释不会保留。" if zh
                   else "Note: saving rewrites the file in standard form; its comments are not kept.")
    try:
        data = target.data
        if data is None:
            data = new_answer_file(target.pack_ref, click.prompt("社区名称" if zh else "Community name"))
            save(data)
        if respondent != "committee" and respondent_id is None:
            respondent_id = click.prompt(
                "受访者编号（回车为新受访者；输入已有编号则继续其问卷）" if zh
                else "Respondent id (Enter for a new person; an existing id continues theirs)",
                default=next_respondent_id(data, respondent),
            ).strip()
    except click.Abort:
        click.echo("\n" + ("已退出。" if zh else "Stopped."))
        sys.exit(130)
    session = FillSession(target.pack.pack, data, respondent, save, respondent_id=respondent_id, revisit=revisit)
    if (continuing := continuing_text(session, lang)) is not None:
        click.echo(continuing)
    if not fill_at_terminal(session, lang):
        save(session.data)  # an interrupt may have landed during the last save; this one completes it
        command = resume_command(output, respondent, respondent_id, pack_ref, lang)
        click.echo("\n" + resume_text(session, output, command, lang))
        sys.exit(130)
    click.echo(summary_text(session, output, lang))


def fill_at_terminal(session, lang: str) -> bool:
    """Ask until the questions run out (True) or the user interrupts (False); bad answers are asked again."""
    from assess.answers import AnswerValueError
    from assess.fill import BACK, step_text

    zh = lang == "zh"
    try:
        while (step := session.next_question()) is not None:
            click.echo(step_text(step, lang))
            typed = click.prompt("答" if zh else "Answer", default="", show_default=False).strip()
            if typed == BACK:
                if not session.back():
                    click.echo("已是本轮第一题。" if zh else "This is the first question of this run.")
            elif not typed:
                session.skip()
            else:
                try:
                    session.answer(typed)
                except AnswerValueError as exc:
                    click.echo(f"  ✗ {exc}")
    except (click.Abort, KeyboardInterrupt):
        return False
    return True


@main.group(cls=Group)
def cases() -> None:
    """论文案例档案 / Case profiles coded from the five theses and the exemplars they cite."""


@cases.command("list")
@lang_option
@format_option("table", "json")
def cases_list(lang: str, fmt: str) -> None:
    """列出全部案例及其各维度编码 / Every case profile with its coded levels and named practices.

    Example: assess cases list --lang en
    """
    from assess.cases import case_export, case_list_lines, load_cases

    profiles = load_cases()
    if fmt == "json":
        print_json({"cases": [case_export(c) for c in profiles]})
    else:
        click.echo("\n".join(case_list_lines(profiles, lang)))


@cases.command("show")
@click.argument("case_id", metavar="ID")
@lang_option
@format_option("table", "json")
def cases_show(case_id: str, lang: str, fmt: str) -> None:
    """查看一个案例的完整档案 / One case profile in full: practices, problems, causes, countermeasures, levels.

    Example: assess cases show sanyuan
    """
    from assess.cases import case_by_id, case_export, case_lines
    from assess.packs import load_pack

    case = case_by_id(case_id)
    if fmt == "json":
        print_json(case_export(case))
    else:
        click.echo("\n".join(case_lines(case, load_pack().pack, lang)))


@main.command("benchmark")
@click.argument("answers", type=click.Path(path_type=Path))
@scoring_options
@lang_option
@format_option("table", "json")
def benchmark_command(
    answers: Path,
    respondents_csv: Path | None,
    pack_ref: str | None,
    weights: str,
    allow_inconsistent: bool,
    lang: str,
    fmt: str,
) -> None:
    """与论文案例对标：最相近的案例、各维度比较、可借鉴的做法 / Compare with the thesis cases.

    Exits with status 1 (after printing why) when too few dimensions are scored to compare.

    Example: assess benchmark answers.yaml --respondents residents.csv --format json
    """
    from assess.benchmark import benchmark, benchmark_lines
    from assess.cases import load_cases
    from assess.packs import load_pack
    from assess.scoring import score_file

    result = score_file(answers, respondents_csv, pack_ref, weights, allow_inconsistent)
    outcome = benchmark(result, load_cases(), load_pack(result.pack.file).pack)
    if fmt == "json":
        print_json(outcome.model_dump(mode="json"))
    else:
        click.echo("\n".join(benchmark_lines(outcome, lang)))
    if not outcome.comparable:
        sys.exit(1)


@main.command("recommend")
@click.argument("answers", type=click.Path(path_type=Path))
@scoring_options
@click.option(
    "--library", "libraries", multiple=True, type=click.Path(path_type=Path), metavar="FILE",
    help="A countermeasure file, added after the bundled library and the pack's own (repeatable) / 补充对策库",
)
@click.option(
    "--top", type=click.IntRange(min=1), default=None, metavar="N", help="Only the N best actions / 只列前 N 条"
)
@lang_option
@format_option("table", "json")
def recommend_command(
    answers: Path,
    respondents_csv: Path | None,
    pack_ref: str | None,
    weights: str,
    allow_inconsistent: bool,
    libraries: tuple[Path, ...],
    top: int | None,
    lang: str,
    fmt: str,
) -> None:
    """针对低于目标的指标，按优先级给出对策 / Prioritized countermeasures for the indicators below target.

    Exits with status 1 when too few dimensions are answered to rank actions.

    Example: assess recommend answers.yaml --respondents residents.csv --top 10 --library my-district.yaml
    """
    from assess.countermeasures import load_library
    from assess.packs import load_pack
    from assess.recommend import plan_lines, recommend
    from assess.scoring import score_file

    result = score_file(answers, respondents_csv, pack_ref, weights, allow_inconsistent)
    loaded = load_pack(result.pack.file)
    plan = recommend(result, load_library([*loaded.libraries, *libraries], loaded.pack), loaded.pack, top)
    failed = plan.status == "insufficient-data"
    if fmt == "json":
        print_json(plan.model_dump(mode="json"))
    else:
        click.echo("\n".join(plan_lines(plan, lang)), err=failed)
    if failed:
        sys.exit(1)


# -- adapting packs for a district: indicators new / diff ----------------------------------------------


@indicators.command("new")
@click.argument("name")
@click.option("--extends", "parent_ref", default="core", show_default=True, metavar="ID|PATH",
              help="The pack to build on / 上级指标包")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Where to write the new pack / 输出文件")
@click.option("--force", is_flag=True, help="Overwrite an existing file / 覆盖已有文件")
def indicators_new(name: str, parent_ref: str, output: Path, force: bool) -> None:
    """生成继承上级指标包的本地指标包模板 / Write a starter district pack that extends another.

    Commented examples show each kind of change: weights, targets, goalposts, labels, removing and adding
    elements, grade bands and AHP judgments.

    Example: assess indicators new my-district --extends core -o my-district.yaml
    """
    from assess.inherit import pack_reference_for, starter_pack
    from assess.packs import load_pack
    from assess.yamlio import write_atomic

    parent = load_pack(parent_ref)
    text = starter_pack(name, pack_reference_for(parent_ref, parent.file, output), parent.pack, output.name)
    write_atomic(output, text, force=force)
    click.echo(f"{output}: written / 已生成 — next: assess indicators validate {output}")


@indicators.command("diff")
@click.argument("pack_a", metavar="A")
@click.argument("pack_b", metavar="B")
@lang_option
@format_option("table", "json")
def indicators_diff(pack_a: str, pack_b: str, lang: str, fmt: str) -> None:
    """比较两个指标包的增删改 / What pack B adds, removes and changes against pack A, by id.

    A and B are bundled pack ids or files; both are compared fully resolved.

    Example: assess indicators diff core indicators/examples/kuangqu-demo.yaml
    """
    from assess.packdiff import diff_lines, diff_packs
    from assess.packs import load_pack

    diff = diff_packs(load_pack(pack_a), load_pack(pack_b))
    if fmt == "json":
        print_json(diff)
    else:
        click.echo("\n".join(diff_lines(diff, lang)))


@indicators.command("xlsform")
@pack_option
@click.option("--respondent", type=click.Choice(RESPONDENTS), default="resident",
              show_default=True, help="Whose questionnaire / 问卷对象")
@lang_option
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The .xlsx form to write / 输出的 XLSForm 文件")
@click.option("--force", is_flag=True, help="Overwrite an existing file / 覆盖已有文件")
def indicators_xlsform(pack_ref: str | None, respondent: str, lang: str, output: Path, force: bool) -> None:
    """导出 XLSForm 问卷，用于手机采集（ODK / KoboToolbox） / Export a questionnaire as an XLSForm.

    Upload the file to KoboToolbox or ODK Central; `assess import` reads the data they export.

    Example: assess indicators xlsform --respondent resident -o residents.xlsx
    """
    from assess.packs import load_pack
    from assess.xlsform import build_xlsform, xlsform_bytes
    from assess.yamlio import write_atomic

    form = build_xlsform(load_pack(pack_ref), respondent, lang)
    write_atomic(output, xlsform_bytes(form), force=force)
    settings = form.settings
    click.echo(
        f"{output}: {len(form.names)} questions / 道题目, form_id {settings['form_id']}, version {settings['version']}"
    )


@main.command("import")
@click.argument("export", metavar="FILE", type=click.Path(path_type=Path, dir_okay=False))
@pack_option
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The answer file to write / 输出的答案文件")
@click.option("--community-name", default=None, help="Community name (default: FILE's name) / 社区名称")
@click.option("--skip-bad-rows", is_flag=True, help="Import the good rows and list the bad ones / 跳过有问题的行")
@click.option("--respondent", type=click.Choice(RESPONDENTS), default=None,
              help="Whose questionnaire the export is (default: from its questions) / 问卷对象（默认按题目判断）")
@click.option("--row", type=click.IntRange(min=2), default=None, metavar="N",
              help="Import only the submission in spreadsheet row N (header = 1) / 只导入第 N 行")
@click.option("--force", is_flag=True, help="Overwrite an existing answer file / 覆盖已有文件")
@format_option("table", "json")
def import_command(export: Path, pack_ref: str | None, output: Path, community_name: str | None,
                   skip_bad_rows: bool, respondent: str | None, row: int | None, force: bool, fmt: str) -> None:
    """导入 KoboToolbox 或 ODK Central 导出的数据 / Turn a KoboToolbox or ODK Central export into an answer file.

    Residents' and Party members' exports give one respondent per submission. The committee questionnaire
    (detected from its questions, or --respondent committee) gives the answer file's `answers:` block: one
    submission per community, so several are refused until --row picks one.
    Without --skip-bad-rows a single bad value stops the import and nothing is written.

    Example: assess import residents.csv --pack core -o answers.yaml --community-name 幸福社区
    """
    from assess.answers import dump_answer_file
    from assess.importer import import_export
    from assess.inherit import pack_reference_for
    from assess.packs import DEFAULT_PACK, load_pack
    from assess.yamlio import refuse_existing, write_atomic

    refuse_existing([output], force)
    loaded = load_pack(pack_ref)
    reference = pack_reference_for(pack_ref or DEFAULT_PACK, loaded.file, output)
    result = import_export(export, loaded.pack, reference, community_name or export.stem, skip_bad_rows,
                           respondent, row)
    write_atomic(output, dump_answer_file(result.answers), force=force)
    if fmt == "json":
        print_json(
            {"file": result.file, "output": str(output), "pack": reference, "rows_read": result.rows_read,
             "imported": result.imported, "skipped": result.skipped, "blank": result.blank,
             "block": result.block, "row": result.row, "not_chosen": result.not_chosen,
             "problems": [{"file": p.file, "row": p.line, "column": p.field, "message": p.message}
                          for p in result.problems]}
        )
        return
    if result.problems:
        click.echo("\n".join(f"skipped / 已跳过: {p}" for p in result.problems), err=True)
    click.echo(f"{result.summary()}\n{output}: written / 已写入")


# -- reports: report / demo -------------------------------------------------------------------------------


@main.command("report")
@click.argument("answers", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The report file to write (.pdf or .html) / 报告文件")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html"]), default=None,
              help="pdf or html (default: from the file name, else pdf) / 报告格式")
@click.option("--templates", "templates", type=click.Path(path_type=Path, file_okay=False), default=None,
              metavar="DIR", help="A district's own templates, CSS or texts.yaml; the rest stay bundled / 自定义模板")
@scoring_options
@click.option(
    "--uncertainty", type=click.IntRange(0, 100_000), default=0, metavar="N",
    help="Perturb every weight ±25 % N times and show the score's range / 权重扰动次数",
)
@click.option(
    "--library", "libraries", multiple=True, type=click.Path(path_type=Path), metavar="FILE",
    help="A countermeasure file, added after the bundled library and the pack's own (repeatable) / 补充对策库",
)
@click.option("--top", type=click.IntRange(min=1), default=None, metavar="N",
              help="Actions in the plan (default 10) / 列出的对策条数（默认 10）")
@lang_option
@click.option("--force", is_flag=True, help="Overwrite an existing report / 覆盖已有文件")
def report_command(
    answers: Path,
    output: Path,
    fmt: str | None,
    respondents_csv: Path | None,
    templates: Path | None,
    pack_ref: str | None,
    weights: str,
    allow_inconsistent: bool,
    uncertainty: int,
    libraries: tuple[Path, ...],
    top: int | None,
    lang: str,
    force: bool,
) -> None:
    """生成评估报告（PDF 或 HTML） / The assessment report: summary, charts, dimensions, cases, plan, method.

    Example: assess report answers.yaml --respondents residents.csv -o report.pdf --lang zh
    """
    from assess.recommend import dropped_note
    from assess.report import DEFAULT_TOP_ACTIONS, build_report, render_html, report_format, report_pdf
    from assess.yamlio import refuse_existing, write_atomic

    top = top or DEFAULT_TOP_ACTIONS
    fmt = report_format(output, fmt)
    refuse_existing([output], force)
    data = build_report(answers, respondents_csv, pack_ref, weights, allow_inconsistent, uncertainty,
                        top=top, library=libraries)
    note = dropped_note(data.plan) if data.plan is not None else None
    if note is not None:
        click.echo(note.get(lang), err=True)
    if fmt == "html":
        write_atomic(output, render_html(data, lang, templates), force=force)
        click.echo(f"{output}: written / 已写入")
        return
    rendered = report_pdf(data, lang, templates)
    for url in rendered.refused:
        click.echo(f"not loaded / 未加载: {url} (only files of the template folders are used)", err=True)
    write_atomic(output, rendered.pdf, force=force)
    click.echo(f"{output}: written, {rendered.pages} pages / 已写入，共 {rendered.pages} 页")


@main.command("demo")
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False), default="assess-demo",
              show_default=True, help="Folder for the reports / 输出文件夹")
@click.option("--force", is_flag=True, help="Overwrite reports already in the folder / 覆盖已有文件")
def demo_command(out_dir: Path, force: bool) -> None:
    """为内置的虚构示例社区生成中英文报告 / Reports for the bundled FICTIONAL example communities.

    Example: assess demo -o assess-demo
    """
    from assess.demo import run_demo

    written = run_demo(out_dir, force=force, progress=lambda path: click.echo(f"{path}: written / 已写入"))
    click.echo(f"{len(written)} files in {out_dir} (fictional examples) / 共 {len(written)} 个文件（虚构示例）")
