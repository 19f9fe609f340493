"""`assess indicators …` and `assess ahp`: list, show, check, adapt and export indicator packs; AHP weights."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from assess.cli.options import Group, format_option, lang_option, pack_option, print_json
from assess.errors import AssessError
from assess.packs.respondents import RESPONDENTS


@click.group(cls=Group)
def indicators() -> None:
    """查看、校验和改编指标包 / List, show, check and adapt indicator packs."""


@indicators.command("list")
@pack_option
@lang_option
@format_option("table", "json")
def indicators_list(pack_ref: str | None, lang: str, fmt: str) -> None:
    """列出指标体系：维度、指标和题目 / The indicator tree: dimensions, indicators and questions.

    示例 / Example: assess indicators list --lang en --format json
    """
    from assess.packs.catalog import pack_export, tree_lines
    from assess.packs.loading import load_pack

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

    示例 / Example: assess indicators show leading-goose
    """
    from assess.packs.catalog import element_export, element_lines, find_element
    from assess.packs.loading import load_pack

    pack = load_pack(pack_ref).pack
    found = find_element(pack, element_id)
    if fmt == "json":
        print_json(element_export(pack, found))
    else:
        click.echo("\n".join(element_lines(pack, found, lang)))


@indicators.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--pack", "pack_ref", default=None, metavar="ID|PATH",
              help="对策库所用指标包 / The pack that library files given as PATHS are checked against (default core)")
def indicators_validate(paths: tuple[Path, ...], pack_ref: str | None) -> None:
    """校验指标包文件，逐条列出问题 / Check pack files; print every problem as FILE:LINE: field: message.

    Case profiles (seeds/cases/*.yaml) given as PATHS are checked as profiles, and every bundled case
    profile is always checked against the core pack too. Countermeasure libraries (files with
    `countermeasures:`) are checked against --pack (default core); the libraries a district pack names
    are checked against that pack; the bundled library is always checked against the core pack.

    示例 / Example: assess indicators validate my-district.yaml my-actions.yaml --pack my-district.yaml
    """
    from assess.actions.library import (
        bundled_library_problems,
        looks_like_library,
        pack_library_problems,
        validate_library_files,
    )
    from assess.cases.profiles import bundled_case_files, bundled_case_problems, looks_like_case, validate_case_files
    from assess.errors import Problem
    from assess.packs.loading import load_pack, validate_files
    from assess.packs.yamlio import MAX_PACK_BYTES

    oversized = [p for p in paths if p.is_file() and p.stat().st_size > MAX_PACK_BYTES]
    paths = tuple(p for p in paths if p not in oversized)  # refused before they are parsed to be sorted
    case_paths = [p for p in paths if looks_like_case(p)]
    library_paths = [p for p in paths if looks_like_library(p)]
    pack_paths = [p for p in paths if p not in case_paths + library_paths]
    problems = [Problem(str(p), None, "", f"文件过大（{p.stat().st_size / 1048576:.1f} MiB，上限 "
                        f"{MAX_PACK_BYTES // 1048576} MiB） / file is {p.stat().st_size / 1048576:.1f} MiB, over the "
                        f"{MAX_PACK_BYTES // 1048576} MiB limit of a pack, library or case profile") for p in oversized]
    problems += validate_files(pack_paths)
    problems += validate_case_files(case_paths)
    if library_paths:
        problems += validate_library_files(library_paths, load_pack(pack_ref).pack)
    seen = set(problems)
    for extra in (pack_library_problems(pack_paths), bundled_case_problems(), bundled_library_problems()):
        fresh = [p for p in extra if p not in seen]
        problems += fresh
        seen.update(fresh)
    if problems:
        from assess.errors import shown_lines

        click.echo("\n".join(shown_lines(problems)), err=True)
        click.echo(f"发现 {len(problems)} 个问题 / {len(problems)} problem(s)", err=True)
        sys.exit(1)
    bundled = len(bundled_case_files())
    click.echo(
        f"校验通过 / {len(paths)} file(s), {bundled} bundled case profiles and the countermeasure library valid"
    )


class AhpGroup(Group):
    """`assess ahp FILE…` computes weights; `assess ahp template` writes the experts' workbook."""

    def parse_args(self, ctx, args):
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["weights", *args]
        return super().parse_args(ctx, args)


@click.group("ahp", cls=AhpGroup)
def ahp_command() -> None:
    """AHP 层次分析法：计算权重、生成专家打分表 / AHP: weights from judgments, and the experts' workbook.

    assess ahp FILE… is short for assess ahp weights FILE….
    """


@ahp_command.command("weights")
@click.argument("paths", nargs=-1, metavar="[FILE]...", type=click.Path(path_type=Path))
@pack_option
@click.option("--allow-inconsistent", is_flag=True, help="一致性不达标也使用 / Use the weights even if CR > 0.10")
@click.option("--ri", "ri_table", type=click.Choice(["saaty-1980", "donegan-dodd-1991", "saaty-2005"]),
              default="saaty-1980", show_default=True,
              help="随机一致性指标 RI 表 / The random-index table for CR (AHPy uses donegan-dodd-1991)")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="把专家打分表写成指标包（含 ahp: 判断），供 --weights ahp 使用 / Write the experts' workbooks as a "
                   "pack (extending --pack, with their `ahp:` block) for --weights ahp")
@click.option("--force", is_flag=True, help="覆盖已有文件 / Overwrite an existing file")
@lang_option
@format_option("table", "json")
def ahp_weights_command(paths: tuple[Path, ...], pack_ref: str | None, allow_inconsistent: bool, ri_table: str,
                        output: Path | None, force: bool, lang: str, fmt: str) -> None:
    """由两两比较判断计算 AHP 权重及一致性 / AHP weights from pairwise judgments: weights, λmax, CI, CR.

    Give a judgment file ({items, judgments | matrix | experts}), filled-in expert workbooks (.xlsx, one per
    expert; --pack checks them against the pack), or --pack alone to see a pack's `ahp:` block.

    With -o, the workbooks' judgments are written as a small pack extending --pack, ready for
    `assess score --pack FILE --weights ahp`. With a pack, the table ends with the composite weights
    (综合权重 = dimension weight × indicator weight).

    示例 / Example: assess ahp 张老师.xlsx 李老师.xlsx --pack core -o ahp.yaml
    """
    from assess.packs.loading import load_pack
    from assess.scoring.ahp import (
        ahp_file_weights,
        pack_ahp_weights,
        result_lines,
        results_export,
        workbook_ahp_weights,
    )

    workbooks = [p for p in paths if p.suffix.lower() == ".xlsx"]
    if paths and len(workbooks) not in (0, len(paths)):
        raise click.UsageError("判断文件不能与 Excel 打分表混用 / give YAML judgment files or .xlsx workbooks, "
                               "not both")
    if len(paths) > 1 and not workbooks:
        raise click.UsageError("一次只能给一个 YAML 判断文件 / give one YAML judgment file")
    if paths and not workbooks and pack_ref is not None:
        raise click.UsageError("判断文件与 --pack 只能二选一 / give either a judgment FILE or --pack, not both")
    loaded = load_pack(pack_ref) if pack_ref is not None or not paths else None
    # Items are named by their titles: the pack's, or for a judgment file alone the default pack's (its
    # ids are what such files usually compare); an item no pack knows keeps the name the file gives it.
    named = loaded if loaded is not None else load_pack(None)
    titles = {e.id: e.title.get(lang) for e in named.pack.dimensions + [i for _, i in named.pack.indicators()]}
    titles |= SET_NAMES[lang]
    if workbooks:
        file = ", ".join(map(str, workbooks))
        results = workbook_ahp_weights(workbooks, loaded.pack if loaded else None, allow_inconsistent, ri_table)
    elif paths:
        file, results = str(paths[0]), {"items": ahp_file_weights(paths[0], allow_inconsistent, ri_table, named.pack)}
    else:
        file, results = loaded.file, pack_ahp_weights(loaded.pack, allow_inconsistent, ri_table)
        if not results:
            raise AssessError(f"{loaded.file}: 指标包中没有 AHP 判断 / the pack has no `ahp:` judgments")
    if output is not None:
        write_ahp_pack(workbooks, loaded, output, force)
    composite = composite_rows(loaded.pack, results) if loaded is not None else []
    if fmt == "json":
        data = results_export(file, results)
        if loaded is not None:  # the composite weights need the pack's tree
            data["composite"] = [{"dimension": d, "indicator": i, "dimension_weight": round(dw, 6),
                                  "indicator_weight": round(iw, 6), "composite": round(c, 6)}
                                 for d, i, dw, iw, c in composite]
        print_json(data)
        return
    click.echo(f"{'AHP 权重' if lang == 'zh' else 'AHP weights'} — {file}")
    for name, result in results.items():
        click.echo("\n".join(result_lines(titles.get(name, name), result, lang, titles)))
    if composite:
        click.echo("\n".join(composite_lines(composite, titles, lang)))


def write_ahp_pack(workbooks: list[Path], loaded, output: Path, force: bool) -> None:
    from assess.files import refuse_existing, write_atomic
    from assess.packs.ahp_block import ahp_pack_text

    if not workbooks or loaded is None:
        raise click.UsageError("-o 需要专家打分表（.xlsx）和 --pack / -o needs the experts' .xlsx workbooks and --pack")
    refuse_existing([output], force)
    write_atomic(output, ahp_pack_text(workbooks, loaded, output).encode("utf-8"), force=force)
    click.echo(f"{output}: 已写入 / written", err=True)


def composite_rows(pack, results) -> list[tuple[str, str, float, float, float]]:
    """综合权重 from the AHP results, the pack's declared weights where a level has no judgments."""
    from assess.packs.ahp_block import composite_weights

    dims = dict(zip(results["dimensions"].items, results["dimensions"].weights, strict=True)) \
        if "dimensions" in results else {d.id: float(d.weight) for d in pack.dimensions}
    within = {}
    for dim in pack.dimensions:
        found = results.get(dim.id)
        within[dim.id] = dict(zip(found.items, found.weights, strict=True)) if found is not None else {
            i.id: float(i.weight) for i in dim.indicators}
    return composite_weights(pack, dims, within)


def composite_lines(rows, titles: dict[str, str], lang: str) -> list[str]:
    zh = lang == "zh"
    head = ["维度", "维度权重", "指标", "指标权重（维度内）", "综合权重"] if zh else [
        "Dimension", "Dimension weight", "Indicator", "Indicator weight (within)", "Composite weight"]
    lines = ["", "综合权重 = 维度权重 × 指标权重" if zh else "Composite weights = dimension weight × indicator weight",
             "\t".join(head)]
    lines += ["\t".join([titles.get(d, d), f"{dw:.4f}", titles.get(i, i), f"{iw:.4f}", f"{c:.4f}"])
              for d, i, dw, iw, c in rows]
    return lines


SET_NAMES = {"zh": {"items": "判断矩阵", "dimensions": "各维度"},
             "en": {"items": "Judgments", "dimensions": "Dimensions"}}


@ahp_command.command("template")
@pack_option
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="输出文件 / The workbook to write (.xlsx)")
@click.option("--force", is_flag=True, help="覆盖已有文件 / Overwrite an existing file")
def ahp_template_command(pack_ref: str | None, output: Path, force: bool) -> None:
    """生成 AHP 专家打分表（Excel） / The experts' AHP workbook: one sheet per judgment set, with drop-downs.

    示例 / Example: assess ahp template --pack core -o 专家打分表.xlsx
    """
    from assess.files import refuse_existing, write_atomic
    from assess.packs.ahp_workbook import judgment_sets, template_workbook
    from assess.packs.loading import load_pack

    refuse_existing([output], force)
    pack = load_pack(pack_ref).pack
    write_atomic(output, template_workbook(pack), force=force)
    click.echo(f"{output}: 已写入，{len(judgment_sets(pack))} 个打分表 / written, {len(judgment_sets(pack))} sheets")


# -- adapting packs for a district: indicators new / diff ----------------------------------------------


@indicators.command("new")
@click.argument("name")
@click.option("--extends", "parent_ref", default="core", show_default=True, metavar="ID|PATH",
              help="上级指标包 / The pack to build on")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="输出文件 / Where to write the new pack")
@click.option("--force", is_flag=True, help="覆盖已有文件 / Overwrite an existing file")
def indicators_new(name: str, parent_ref: str, output: Path, force: bool) -> None:
    """生成继承上级指标包的本地指标包模板 / Write a starter district pack that extends another.

    Commented examples show each kind of change: weights, targets, goalposts, labels, removing and adding
    elements, grade bands and AHP judgments.

    示例 / Example: assess indicators new my-district --extends core -o my-district.yaml
    """
    from assess.files import write_atomic
    from assess.packs.inherit import pack_reference_for, starter_pack
    from assess.packs.loading import load_pack

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

    示例 / Example: assess indicators diff core indicators/examples/kuangqu-demo.yaml
    """
    from assess.packs.diff import diff_lines, diff_packs
    from assess.packs.loading import load_pack

    diff = diff_packs(load_pack(pack_a), load_pack(pack_b))
    if fmt == "json":
        print_json(diff)
    else:
        click.echo("\n".join(diff_lines(diff, lang)))


@indicators.command("xlsform")
@pack_option
@click.option("--respondent", type=click.Choice(RESPONDENTS), default="resident",
              show_default=True, help="问卷对象 / Whose questionnaire")
@lang_option
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="输出的 XLSForm 文件 / The .xlsx form to write")
@click.option("--force", is_flag=True, help="覆盖已有文件 / Overwrite an existing file")
def indicators_xlsform(pack_ref: str | None, respondent: str, lang: str, output: Path, force: bool) -> None:
    """导出 XLSForm 问卷，用于手机采集（ODK / KoboToolbox） / Export a questionnaire as an XLSForm.

    Upload the file to KoboToolbox or ODK Central; `assess import` reads the data they export.

    示例 / Example: assess indicators xlsform --respondent resident -o residents.xlsx
    """
    from assess.files import write_atomic
    from assess.packs.loading import load_pack
    from assess.packs.xlsform import build_xlsform, xlsform_bytes

    form = build_xlsform(load_pack(pack_ref), respondent, lang)
    write_atomic(output, xlsform_bytes(form), force=force)
    settings = form.settings
    click.echo(
        f"{output}: {len(form.names)} questions / 道题目, form_id {settings['form_id']}, version {settings['version']}"
    )


@indicators.command("template")
@pack_option
@click.option("--respondent", type=click.Choice(RESPONDENTS), default="resident",
              show_default=True, help="哪类问卷 / Whose questionnaire")
@click.option("--group", "groups", multiple=True, metavar="COLUMN",
              help="加一列分组（如 楼栋，可重复），计分时用 --group-by / Add a group column (repeatable)")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="输出的录入表 / The workbook to write (.xlsx)")
@click.option("--force", is_flag=True, help="覆盖已有文件 / Overwrite an existing file")
def indicators_template(pack_ref: str | None, respondent: str, groups: tuple[str, ...], output: Path,
                        force: bool) -> None:
    """生成纸质问卷的 Excel 录入表 / An Excel workbook for typing paper questionnaires in.

    One row per resident under the questions' Chinese titles, drop-down lists, number cells limited to
    their range, and a sheet explaining how to fill it in. The filled-in workbook is a --respondents file.

    示例 / Example: assess indicators template --group 楼栋 -o 居民问卷录入表.xlsx
    """
    from assess.files import refuse_existing, write_atomic
    from assess.packs.entry_workbook import template_bytes
    from assess.packs.loading import load_pack

    refuse_existing([output], force)
    write_atomic(output, template_bytes(load_pack(pack_ref), respondent, groups), force=force)
    click.echo(f"{output}: 已写入 / written")


@indicators.command("questionnaire")
@pack_option
@click.option("--respondent", type=click.Choice(RESPONDENTS), default="resident",
              show_default=True, help="哪类问卷 / Whose questionnaire")
@lang_option
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="输出的问卷：.txt 文本或 .docx Word 文档 / The file to write: .txt text or a .docx Word document")
@click.option("--community", default=None, metavar="NAME",
              help="印在纸质问卷上的社区名称 / Community name printed on the Word questionnaire")
@click.option("--survey", default=None, metavar="NAME",
              help="调查名称，如 2026年党建引领社区治理调查 / Survey name printed on the Word questionnaire")
@click.option("--force", is_flag=True, help="覆盖已有文件 / Overwrite an existing file")
def indicators_questionnaire(pack_ref: str | None, respondent: str, lang: str, output: Path, community: str | None,
                             survey: str | None, force: bool) -> None:
    """写出问卷：文本可粘贴到问卷星，Word 文档可直接打印 / The questionnaire as numbered text for 问卷星's text
    import, or as a Word document ready to print.

    The Word document is an A4 paper questionnaire: the community's and survey's names, a greeting and the
    confidentiality note, how to fill it in, □ boxes and lines to write on, page numbers. Write one for each
    kind of respondent: residents (居民), Party members (党员) and the committee (两委).

    示例 / Example: assess indicators questionnaire -o 问卷.txt
                    assess indicators questionnaire -o 居民问卷.docx --community 幸福社区
                    assess indicators questionnaire -o 党员问卷.docx --respondent party_member --community 幸福社区
    """
    from assess.files import refuse_existing, write_atomic
    from assess.packs.loading import load_pack

    refuse_existing([output], force)
    loaded = load_pack(pack_ref)
    if output.suffix.lower() == ".docx":
        from assess.packs.questionnaire_docx import questionnaire_docx

        data = questionnaire_docx(loaded, respondent, lang, community, survey)
    else:
        from assess.packs.questionnaire import questionnaire_text

        data = questionnaire_text(loaded, respondent, lang).encode("utf-8")
    write_atomic(output, data, force=force)
    click.echo(f"{output}: 已写入 / written")
