"""The `assess` command line: parses arguments, calls the library, prints.

All logic lives in plain functions of the other modules; a user mistake arrives here as `AssessError`
and leaves as click's error message with exit status 1 (never a traceback). Heavy imports (WeasyPrint)
happen inside the commands that need them, so `assess --help` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from assess.errors import AssessError

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


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(cls=Group, context_settings=CONTEXT)
@click.version_option(package_name="assess")
def main() -> None:
    """assess: 党建引领社区治理评估工具 / assess Party-building-led community governance.

    Start with `assess indicators list` to see the indicator framework.
    """


@main.group(cls=Group)
def indicators() -> None:
    """List, show and check indicator packs / 查看与校验指标包."""


@indicators.command("list")
@pack_option
@lang_option
@format_option("table", "json")
def indicators_list(pack_ref: str | None, lang: str, fmt: str) -> None:
    """The indicator tree: dimensions, indicators and questions.

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
    """One dimension, indicator or question in full, with its sources.

    Example: assess indicators show leading-goose
    """
    from assess.catalog import element_lines, find_element
    from assess.packs import load_pack

    pack = load_pack(pack_ref).pack
    element = find_element(pack, element_id)
    if fmt == "json":
        print_json(element.model_dump(mode="json"))
    else:
        click.echo("\n".join(element_lines(pack, element, lang)))


@indicators.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def indicators_validate(paths: tuple[Path, ...]) -> None:
    """Check pack files; print every problem as FILE:LINE: field: message.

    Example: assess indicators validate indicators/core.yaml my-district.yaml
    """
    from assess.packs import validate_files

    problems = validate_files(list(paths))
    if problems:
        click.echo("\n".join(str(p) for p in problems), err=True)
        click.echo(f"{len(problems)} problem(s) / 发现 {len(problems)} 个问题", err=True)
        sys.exit(1)
    click.echo(f"{len(paths)} file(s) valid / 校验通过")
