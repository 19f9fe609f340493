"""`assess score`: a community's scores as a table, JSON or CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from assess.cli.options import format_option, lang_option, print_json, scoring_options, uncertainty_options

if TYPE_CHECKING:
    from assess.responses.reading import ReadOptions


@click.command("score")
@click.argument("answers", type=click.Path(path_type=Path))
@scoring_options
@uncertainty_options()
@lang_option
@format_option("table", "json", "csv")
def score_command(
    answers: Path,
    respondents_csv: Path | None,
    pack_ref: str | None,
    weights: str,
    allow_inconsistent: bool,
    reading: ReadOptions,
    uncertainty: int,
    uncertainty_source: str,
    seed: int,
    lang: str,
    fmt: str,
) -> None:
    """计算社区得分：总分、维度、指标、题目 / Score a community: overall, dimensions, indicators, questions.

    示例 / Example: assess score answers.yaml --respondents residents.csv --uncertainty 1000 --format json
    """
    from assess.responses.answer_file import load_answer_file
    from assess.scoring.output import score_csv, score_table
    from assess.scoring.score import score_loaded

    loaded = load_answer_file(answers, pack_ref)
    result = score_loaded(loaded, respondents_csv, weights, allow_inconsistent, uncertainty, seed, reading=reading,
                          source=uncertainty_source)
    if fmt == "json":
        print_json(result.model_dump(mode="json"))
    elif fmt == "csv":
        click.echo(score_csv(result), nl=False)
    else:
        titles = {q.id: q.title.get(lang) for _, _, q in loaded.pack.pack.questions()}
        click.echo(score_table(result, lang, titles))
