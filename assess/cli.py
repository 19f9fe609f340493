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


@main.command("ahp")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@pack_option
@click.option("--allow-inconsistent", is_flag=True, help="Use the weights even if CR > 0.10 / 一致性不达标也使用")
@lang_option
@format_option("table", "json")
def ahp_command(path: Path | None, pack_ref: str | None, allow_inconsistent: bool, lang: str, fmt: str) -> None:
    """AHP weights from pairwise judgments: weights, λmax, CI, CR and the RI table used.

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
