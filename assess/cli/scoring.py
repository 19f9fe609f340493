"""`assess score`: a community's scores as a table, JSON or CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from assess.cli.options import end_note, format_option, lang_option, print_json, scoring_options, uncertainty_options

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
    from assess.scoring.options import ScoringOptions
    from assess.scoring.output import score_csv, score_table
    from assess.scoring.score import score_loaded

    loaded = load_answer_file(answers, pack_ref)
    options = ScoringOptions(weights, allow_inconsistent, uncertainty, seed, uncertainty_source)
    result = score_loaded(loaded, respondents_csv, options, reading=reading)
    if fmt == "json":
        print_json(result.model_dump(mode="json"))
    elif fmt == "csv":
        click.echo(score_csv(result), nl=False)
    else:
        titles = {q.id: q.title.get(lang) for _, _, q in loaded.pack.pack.questions()}
        click.echo(score_table(result, lang, titles))
    if fmt != "json":
        end_note(result.notes)


@click.command("plan-sample")
@click.argument("answers", type=click.Path(path_type=Path), required=False)
@click.option("--respondents", "respondents_csv", type=click.Path(path_type=Path), default=None, metavar="FILE",
              help="上一轮的居民问卷数据，用于估计居民间差异 / Last round's residents' answers, to measure how much "
                   "residents differ")
@click.option("--population", type=click.IntRange(min=1), default=None, metavar="N",
              help="社区常住人口（默认取答卷文件中的 population） / Residents of the community (default: the "
                   "answer file's population)")
@click.option("--households", type=click.IntRange(min=1), default=None, metavar="N",
              help="社区户数（每户一份问卷时用） / Households, when one questionnaire is asked of each household")
@click.option("--margin", type=click.FloatRange(min=0.1, max=50), default=3.0, show_default=True, metavar="POINTS",
              help="总分的目标精度（± 分） / Target precision of the overall score, ± points")
@click.option("--level", type=click.FloatRange(min=0.5, max=0.999), default=0.9, show_default=True,
              help="置信水平 / Confidence level")
@click.option("--pack", "pack_ref", default=None, metavar="ID|PATH",
              help="指标包 / Indicator pack (default: the answer file's, else core)")
@lang_option
@format_option("table", "json")
def plan_sample_command(answers: Path | None, respondents_csv: Path | None, population: int | None,
                        households: int | None, margin: float, level: float, pack_ref: str | None, lang: str,
                        fmt: str) -> None:
    """需要多少份居民问卷 / How many residents' questionnaires a community needs for a target precision.

    不给上一轮数据时使用默认的居民间差异。/ Without a last round, a documented default spread is used.

    示例 / Example: assess plan-sample 上一轮/answers.yaml --respondents 上一轮/residents.csv --margin 3
    """
    from assess.scoring.planning import plan_for_files, plan_text

    if population and households:
        raise click.UsageError("--population 与 --households 只能给一个 / give --population or --households, not both")
    plan = plan_for_files(answers, respondents_csv, pack_ref, households or population, margin, level)
    if fmt == "json":
        print_json({**plan.as_json(), "unit": "households" if households else "residents"})
    else:
        click.echo(plan_text(plan, lang, "households" if households else "residents"))
