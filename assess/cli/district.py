"""`assess district …`: a sub-district's or district's round of communities scored, weighted and ranked."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click

from assess.cli.options import PLAIN_TEXT, Group, lang_option, pack_option, uncertainty_options
from assess.packs.sheets import csv_text

WEIGHTS = ["declared", "equal", "ahp", "entropy", "critic", "combined"]

db_option = click.option(
    "--db", default=None, metavar="URL",
    help="历史数据库：文件路径、sqlite:///路径 或 postgresql://用户:密码@主机/库名（默认：轮次旁的 assess-history.db）"
         " / History database: a file, sqlite:///PATH or postgresql://… (default: assess-history.db beside the round)")


@click.group(cls=Group)
def district() -> None:
    """街道、区县一轮评估 / A round of communities: scores, objective weights, honest ranks."""


district_option = click.option(
    "--district", "district_name", default=None, type=PLAIN_TEXT, metavar="NAME",
    help="街道（区）名称（默认：round.yaml 或各答卷文件中一致的街道名） / The district's name (default: "
         "round.yaml's, or the one every answer file names)",
)


def round_options(command):
    """What scoring a round takes: the options of `district score`, `district report` and their storing."""
    for option in reversed([
        click.argument("round_path", metavar="ROUND", type=click.Path(path_type=Path)),
        pack_option,
        click.option("--round", "label", default=None, type=PLAIN_TEXT, metavar="LABEL",
                     help="轮次名称（默认：文件夹名） / Round label"),
        district_option,
        click.option("--weights", type=click.Choice(WEIGHTS), default="declared", show_default=True,
                     help="权重：指标包、等权、AHP、熵权、CRITIC、组合 / Weights: pack, equal, AHP, entropy, CRITIC, "
                          "combined"),
        click.option("--rank-by", type=click.Choice(["score", "topsis"]), default="score", show_default=True,
                     help="按总分或 TOPSIS 贴近度排序 / Rank by overall score or TOPSIS closeness"),
        uncertainty_options(1000),
        click.option("--strict", is_flag=True, help="任一社区有问题即停止 / Stop at the first community with problems"),
        db_option,
        click.option("--no-history", is_flag=True,
                     help="不存入历史数据库 / Do not store the round in the history database"),
        click.option("--replace", is_flag=True,
                     help="替换历史数据库中社区不同的同名轮次 / Replace a stored round of the same name even "
                          "though its communities differ"),
    ]):
        command = option(command)
    return command


def run_round(round_path: Path, **given):
    """Score (and store) the round with the shared options, showing progress on stderr."""
    from assess.district.database import safe_url
    from assess.district.rounds import load_round
    from assess.district.workflow import RoundOptions, score_and_store
    from assess.scoring.options import ScoringOptions

    scoring = ScoringOptions(weights=given["weights"], uncertainty=given["uncertainty"], seed=given["seed"],
                             source=given["uncertainty_source"])
    options = RoundOptions(pack=given["pack_ref"], label=given["label"], scoring=scoring, rank_by=given["rank_by"],
                           strict=given["strict"], db=given["db"], store=not given["no_history"],
                           district=given["district_name"], replace=given["replace"])
    total = len(load_round(round_path, options.label, options.district).members)
    counter = iter(range(1, total + 1))
    league, url = score_and_store(round_path, options,
                                  progress=lambda m: click.echo(f"[{next(counter)}/{total}] {m.id}", err=True),
                                  notice=lambda text: click.echo(text, err=True))
    if url is not None:
        click.echo(f"已存入历史数据库 {shown_database(given['db'], round_path, safe_url)} / stored in the history "
                   "database", err=True)
    return league, url


def shown_database(db: str | None, round_path: Path, safe_url) -> str:
    """The history database as the user wrote it: their --db (a URL without its password, or a path as typed),
    else the file beside the round, relative to the current folder -- never a percent-encoded URL."""
    import os

    from assess.district.history import default_file

    if db:
        return safe_url(db) if "://" in db else db
    path = default_file(round_path)
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


@district.command("score")
@round_options
@lang_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default="table",
              show_default=True, help="输出格式 / Output format; xlsx needs -o")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="输出文件 / The file to write (needed for xlsx)")
@click.option("--force", is_flag=True, help="覆盖已有文件 / Overwrite an existing file")
def district_score(round_path: Path, lang: str, fmt: str, output: Path | None, force: bool, **given) -> None:
    """为一轮中的每个社区计分并排序 / Score every community of a round and rank them with their uncertainty.

    ROUND is a folder with one sub-folder per community (answers.yaml and a residents' file), or a
    round.yaml manifest. Communities are scored in parallel; one with problems is listed and the rest scored.
    The round is stored in the history database (assess-history.db beside the round, or --db), replacing an
    earlier run of the same round.

    示例 / Example: assess district score 2026年第一轮 --weights entropy --format json
    """
    from assess.district.league import league_json, league_table
    from assess.files import refuse_existing, write_atomic

    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx 需要 -o 文件名.xlsx / --format xlsx needs -o FILE.xlsx")
    if output is not None:
        refuse_existing([output], force)
    league, url = run_round(round_path, **given)
    if fmt == "xlsx":
        from assess.district.workbook import league_workbook
        from assess.district.workflow import trend_since

        write_atomic(output, league_workbook(league, lang, trend_since(url, league, None)), force=force)
        click.echo(f"{output}: 已写入 / written")
        return
    text = {"json": lambda: json_text(league_json(league)), "csv": lambda: league_csv(league_json(league)),
            "table": lambda: league_table(league, lang) + "\n"}[fmt]()
    if output is not None:
        write_atomic(output, text.encode("utf-8"), force=force)
        click.echo(f"{output}: 已写入 / written")
    else:
        click.echo(text, nl=False)


@district.command("report")
@round_options
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="报告文件 / The report file to write (.pdf or .html)")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html"]), default=None,
              help="报告格式 / pdf or html (default: from the file name, else pdf)")
@click.option("--since", default=None, type=PLAIN_TEXT, metavar="LABEL",
              help="与哪一轮比较（默认：最近存入的另一轮） / The earlier round for the trend (default: the latest "
                   "other stored round)")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False), default=None, metavar="DIR",
              help="自定义模板 / A district's own templates, CSS or texts.yaml")
@lang_option
@click.option("--force", is_flag=True, help="覆盖已有文件 / Overwrite an existing report")
def district_report(round_path: Path, output: Path, fmt: str | None, since: str | None, templates: Path | None,
                    lang: str, force: bool, **given) -> None:
    """街道（区）汇总报告 / The district's report: league with rank ranges, heat map, district action plan, trend.

    示例 / Example: assess district report 2026 -o 街道汇总报告.pdf --lang zh
    """
    from assess.district.report import district_html, district_pdf
    from assess.district.report_data import build_district_report
    from assess.district.workflow import trend_since
    from assess.files import refuse_existing, write_atomic
    from assess.report.pdf import report_format

    fmt = report_format(output, fmt)
    refuse_existing([output], force)
    league, url = run_round(round_path, **given)
    report = build_district_report(league, trend_since(url, league, since))
    if fmt == "html":
        write_atomic(output, district_html(report, lang, templates), force=force)
        click.echo(f"{output}: 已写入 / written")
        return
    rendered = district_pdf(report, lang, templates)
    write_atomic(output, rendered.pdf, force=force)
    click.echo(f"{output}: 已写入，共 {rendered.pages} 页 / written, {rendered.pages} pages")


@district.command("reports")
@click.argument("round_path", metavar="ROUND", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="输出文件夹 / Folder for the reports")
@pack_option
@click.option("--round", "label", default=None, type=PLAIN_TEXT, metavar="LABEL",
              help="轮次名称 / Round label")
@lang_option
@click.option("--force", is_flag=True, help="覆盖已有文件 / Overwrite reports already in the folder")
def district_reports(round_path: Path, out_dir: Path, pack_ref: str | None, label: str | None, lang: str,
                     force: bool) -> None:
    """为一轮中的每个社区生成报告 / Every community's own report, in parallel, with progress.

    示例 / Example: assess district reports 2026 -o 2026年社区报告
    """
    from assess.district.workflow import community_reports

    def shown(member: str, path: Path | None, problem: str | None) -> None:
        click.echo(f"{member}: {path}" if path else f"{member}: 未生成 / not written: {problem}", err=True)

    done = community_reports(round_path, out_dir, lang, pack_ref, force, label, progress=shown)
    failed = [d for d in done if d[1] is None]
    click.echo(f"{len(done) - len(failed)} 份报告已写入 {out_dir} / reports written" +
               (f"；{len(failed)} 个社区未生成 / {len(failed)} not written" if failed else ""))
    if failed:
        raise SystemExit(1)


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
        writer.writerow([csv_text(c["id"]), csv_text(c["name"]), c["overall"], c["grade"], c["rank"], c["rank_low"],
                         c["rank_high"], c["topsis"], *(c["dimensions"][d] for d in dims)])
    return out.getvalue()


@district.command("history")
@click.argument("round_path", metavar="[ROUND]", required=False, type=click.Path(path_type=Path))
@db_option
@click.option("--community", default=None, metavar="NAME", help="只看一个社区（名称或文件夹名） / One community")
@lang_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="输出格式 / Output format")
def district_history(round_path: Path | None, db: str | None, community: str | None, lang: str, fmt: str) -> None:
    """历史数据库中存有的轮次 / The rounds stored in the history database, or one community's record.

    Without ROUND or --db, the database is assess-history.db in the current folder.

    示例 / Example: assess district history 2026 --community 槐荫里社区
    """
    from assess.district.history import DEFAULT_FILE, database_url, open_history
    from assess.district.records import community_record, history_table

    url = database_url(db or (None if round_path else DEFAULT_FILE), round_path or Path.cwd())
    with open_history(url, notice=lambda text: click.echo(text, err=True)) as history:
        data = community_record(history, community)
    click.echo(json_text(data) if fmt == "json" else history_table(data, lang) + "\n", nl=False)


@district.command("trend")
@click.argument("round_path", metavar="ROUND", type=click.Path(path_type=Path))
@click.option("--round", "label", default=None, type=PLAIN_TEXT, metavar="LABEL",
              help="本轮名称（默认：文件夹名） / This round's label")
@click.option("--since", required=True, type=PLAIN_TEXT, metavar="LABEL",
              help="与哪一轮比较 / The earlier round to compare with")
@district_option
@db_option
@lang_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "xlsx"]), default="table", show_default=True,
              help="输出格式 / Output format; xlsx needs -o")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="输出文件 / The file to write")
@click.option("--force", is_flag=True, help="覆盖已有文件 / Overwrite an existing file")
def district_trend(round_path: Path, label: str | None, since: str, district_name: str | None, db: str | None,
                   lang: str, fmt: str, output: Path | None, force: bool) -> None:
    """与上一轮相比的变化 / What changed since an earlier stored round, and which changes are real.

    Both rounds must be stored (run assess district score on each). A change marked * exceeds the combined
    uncertainty of the two scores.

    示例 / Example: assess district trend 2026 --since 2025
    """
    from assess.district.history import database_url, load_stored, open_history
    from assess.district.rounds import round_identity
    from assess.district.trend import compare, trend_json, trend_table
    from assess.files import refuse_existing, write_atomic

    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx 需要 -o 文件名.xlsx / --format xlsx needs -o FILE.xlsx")
    if output is not None:
        refuse_existing([output], force)
    district_name, current = round_identity(round_path, label, district_name)
    with open_history(database_url(db, round_path), notice=lambda text: click.echo(text, err=True)) as history:
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
