"""`assess serve`, `assess units` and `assess users`: the web application and its places and people.

The web layer is an optional extra (`pip install "assess[web]"`); without it these commands say how to
install it instead of failing with an import error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from assess.cli.options import Group
from assess.errors import AssessError

DATA_HELP = "数据文件夹 / The site's data folder"
DEFAULT_DATA = "assess-data"


def data_option(func):
    return click.option("--data", "data", type=click.Path(path_type=Path, file_okay=False), default=DEFAULT_DATA,
                        show_default=True, help=DATA_HELP)(func)


def db_option(func):
    return click.option("--db", default=None, metavar="URL",
                        help="数据库（默认在数据文件夹中） / Database URL (default: SQLite in the data folder)")(func)


def open_data(data: Path, db: str | None):
    try:
        from assess.web.store import open_site
    except ImportError:
        raise AssessError('网页功能未安装，请运行 pip install "assess[web]" / the web extra is not installed: '
                          'pip install "assess[web]"') from None
    return open_site(data, db)


@click.command("serve")
@data_option
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 / Address to listen on")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="端口 / Port")
@db_option
@click.option("--workers", "web_workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="网页进程数 / Web processes")
@click.option("--report-workers", type=click.IntRange(0, 64), default=1, show_default=True,
              help="本机生成报告的后台进程数（0：只用 assess worker） / Report worker processes on this machine "
                   "(0: only those of assess worker)")
@click.option("--behind-proxy", is_flag=True,
              help="在本机 nginx 之后：信任来自 127.0.0.1 的 X-Forwarded-For/-Proto / Behind nginx on this machine: "
                   "trust X-Forwarded-For/-Proto from 127.0.0.1")
@click.option("--demo", is_flag=True, help="载入虚构示例社区 / Load the fictional example communities")
def serve_command(data: Path, host: str, port: int, db: str | None, web_workers: int, report_workers: int,
                  behind_proxy: bool, demo: bool) -> None:
    """启动网页版：社区填报、上传居民问卷、查看得分、生成报告 / Serve the web application.

    示例 / Example: assess serve --data assess-data
    """
    from assess.web.accounts import first_admin
    from assess.web.serve import run

    site = open_data(data, db)
    password = first_admin(site)
    if password is not None:
        click.echo(f"已创建管理员 admin，初始密码（只显示这一次）/ created the administrator admin, one-time "
                   f"password: {password}")
        click.echo("  首次登录时须改成自己的密码 / it is replaced at the first sign-in")
    if demo:
        from assess.web.demo import load_demo

        for path in load_demo(site):
            click.echo(f"已载入示例社区（虚构）/ loaded the fictional example: {path}")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"警告：监听 {host}，本机以外的电脑也能访问；请放在 HTTPS 之后 / warning: listening on {host}, "
                   "reachable from other machines: put it behind HTTPS", err=True)
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    click.echo(f"请在浏览器打开 / open in a browser: http://{shown_host}:{port}/  (Ctrl-C 停止 / stops)")
    run(site, host, port, db, report_workers, web_workers, behind_proxy)


@click.command("worker")
@data_option
@db_option
@click.option("--concurrency", type=click.IntRange(1, 256), default=1, show_default=True,
              help="同时生成报告的进程数（建议每个 CPU 核一个） / Worker processes (one per core is a good choice)")
def worker_command(data: Path, db: str | None, concurrency: int) -> None:
    """只运行后台任务（报告、轮次计分），可在另一台机器上 / Run report and round jobs, on this or another machine.

    The data folder must be the one the web processes use (a shared mount on another machine): reports and
    residents' files live there. On PostgreSQL the jobs come from procrastinate's queue; on SQLite this
    machine's workers claim them from the database. Ctrl-C or SIGTERM: each worker finishes its job, then ends.

    示例 / Example: assess worker --db postgresql://assess@db/assess --data /srv/assess --concurrency 2
    """
    from assess.web.worker import run_workers

    site = open_data(data, db)
    click.echo(f"{concurrency} 个后台进程已启动 / {concurrency} worker processes started (Ctrl-C 停止 / stops)",
               err=True)
    run_workers(site, db, concurrency)


@click.group("units", cls=Group)
def units_group() -> None:
    """单位（区、街道、社区） / Units: districts, sub-districts, communities."""


@units_group.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@data_option
@db_option
def units_import(file: Path, data: Path, db: str | None) -> None:
    """从 CSV 或 Excel 导入社区名单（列：区（县）、街道、社区，可选 城市、社区类型） / Import the list of communities
    (columns 区（县）, 街道, 社区; optional 城市 and 社区类型, the type of community).

    示例 / Example: assess units import 社区名单.xlsx --data assess-data
    """
    from assess.web.units import import_units

    site = open_data(data, db)
    with site.write() as connection:
        rows, created = import_units(connection, file)
    click.echo(f"{file}: {rows} 个社区，新建 {created} 个单位 / {rows} communities, {created} new units")


@click.group("users", cls=Group)
def users_group() -> None:
    """账号：新建、改密码、停用 / Accounts: add, change password, revoke."""


def read_password(password_file: Path | None) -> str:
    if password_file is not None:
        return password_file.read_text(encoding="utf-8").strip()
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    return click.prompt("密码 / Password", hide_input=True, confirmation_prompt=True)


@users_group.command("add")
@click.argument("name")
@click.option("--role", required=True, help="角色 / Role: community-staff | community-secretary | "
              "subdistrict-viewer | subdistrict-manager | district-manager | admin")
@click.option("--unit", "unit_path", default=None, metavar="PATH", help="单位路径 区/街道/社区 / The unit's path")
@click.option("--password-file", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="从文件读取密码 / Read the password from a file (default: ask, or read standard input)")
@data_option
@db_option
def users_add(name: str, role: str, unit_path: str | None, password_file: Path | None, data: Path,
              db: str | None) -> None:
    """新建账号并分配角色 / Add an account with a role on a unit.

    示例 / Example: assess users add 张三 --role community-secretary --unit 示例区/示例街道/幸福社区
    """
    from assess.web.accounts import add_user
    from assess.web.units import unit_by_path

    site = open_data(data, db)
    if unit_path is None and role != "admin":
        raise AssessError("请用 --unit 指定单位 / give the unit with --unit (only admin has none)")
    password = read_password(password_file)
    with site.write() as connection:
        unit_id = unit_by_path(connection, unit_path).id if unit_path else None
        add_user(connection, name, password, role, unit_id, by=os.environ.get("USER", "shell"))
    click.echo(f"已新建 {name} / added {name}")


@users_group.command("passwd")
@click.argument("name")
@click.option("--password-file", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None)
@data_option
@db_option
def users_passwd(name: str, password_file: Path | None, data: Path, db: str | None) -> None:
    """修改密码（并结束其所有登录） / Set a new password (and end the person's sessions)."""
    from assess.web.accounts import set_password

    site = open_data(data, db)
    password = read_password(password_file)
    with site.write() as connection:
        set_password(connection, name, password, by=os.environ.get("USER", "shell"))
    click.echo(f"已修改 {name} 的密码 / password of {name} changed")


@users_group.command("revoke")
@click.argument("name")
@data_option
@db_option
def users_revoke(name: str, data: Path, db: str | None) -> None:
    """停用账号并立即结束其登录 / Revoke an account and end its sessions now."""
    from assess.web.accounts import revoke_user

    site = open_data(data, db)
    with site.write() as connection:
        revoke_user(connection, name, by=os.environ.get("USER", "shell"))
    click.echo(f"已停用 {name} / {name} revoked")
