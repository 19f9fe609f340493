"""`assess district …`: a sub-district's or district's round of communities scored, weighted and ranked."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click

from assess.cli.options import Group, lang_option, pack_option

WEIGHTS = ["declared", "equal", "ahp", "entropy", "critic", "combined"]

db_option = click.option(
    "--db", default=None, metavar="URL",
    help="历史数据库：文件路径、sqlite:///路径 或 postgresql://用户:密码@主机/库名（默认：轮次旁的 assess-history.db）"
         " / History database: a file, sqlite:///PATH or postgresql://… (default: assess-history.db beside the round)")


@click.group(cls=Group)
def district() -> None:
    """街道、区县一轮评估 / A round of communities: scores, objective weights, honest ranks."""


@district.command("score")
@click.argument("round_path", metavar="ROUND", type=click.Path(path_type=Path))
@pack_option
@click.option("--round", "label", default=None, metavar="LABEL", help="轮次名称（默认：文件夹名） / Round label")
@click.option("--weights", type=click.Choice(WEIGHTS), default="declared", show_default=True,
              help="权重：指标包、等权、AHP、熵权、CRITIC、组合 / Weights: pack, equal, AHP, entropy, CRITIC, combined")
@click.option("--rank-by", type=click.Choice(["score", "topsis"]), default="score", show_default=True,
              help="按总分或 TOPSIS 贴近度排序 / Rank by overall score or TOPSIS closeness")
@click.option("--uncertainty", type=click.IntRange(0, 100_000), default=1000, show_default=True, metavar="N",
              help="权重扰动次数，给出名次区间 / Weight draws for the rank intervals (0: none)")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Random seed / 随机种子")
@click.option("--strict", is_flag=True, help="任一社区有问题即停止 / Stop at the first community with problems")
@lang_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default="table",
              show_default=True, help="Output format; xlsx needs -o / 输出格式")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The file to write (needed for xlsx) / 输出文件")
@click.option("--force", is_flag=True, help="Overwrite an existing file / 覆盖已有文件")
@db_option
@click.option("--no-history", is_flag=True, help="不存入历史数据库 / Do not store the round in the history database")
def district_score(round_path: Path, pack_ref: str | None, label: str | None, weights: str, rank_by: str,
                   uncertainty: int, seed: int, strict: bool, lang: str, fmt: str, output: Path | None,
                   force: bool, db: str | None, no_history: bool) -> None:
    """为一轮中的每个社区计分并排序 / Score every community of a round and rank them with their uncertainty.

    ROUND is a folder with one sub-folder per community (answers.yaml and a residents' file), or a
    round.yaml manifest. Communities are scored in parallel; one with problems is listed and the rest scored.
    The round is stored in the history database (assess-history.db beside the round, or --db), replacing an
    earlier run of the same round.

    Example: assess district score 2026年第一轮 --weights entropy --format json
    """
    from assess.district.league import league_json, league_table, score_round
    from assess.district.rounds import load_round
    from assess.files import refuse_existing, write_atomic

    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx 需要 -o 文件名.xlsx / --format xlsx needs -o FILE.xlsx")
    if output is not None:
        refuse_existing([output], force)
    round_ = load_round(round_path, label)
    total = len(round_.members)
    counter = iter(range(1, total + 1))
    league = score_round(
        round_, pack_ref, weights, rank_by, uncertainty, seed, strict,
        progress=lambda m: click.echo(f"[{next(counter)}/{total}] {m.id}", err=True),
    )
    if not no_history:
        from assess.district.history import database_url, open_history, safe_url, store_league
        from assess.packs.loading import load_pack

        url = database_url(db, round_path)
        with open_history(url) as history:
            store_league(history, league, load_pack(league.standings[0].result.pack.file).pack)
        click.echo(f"已存入历史数据库 / stored in {safe_url(url)}", err=True)
    if fmt == "xlsx":
        from assess.district.workbook import league_workbook

        write_atomic(output, league_workbook(league, lang), force=force)
        click.echo(f"{output}: 已写入 / written")
        return
    text = {"json": lambda: json_text(league_json(league)), "csv": lambda: league_csv(league_json(league)),
            "table": lambda: league_table(league, lang) + "\n"}[fmt]()
    if output is not None:
        write_atomic(output, text.encode("utf-8"), force=force)
        click.echo(f"{output}: 已写入 / written")
    else:
        click.echo(text, nl=False)


def json_text(data: dict) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def league_csv(data: dict) -> str:
    """One row per community, ids and names; a cell that a spreadsheet would run as a formula is quoted."""
    dims = list(data["communities"][0]["dimensions"]) if data["communities"] else []
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", "overall", "grade", "rank", "rank_low", "rank_high", "topsis", *dims])
    for c in data["communities"]:
        writer.writerow([safe(c["id"]), safe(c["name"]), c["overall"], c["grade"], c["rank"], c["rank_low"],
                         c["rank_high"], c["topsis"], *(c["dimensions"][d] for d in dims)])
    return out.getvalue()


def safe(text: str) -> str:
    return f"'{text}" if str(text)[:1] in ("=", "+", "-", "@") else str(text)


@district.command("history")
@click.argument("round_path", metavar="[ROUND]", required=False, type=click.Path(path_type=Path))
@db_option
@click.option("--community", default=None, metavar="NAME", help="只看一个社区（名称或文件夹名） / One community")
@lang_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Output format / 输出格式")
def district_history(round_path: Path | None, db: str | None, community: str | None, lang: str, fmt: str) -> None:
    """历史数据库中存有的轮次 / The rounds stored in the history database, or one community's record.

    Without ROUND or --db, the database is assess-history.db in the current folder.

    Example: assess district history 2026 --community 槐荫里社区
    """
    from assess.district.history import DEFAULT_FILE, database_url, open_history
    from assess.district.records import community_record, history_table

    url = database_url(db or (None if round_path else DEFAULT_FILE), round_path or Path.cwd())
    with open_history(url) as history:
        data = community_record(history, community)
    click.echo(json_text(data) if fmt == "json" else history_table(data, lang) + "\n", nl=False)


@district.command("trend")
@click.argument("round_path", metavar="ROUND", type=click.Path(path_type=Path))
@click.option("--round", "label", default=None, metavar="LABEL", help="本轮名称（默认：文件夹名） / This round's label")
@click.option("--since", required=True, metavar="LABEL", help="与哪一轮比较 / The earlier round to compare with")
@db_option
@lang_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "xlsx"]), default="table", show_default=True,
              help="Output format; xlsx needs -o / 输出格式")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The file to write / 输出文件")
@click.option("--force", is_flag=True, help="Overwrite an existing file / 覆盖已有文件")
def district_trend(round_path: Path, label: str | None, since: str, db: str | None, lang: str, fmt: str,
                   output: Path | None, force: bool) -> None:
    """与上一轮相比的变化 / What changed since an earlier stored round, and which changes are real.

    Both rounds must be stored (run assess district score on each). A change marked * exceeds the combined
    uncertainty of the two scores.

    Example: assess district trend 2026 --since 2025
    """
    from assess.district.history import database_url, load_stored, open_history
    from assess.district.rounds import round_identity
    from assess.district.trend import compare, trend_json, trend_table
    from assess.files import refuse_existing, write_atomic

    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx 需要 -o 文件名.xlsx / --format xlsx needs -o FILE.xlsx")
    if output is not None:
        refuse_existing([output], force)
    district_name, current = round_identity(round_path, label)
    with open_history(database_url(db, round_path)) as history:
        trend = compare(load_stored(history, current, district_name), load_stored(history, since, district_name))
    if fmt == "xlsx":
        from assess.district.workbook import trend_workbook

        write_atomic(output, trend_workbook(trend, lang), force=force)
        click.echo(f"{output}: 已写入 / written")
        return
    text = json_text(trend_json(trend)) if fmt == "json" else trend_table(trend, lang) + "\n"
    if output is not None:
        write_atomic(output, text.encode("utf-8"), force=force)
        click.echo(f"{output}: 已写入 / written")
    else:
        click.echo(text, nl=False)
