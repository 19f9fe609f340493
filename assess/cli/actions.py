"""`assess recommend`: the prioritized countermeasures for a community's weak indicators."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assess.cli.options import end_note, format_option, lang_option, print_json, scoring_options

if TYPE_CHECKING:
    from assess.responses.reading import ReadOptions


@click.command("recommend")
@click.argument("answers", type=click.Path(path_type=Path))
@scoring_options
@click.option(
    "--library", "libraries", multiple=True, type=click.Path(path_type=Path), metavar="FILE",
    help="补充对策库 / A countermeasure file, added after the bundled library and the pack's own (repeatable)",
)
@click.option(
    "--top", type=click.IntRange(min=1), default=None, metavar="N", help="只列前 N 条 / Only the N best actions"
)
@lang_option
@format_option("table", "json")
def recommend_command(
    answers: Path,
    respondents_csv: Path | None,
    pack_ref: str | None,
    weights: str,
    allow_inconsistent: bool,
    reading: ReadOptions,
    libraries: tuple[Path, ...],
    top: int | None,
    lang: str,
    fmt: str,
) -> None:
    """针对低于目标的指标，按优先级给出对策 / Prioritized countermeasures for the indicators below target.

    Exits with status 1 when too few dimensions are answered to rank actions.

    示例 / Example: assess recommend answers.yaml --respondents residents.csv --top 10 --library my-district.yaml
    """
    from assess.actions.library import load_library
    from assess.actions.recommend import plan_lines, recommend
    from assess.packs.loading import load_pack
    from assess.scoring.options import ScoringOptions
    from assess.scoring.score import score_file

    options = ScoringOptions(weights, allow_inconsistent)
    result = score_file(answers, respondents_csv, pack_ref, options, reading=reading)
    end_note(result.notes)
    loaded = load_pack(result.pack.file)
    plan = recommend(result, load_library([*loaded.libraries, *libraries], loaded.pack), loaded.pack, top)
    failed = plan.status == "insufficient-data"
    if fmt == "json":
        print_json(plan.model_dump(mode="json"))
    else:
        click.echo("\n".join(plan_lines(plan, lang)), err=failed)
    if failed:
        sys.exit(1)
