"""`assess units import` and `assess users add|passwd|revoke`, and the data folder `assess serve` makes."""

from __future__ import annotations

import stat

from click.testing import CliRunner
from openpyxl import Workbook

from assess.cli import main
from assess.web.store import open_site
from tests.web.conftest import client_for

LIST = ("城市,区（县）,街道,社区\n示例市,青石区,东关街道,槐荫里社区\n示例市,青石区,东关街道,新华社区\n"
        "示例市,青石区,西城街道,南苑社区\n")


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def test_the_data_folder_is_made_private_on_first_use(tmp_path):
    site = open_site(tmp_path / "data")
    assert (tmp_path / "data" / "uploads").is_dir() and (tmp_path / "data" / "reports").is_dir()
    assert stat.S_IMODE((tmp_path / "data" / "secret.key").stat().st_mode) == 0o600
    with site.read() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert open_site(tmp_path / "data").secret == site.secret  # opened again: the same key, the same schema


def test_units_import_reads_an_office_list_in_gbk(tmp_path):
    listing = tmp_path / "社区名单.csv"
    listing.write_bytes(LIST.encode("gbk"))
    result = run("units", "import", str(listing), "--data", str(tmp_path / "data"))
    assert result.exit_code == 0, result.output
    assert "3 个社区，新建 7 个单位" in result.output
    again = run("units", "import", str(listing), "--data", str(tmp_path / "data"))
    assert "新建 0 个单位" in again.output


def test_units_import_reads_xlsx_and_names_missing_columns(tmp_path):
    book = Workbook()
    book.active.append(["区（县）", "街道", "社区"])
    book.active.append(["青石区", "东关街道", "槐荫里社区"])
    book.save(tmp_path / "list.xlsx")
    assert run("units", "import", str(tmp_path / "list.xlsx"), "--data", str(tmp_path / "d")).exit_code == 0
    (tmp_path / "bad.csv").write_text("区,社区名称\n青石区,槐荫里\n", encoding="utf-8")
    bad = run("units", "import", str(tmp_path / "bad.csv"), "--data", str(tmp_path / "d"))
    assert bad.exit_code == 1 and "缺少列 街道、社区" in bad.output and "Traceback" not in bad.output
    hostile = "区（县）,街道,社区\n青石区,东关/街道,甲\n青石区,东关,\x1b乙\n"
    (tmp_path / "slash.csv").write_text(hostile, encoding="utf-8")
    slash = run("units", "import", str(tmp_path / "slash.csv"), "--data", str(tmp_path / "d"))
    assert slash.exit_code == 1 and "第 2 行" in slash.output and "第 3 行" in slash.output


def test_units_import_takes_each_communitys_type_and_refuses_an_unknown_one_by_row(tmp_path):
    """A type the pack does not know would silently lose the advice meant for that kind of community."""
    data = str(tmp_path / "data")
    bad = tmp_path / "typed.csv"
    bad.write_text("区（县）,街道,社区,社区类型\n青石区,东关街道,槐荫里社区,老小区\n青石区,东关街道,新华社区,老社区\n",
                   encoding="utf-8")
    refused = run("units", "import", str(bad), "--data", data)
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "第 3 行" in refused.output and "老社区" in refused.output and "老旧小区" in refused.output
    assert "第 2 行" not in refused.output
    with open_site(tmp_path / "data").read() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM web_units").scalar() == 0  # nothing half-made
    good = tmp_path / "good.csv"
    good.write_text("区（县）,街道,社区,社区类型\n青石区,东关街道,槐荫里社区,老小区\n青石区,东关街道,新华社区,\n",
                    encoding="utf-8")
    assert run("units", "import", str(good), "--data", data).exit_code == 0
    with open_site(tmp_path / "data").read() as connection:
        types = dict(connection.exec_driver_sql("SELECT name, community_type FROM web_units").all())
    assert types["槐荫里社区"] == "老旧小区" and types["新华社区"] is None and types["东关街道"] is None


def test_users_add_passwd_revoke(tmp_path):
    data = str(tmp_path / "data")
    listing = tmp_path / "list.csv"
    listing.write_text(LIST, encoding="utf-8")
    run("units", "import", str(listing), "--data", data)
    password = tmp_path / "pw"
    password.write_text("first-password\n")
    added = run("users", "add", "李书记", "--role", "community-secretary", "--unit", "示例市/青石区/东关街道/新华社区",
                "--password-file", str(password), "--data", data)
    assert added.exit_code == 0, added.output
    site = open_site(tmp_path / "data")
    client = client_for(site)
    login = client.post("/api/login", json={"username": "李书记", "password": "first-password"})
    assert login.status_code == 200
    assert [u["name"] for u in client.get("/api/units").json()] == ["新华社区"]
    assert run("users", "passwd", "李书记", "--data", data, input="second-password\n").exit_code == 0
    assert client.get("/api/units").status_code == 401  # a new password ends the sessions
    assert client.post("/api/login", json={"username": "李书记", "password": "second-password"}).status_code == 200
    assert run("users", "revoke", "李书记", "--data", data).exit_code == 0
    assert client.get("/api/units").status_code == 401
    wrong = run("users", "add", "x", "--role", "boss", "--unit", "示例市", "--password-file", str(password),
                "--data", data)
    assert wrong.exit_code == 1 and "community-secretary" in wrong.output
    nowhere = run("users", "add", "y", "--role", "community-staff", "--unit", "示例市/无此区", "--password-file",
                  str(password), "--data", data)
    assert nowhere.exit_code == 1 and "没有单位" in nowhere.output
    short = run("users", "add", "z", "--role", "community-staff", "--unit", "示例市", "--data", data, input="short\n")
    assert short.exit_code == 1 and "至少 8 位" in short.output


def test_the_demo_communities_are_loaded_once_with_their_residents(tmp_path):
    from assess.web.accounts import first_admin
    from assess.web.demo import load_demo

    site = open_site(tmp_path / "data")
    first_admin(site)
    added = load_demo(site)
    assert len(added) == 3 and all("虚构" in path for path in added)
    assert load_demo(site) == []  # a second start leaves them as they are
    from assess.web.accounts import set_password
    from tests.web.conftest import signed_in

    with site.write() as connection:
        set_password(connection, "admin", "admin-password", None)
    client = signed_in(site, "admin", "admin-password")
    communities = [u for u in client.get("/api/units").json() if u["kind"] == "community"]
    scores = client.get(f"/api/units/{communities[0]['id']}/scores").json()
    assert scores["respondents"] > 50 and scores["overall"]["score"] is not None


def test_serve_prints_the_one_time_password_once_and_warns_off_localhost(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr("assess.web.serve.run", lambda site, host, port, db, *workers: started.append((host, port)))
    first = run("serve", "--data", str(tmp_path / "data"), "--host", "0.0.0.0", "--port", "8123")
    assert first.exit_code == 0, first.output
    assert "one-time password: " in first.output and "警告" in first.output and "http://127.0.0.1:8123/" in first.output
    again = run("serve", "--data", str(tmp_path / "data"))
    assert "one-time password" not in again.output and "警告" not in again.output
    assert started == [("0.0.0.0", 8123), ("127.0.0.1", 8000)]
