"""`assess cases …` and `assess benchmark`: the case profiles, and a community compared with them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assess.cli.options import Group, end_note, format_option, lang_option, print_json, scoring_options

if TYPE_CHECKING:
    from assess.responses.reading import ReadOptions


@click.group(cls=Group)
def cases() -> None:
    """论文案例档案 / Case profiles coded from the five theses and the exemplars they cite."""


@cases.command("list")
@lang_option
@format_option("table", "json")
def cases_list(lang: str, fmt: str) -> None:
    """列出全部案例及其各维度编码 / Every case profile with its coded levels and named practices.

    示例 / Example: assess cases list --lang en
    """
    from assess.cases.profiles import case_export, case_list_lines, load_cases

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

    示例 / Example: assess cases show sanyuan
    """
    from assess.cases.profiles import case_by_id, case_export, case_lines
    from assess.packs.loading import load_pack

    case = case_by_id(case_id)
    if fmt == "json":
        print_json(case_export(case))
    else:
        click.echo("\n".join(case_lines(case, load_pack().pack, lang)))


@click.command("benchmark")
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
    reading: ReadOptions,
    lang: str,
    fmt: str,
) -> None:
    """与论文案例对标：最相近的案例、各维度比较、可借鉴的做法 / Compare with the thesis cases.

    Exits with status 1 (after printing why) when too few dimensions are scored to compare.

    示例 / Example: assess benchmark answers.yaml --respondents residents.csv --format json
    """
    from assess.cases.benchmark import benchmark, benchmark_lines
    from assess.cases.profiles import load_cases
    from assess.packs.loading import load_pack
    from assess.scoring.options import ScoringOptions
    from assess.scoring.score import score_file

    options = ScoringOptions(weights, allow_inconsistent)
    result = score_file(answers, respondents_csv, pack_ref, options, reading=reading)
    end_note(result.notes)
    outcome = benchmark(result, load_cases(), load_pack(result.pack.file).pack)
    if fmt == "json":
        print_json(outcome.model_dump(mode="json"))
    else:
        click.echo("\n".join(benchmark_lines(outcome, lang)))
    if not outcome.comparable:
        sys.exit(1)
