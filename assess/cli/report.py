"""`assess report` and `assess demo`: the assessment report, and reports for the bundled examples."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assess.cli.options import end_note, lang_option, scoring_options, uncertainty_options

if TYPE_CHECKING:
    from assess.responses.reading import ReadOptions

# -- reports: report / demo -------------------------------------------------------------------------------


@click.command("report")
@click.argument("answers", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="报告文件 / The report file to write (.pdf or .html)")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html"]), default=None,
              help="报告格式 / pdf or html (default: from the file name, else pdf)")
@click.option("--templates", "templates", type=click.Path(path_type=Path, file_okay=False), default=None,
              metavar="DIR", help="自定义模板 / A district's own templates, CSS or texts.yaml; the rest stay bundled")
@scoring_options
@uncertainty_options()
@click.option(
    "--library", "libraries", multiple=True, type=click.Path(path_type=Path), metavar="FILE",
    help="补充对策库 / A countermeasure file, added after the bundled library and the pack's own (repeatable)",
)
@click.option("--top", type=click.IntRange(min=1), default=None, metavar="N",
              help="列出的对策条数（默认 10） / Actions in the plan (default 10)")
@lang_option
@click.option("--force", is_flag=True, help="覆盖已有文件 / Overwrite an existing report")
def report_command(
    answers: Path,
    output: Path,
    fmt: str | None,
    respondents_csv: Path | None,
    templates: Path | None,
    pack_ref: str | None,
    weights: str,
    allow_inconsistent: bool,
    reading: ReadOptions,
    uncertainty: int,
    uncertainty_source: str,
    seed: int,
    libraries: tuple[Path, ...],
    top: int | None,
    lang: str,
    force: bool,
) -> None:
    """生成评估报告（PDF 或 HTML） / The assessment report: summary, charts, dimensions, cases, plan, method.

    示例 / Example: assess report answers.yaml --respondents residents.csv -o report.pdf --lang zh
    """
    from assess.files import refuse_existing, write_atomic
    from assess.report.layout import LayoutInBackground
    from assess.report.pdf import report_format

    fmt = report_format(output, fmt)
    refuse_existing([output], force)
    # a PDF's layout process starts first: WeasyPrint loads on another core while the report is read
    with LayoutInBackground(templates) if fmt == "pdf" else contextlib.nullcontext() as layout:
        from assess.actions.recommend import dropped_note
        from assess.report.community import render_html, report_pdf
        from assess.report.data import DEFAULT_TOP_ACTIONS, build_report

        top = top or DEFAULT_TOP_ACTIONS
        from assess.scoring import ScoringOptions

        options = ScoringOptions(weights, allow_inconsistent, uncertainty, seed, uncertainty_source)
        data = build_report(answers, respondents_csv, pack_ref, options, top=top, library=libraries, reading=reading)
        end_note(data.score.notes)
        note = dropped_note(data.plan) if data.plan is not None else None
        if note is not None:
            click.echo(note.get(lang), err=True)
        if fmt == "html":
            write_atomic(output, render_html(data, lang, templates), force=force)
            click.echo(f"{output}: 已写入 / written")
            return
        rendered = report_pdf(data, lang, templates, layout=layout)
    for url in rendered.refused:
        click.echo(f"未加载 / not loaded: {url}（只使用模板文件夹中的文件 / only files of the template folders are "
                   "used）", err=True)
    write_atomic(output, rendered.pdf, force=force)
    click.echo(f"{output}: 已写入，共 {rendered.pages} 页 / written, {rendered.pages} pages")


@click.command("demo")
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False), default="assess-demo",
              show_default=True, help="输出文件夹 / Folder for the reports")
@click.option("--force", is_flag=True, help="覆盖已有文件 / Overwrite reports already in the folder")
def demo_command(out_dir: Path, force: bool) -> None:
    """为内置的虚构示例社区和示例街道生成中英文报告 / Reports for the bundled FICTIONAL example communities
    and a fictional sub-district of twelve communities over two rounds (district report and workbook).

    示例 / Example: assess demo -o assess-demo
    """
    from assess.district.demo import guarded, run_district_demo
    from assess.files import refuse_existing
    from assess.report.demo import run_demo

    refuse_existing(guarded(out_dir), force)  # before any file is written
    def shown(path: Path) -> None:
        click.echo(f"{path}: 已写入 / written")

    written = run_demo(out_dir, force=force, progress=shown)
    click.echo("示例街道的两轮评估（虚构）/ the fictional sub-district's two rounds …", err=True)
    written += run_district_demo(out_dir, force=force, progress=shown)
    click.echo(f"共 {len(written)} 个文件（虚构示例） / {len(written)} files in {out_dir} (fictional examples)")
