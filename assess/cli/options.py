"""The options and conventions every command shares: languages, formats, packs, scoring, clean errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import click

from assess.errors import AssessError
from assess.packs.model import Respondent

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
            "--respondents", "respondents_csv", type=click.Path(path_type=Path), default=None, metavar="FILE",
            help="居民问卷数据：问卷星下载、Excel、CSV、Kobo/ODK 导出或答卷文件 / Residents' answers: a WJX download, "
                 "Excel, CSV, a Kobo/ODK export or an answer file",
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
