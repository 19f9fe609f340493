"""The options and conventions every command shares: languages, formats, packs, scoring, clean errors."""

from __future__ import annotations

import functools
import gettext
import json
import os
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import click

from assess.errors import AssessError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "assess"


def chosen_language(args: list[str]) -> str:
    """The language of the session: `--lang en` (or `--lang=en`) anywhere, else ASSESS_LANG, else Chinese."""
    for n, arg in enumerate(args):
        if arg == "--lang" and n + 1 < len(args):
            return "en" if args[n + 1] == "en" else "zh"
        if arg.startswith("--lang="):
            return "en" if arg == "--lang=en" else "zh"
    return "en" if os.environ.get("ASSESS_LANG") == "en" else "zh"


def use_language(lang: str) -> None:
    """Click's own words (Usage, Options, Error, Missing argument …) in `lang`, through gettext as click
    offers: our catalog for the domain "assess" (assess/locale), chosen by the LANGUAGE variable."""
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = "zh_CN" if lang == "zh" else "en"


class Group(click.Group):
    """A click group that turns every user-facing error into a clean message and exit status 1, and speaks
    the session's language (see `use_language`)."""

    def main(self, args=None, *rest, **kwargs):
        import sys

        use_language(chosen_language(list(sys.argv[1:] if args is None else args)))
        name_placeholders(self)
        return super().main(args, *rest, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        from assess.cli.terminal import safe_output, visible
        from assess.files import created_folders

        if ctx.parent is None:  # folders made before this command (by a caller in the same process) are not its own
            created_folders.clear()
        try:
            with safe_output():
                return super().invoke(ctx)
        except AssessError as exc:
            raise click.ClickException(visible(str(exc))) from None
        except BrokenProcessPool:
            raise click.ClickException("工作进程意外结束（被中断或内存不足） / a worker process ended unexpectedly "
                                       "(interrupted, or out of memory)") from None
        except KeyboardInterrupt:
            if ctx.parent is not None:
                raise
            # Ctrl-C: one line and the shell's status for an interrupt (not click's "Aborted!" and status 1)
            click.echo("\n已中断 / interrupted", err=True)
            ctx.exit(130)
        finally:
            if ctx.parent is None:
                name_created_folders()


def name_created_folders() -> None:
    """Say which folders an output needed and got (`-o 新文件夹/报告.pdf`), so none appears unannounced."""
    from assess.cli.terminal import visible
    from assess.files import created_folders

    named: list = []
    for folder in dict.fromkeys(created_folders):
        if not any(folder.is_relative_to(outer) for outer in named):  # the top folder made, not each inside it
            named.append(folder)
            click.echo(visible(f"已新建文件夹 {folder} / created the folder {folder}"), err=True)
    created_folders.clear()


def name_placeholders(command: click.Command) -> None:
    """The usage line's [OPTIONS] and COMMAND [ARGS]... in the session's language. Click fixes them when a
    command is defined, before the language is known, so they are set again on every command here."""
    command.options_metavar = gettext.dgettext(DOMAIN, "[OPTIONS]")
    if isinstance(command, click.Group):
        command.subcommand_metavar = gettext.dgettext(DOMAIN, "COMMAND [ARGS]...")
        for sub in command.commands.values():
            name_placeholders(sub)


def lang_option(func):
    return click.option(
        "--lang", type=click.Choice(["zh", "en"]), default=lambda: "en" if os.environ.get("ASSESS_LANG") == "en"
        else "zh", show_default="zh, or ASSESS_LANG", help="输出语言 / Language"
    )(func)


def format_option(*choices: str):
    def decorate(func):
        return click.option(
            "--format", "fmt", type=click.Choice(list(choices)), default=choices[0], show_default=True,
            help="输出格式 / Output format",
        )(func)

    return decorate


def pack_option(func):
    return click.option(
        "--pack", "pack_ref", default=None, metavar="ID|PATH",
        help="指标包：内置编号或文件（默认 core） / Indicator pack: bundled id or file (default core)",
    )(func)


def scoring_options(func):
    """How answers are scored, shared by every command that scores: residents' file, pack and weights.

    How the residents' file is read (`--strict`, `--include-rejected`, `--group-by`) reaches the command
    as one `reading` argument, a `ReadOptions`.
    """

    @functools.wraps(func)
    def with_reading(*args, strict: bool, include_rejected: bool, group_by: tuple[str, ...], column_map: Path | None,
                     **kwargs):
        from assess.responses.reading import ReadOptions

        reading = ReadOptions(strict=strict, include_rejected=include_rejected, group_by=tuple(group_by),
                              map_file=str(column_map) if column_map else None)
        return func(*args, reading=reading, **kwargs)

    options = [
        click.option(
            "--respondents", "respondents_csv", type=click.Path(path_type=Path), default=None, metavar="FILE",
            help="居民问卷数据：问卷星下载、Excel、CSV、Kobo/ODK 导出或答卷文件 / Residents' answers: a WJX download, "
                 "Excel, CSV, a Kobo/ODK export or an answer file",
        ),
        pack_option,
        click.option(
            "--weights", type=click.Choice(["declared", "equal", "ahp"]), default="declared", show_default=True,
            help="Weights: 权重方式 / the pack's, equal, or AHP from the pack's judgments",
        ),
        click.option(
            "--allow-inconsistent", is_flag=True, help="一致性不达标也使用 / Use AHP weights even if CR > 0.10"
        ),
        click.option(
            "--group-by", "group_by", multiple=True, metavar="COLUMN",
            help="按此列分组评价（如 楼栋、年龄段，可重复） / Score each group of residents in the column (repeatable)",
        ),
        click.option(
            "--map", "column_map", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="MAP",
            help="按核对过的列对照表读取居民数据（由 import --suggest-map 生成） / Read the residents' file "
                 "through a checked column map",
        ),
        click.option(
            "--strict", is_flag=True,
            help="不是题目的列即为错误，不只提示 / A column of no question is an error, not a warning",
        ),
        click.option(
            "--include-rejected", is_flag=True,
            help="计入审核不通过的提交（ODK Central、Kobo） / Score submissions rejected in review",
        ),
    ]
    for option in reversed(options):
        with_reading = option(with_reading)
    return with_reading


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def end_note(notes: list[Any]) -> None:
    """What a reading left out (columns of no question, ranking questions), said once at the end of a
    command, Chinese first; each note is a (zh, en) pair or a `Notice`."""
    for note in notes:
        zh, en = (note.zh, note.en) if hasattr(note, "zh") else note
        click.echo(f"说明 / note: {zh} / {en}", err=True)


class PlainText(click.ParamType):
    """A name, label or id typed at an option or a prompt: control characters (NUL, ESC …) and what XML cannot
    hold (U+FFFE, U+FFFF) are refused where they are typed, as in a file, so no export fails on them later.
    At a prompt click asks again."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from assess.responses.answer_file import CONTROL

        if isinstance(value, str) and CONTROL.search(value):
            self.fail("含有控制字符或不可用字符，请只写普通文字 / contains a control character (e.g. NUL or ESC) or a "
                      "character that is not text; write plain text", param, ctx)
        return value


PLAIN_TEXT = PlainText()


def uncertainty_options(default: int = 0):
    """`--uncertainty N`, `--uncertainty-source` and `--seed`: how many joint draws, of what (residents
    resampled, weights perturbed, or both), from which seed."""

    def decorate(func):
        for option in reversed([
            click.option(
                "--uncertainty", type=click.IntRange(0, 100_000), default=default, show_default=bool(default),
                metavar="N",
                help="不确定性抽样次数：每次重抽居民样本并扰动权重，给出标准误和 90% 区间 / Joint draws: residents "
                     "resampled and weights perturbed N times, giving standard errors and 90 % intervals",
            ),
            click.option(
                "--uncertainty-source", "uncertainty_source", type=click.Choice(["both", "sampling", "weights"]),
                default="both", show_default=True,
                help="每次抽样改变什么：两者、仅居民抽样、仅权重 / What a draw varies: both, the residents' "
                     "sample only, or the weights only",
            ),
            click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
                         help="随机种子 / Random seed"),
        ]):
            func = option(func)
        return func

    return decorate
