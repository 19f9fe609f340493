"""`assess analyze`: the figures a thesis chapter needs, from a community's resident survey."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from assess.cli.options import lang_option, scoring_options

if TYPE_CHECKING:
    from assess.responses.reading import ReadOptions


@click.command("analyze")
@click.argument("answers", type=click.Path(path_type=Path))
@scoring_options
@click.option("--missing", type=click.Choice(["listwise", "pairwise"]), default="listwise", show_default=True,
              help="缺失值处理：完整作答者（默认）或两两可用 / Missing answers: complete respondents, or pairwise")
@click.option("--factors", type=click.IntRange(1, 50), default=None, metavar="N",
              help="因子数（默认：特征值大于 1 的个数） / Factors to extract (default: eigenvalues above 1)")
@lang_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "xlsx", "sav"]), default="table",
              show_default=True, help="输出格式 / Output format; xlsx and sav need -o")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="输出文件 / The file to write")
@click.option("--force", is_flag=True, help="覆盖已有文件 / Overwrite an existing file")
def analyze_command(answers: Path, respondents_csv: Path | None, pack_ref: str | None, weights: str,
                    allow_inconsistent: bool, reading: ReadOptions, missing: str, factors: int | None, lang: str,
                    fmt: str, output: Path | None, force: bool) -> None:
    """论文写作所需的统计：描述统计、信度、效度、模糊综合评价 / Item statistics, reliability, validity
    (KMO, Bartlett, EFA) and fuzzy comprehensive evaluation, with SPSS and Excel exports.

    示例 / Example: assess analyze 答卷.yaml --respondents 问卷星下载.xls --format sav -o 居民问卷.sav
    """
    from assess.analysis.run import analysis_json, analyze
    from assess.analysis.survey import load_survey
    from assess.analysis.tables import analysis_table
    from assess.cli.options import end_note, print_json
    from assess.files import refuse_existing, write_atomic

    if fmt in ("xlsx", "sav") and output is None:
        raise click.UsageError(f"--format {fmt} 需要 -o 文件名.{fmt} / --format {fmt} needs -o FILE.{fmt}")
    if output is not None:
        refuse_existing([output], force)
    survey = load_survey(answers, respondents_csv, pack_ref, reading, rows=fmt in ("xlsx", "sav"))
    if fmt != "json":
        end_note(survey.notes)
    result = analyze(survey, missing, factors, weights)
    data = analysis_json(result)
    if fmt == "sav":
        from assess.analysis.export import write_sav

        write_sav(result, output, force=force)
    elif fmt == "xlsx":
        from assess.analysis.export import analysis_workbook

        write_atomic(output, analysis_workbook(result, data, lang), force=force)
    elif fmt == "json" and output is None:
        print_json(data)
        return
    elif fmt == "json":
        import json

        write_atomic(output, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), force=force)
    else:
        text = analysis_table(data, result.survey.pack.pack, lang)
        if output is None:
            click.echo(text)
            return
        write_atomic(output, (text + "\n").encode("utf-8"), force=force)
    click.echo(f"{output}: 已写入 / written")
