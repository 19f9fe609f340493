"""The residents' phone survey over HTTP: who may open it, answers taken exactly once, closed links, the
bounds against abuse, the privacy promises, and answers scored as an uploaded residents' file is."""

from __future__ import annotations

import io
import json
import random
import time
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from assess.cli import main
from assess.web.survey import AddressLimits, margin_of_error, sample_needed
from assess.web.survey_store import counters, links, responses
from tests.web.conftest import build_world, client_for, resident_questions, signed_in, wjx_download

WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like "
             "Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 "
             "MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN")


@pytest.fixture()
def fresh(tmp_path):
    return build_world(tmp_path / "data")


def resident_answers(seed: int) -> dict:
    """A resident's answers to every scored resident question, drawn from the allowed values."""
    draw = random.Random(seed)
    answers = {}
    for q in resident_questions():
        if q.type == "likert":
            answers[q.id] = draw.randint(q.scale.min, q.scale.max)
        elif q.type == "yes_no":
            answers[q.id] = draw.random() < 0.5
    return answers


def opened(world, who: str = "secretary_a", unit: str = "A") -> tuple:
    client = signed_in(world.site, who)
    made = client.post(f"/api/units/{world.units[unit]}/survey")
    assert made.status_code == 200, made.text
    return client, made.json()


def send(client, token: str, client_id: str | None = None, answers: dict | None = None, **extra):
    body = {"client_id": client_id or uuid.uuid4().hex, "answers": resident_answers(1) if answers is None else answers,
            **extra}
    return client.post(f"/api/survey/{token}/responses", json=body)


def test_who_may_open_a_communitys_survey(world):
    unit = world.units["A"]
    expected = {"staff_a": 403, "secretary_a": 200, "secretary_c": 404, "viewer_s1": 403, "manager_s1": 200,
                "manager_d": 200, "root": 200}
    for name, status in expected.items():
        assert signed_in(world.site, name).post(f"/api/units/{unit}/survey").status_code == status, name
    assert client_for(world.site).post(f"/api/units/{unit}/survey").status_code == 401
    # a sub-district is not a community: its survey is its communities'
    assert signed_in(world.site, "manager_s1").post(f"/api/units/{world.units['S1']}/survey").status_code == 404


def test_open_gives_url_token_open_and_the_page_is_the_survey(fresh):
    _, link = opened(fresh)
    assert set(link) >= {"url", "token", "open"} and link["open"] is True
    assert link["url"].endswith(f"/s/{link['token']}")
    page = client_for(fresh.site).get(link["url"].replace("http://127.0.0.1", ""), headers={"User-Agent": WECHAT_UA})
    assert page.status_code == 200
    data = json.loads(page.text.split('type="application/json">')[1].split("</script>")[0])
    assert [q["id"] for q in data["questions"]] == [q.id for q in resident_questions()]
    first = resident_questions()[0]
    assert data["questions"][0]["title"] == first.title.zh
    assert [o["label"] for o in data["questions"][0]["options"]] == [first.scale.labels[n].zh for n in range(1, 6)]
    assert [a["name"] for a in data["attributes"]] == ["楼栋", "年龄段"]
    assert "甲社区" in page.text


def test_an_answer_is_counted_once_however_often_it_is_sent(fresh):
    staff, link = opened(fresh)
    phone = client_for(fresh.site)
    first = send(phone, link["token"], "a1b2c3d4e5f6", attributes={"楼栋": "3号楼", "年龄段": "60–69岁"})
    again = send(phone, link["token"], "a1b2c3d4e5f6", answers={"q-know-party-group": 1})
    assert (first.status_code, again.status_code) == (201, 200)
    with fresh.site.read() as c:
        rows = c.execute(select(responses)).all()
    assert len(rows) == 1 and json.loads(rows[0].answers) == resident_answers(1)  # the repeat changed nothing
    status = staff.get(f"/api/units/{fresh.units['A']}/survey").json()
    assert status["responses"] == 1 and status["by_attribute"]["楼栋"] == {"3号楼": 1}


def test_phone_answers_count_in_the_scores_as_the_same_rows_uploaded(fresh, tmp_path):
    staff, link = opened(fresh)
    phone = client_for(fresh.site)
    for n in range(12):
        building = {"楼栋": f"{n % 2 + 1}号楼"}
        assert send(phone, link["token"], answers=resident_answers(n), attributes=building).status_code == 201
    unit = fresh.units["A"]
    web = staff.get(f"/api/units/{unit}/scores").json()
    assert web["respondents"] == 12
    exported = tmp_path / "手机问卷.csv"
    exported.write_bytes(staff.get(f"/api/units/{unit}/survey/answers.csv").content)
    answers = tmp_path / "answers.yaml"
    answers.write_bytes(staff.get(f"/units/{unit}/answers.yaml").content)
    cli = CliRunner().invoke(main, ["score", str(answers), "--respondents", str(exported), "--group-by", "楼栋",
                                    "--group-by", "年龄段", "--format", "json"])
    assert cli.exit_code == 0, cli.output
    expected = json.loads(cli.stdout)  # notes go to stderr, which click 8.2+ mixes into output
    assert web["dimensions"] == expected["dimensions"] and web["overall"] == expected["overall"]
    assert web["groups"] == expected["groups"] and {g["value"] for g in web["groups"] if g["column"] == "楼栋"} == {
        "1号楼", "2号楼"}


def test_an_upload_and_phone_answers_are_scored_together_and_told_apart(fresh, tmp_path):
    staff, link = opened(fresh)
    unit = fresh.units["A"]
    download = wjx_download(tmp_path / "问卷星下载.xlsx")
    sent = staff.post(f"/api/units/{unit}/residents", files={"file": (download.name, download.read_bytes())})
    from_file = sent.json()["respondents"]
    phone = client_for(fresh.site)
    for n in range(6):
        assert send(phone, link["token"], answers=resident_answers(n)).status_code == 201
    web = staff.get(f"/api/units/{unit}/scores").json()
    assert web["respondents"] == from_file + 6
    sources = {g["value"]: g["respondents"] for g in web["groups"] if g["column"] == "来源"}
    assert sources == {"手机问卷": 6, "上传文件": from_file}
    assert staff.get(f"/api/units/{unit}/survey").json()["responses"] == 6  # the phone answers alone
    assert len(staff.get(f"/api/units/{unit}/residents").json()) == 1  # the file alone


def test_closed_reopened_and_replaced_links(fresh):
    staff, link = opened(fresh)
    unit, phone = fresh.units["A"], client_for(fresh.site)
    assert send(phone, link["token"]).status_code == 201
    assert staff.post(f"/api/units/{unit}/survey/close").json()["open"] is False
    closed = send(phone, link["token"])
    assert closed.status_code == 410 and "已结束" in closed.json()["detail"]
    page = phone.get(f"/s/{link['token']}")
    assert page.status_code == 410 and "感谢" in page.text
    assert staff.post(f"/api/units/{unit}/survey").json()["token"] == link["token"]  # reopened, same link
    assert send(phone, link["token"]).status_code == 201
    new = staff.post(f"/api/units/{unit}/survey/replace").json()
    assert new["token"] != link["token"] and new["open"]
    assert send(phone, link["token"]).status_code == 410 and phone.get(f"/s/{link['token']}").status_code == 410
    assert send(phone, new["token"]).status_code == 201
    assert staff.get(f"/api/units/{unit}/survey").json()["responses"] == 3  # answers of the old link still count
    assert phone.get("/s/no-such-token").status_code == 404


def test_bad_answers_are_refused_with_what_is_wrong(fresh):
    _, link = opened(fresh)
    phone, token = client_for(fresh.site), link["token"]
    wrong = send(phone, token, answers={"q-know-party-group": 9, "q-no-such": 1, "q-grid-party-coverage": "x"})
    assert wrong.status_code == 422
    detail = wrong.json()["detail"]
    assert "q-know-party-group" in detail and "q-no-such" in detail and "q-grid-party-coverage" in detail
    assert send(phone, token, answers={}).status_code == 422
    assert send(phone, token, client_id="short").status_code == 422
    assert send(phone, token, attributes={"姓名": "张三"}).status_code == 422  # only the attributes asked
    assert send(phone, token, attributes={"年龄段": "100岁"}).status_code == 422
    text_question = next(q.id for q in resident_questions() if q.type == "text")
    assert send(phone, token, answers={text_question: "长" * 1001}).status_code == 422
    with fresh.site.read() as c:
        assert c.execute(select(responses)).all() == []


def test_a_1_mb_answer_is_refused_before_it_is_read(fresh):
    _, link = opened(fresh)
    text_question = next(q.id for q in resident_questions() if q.type == "text")
    body = json.dumps({"client_id": uuid.uuid4().hex, "answers": {text_question: "x" * 1024**2}})
    started = time.perf_counter()
    refused = client_for(fresh.site).post(f"/api/survey/{link['token']}/responses", content=body,
                                          headers={"Content-Type": "application/json"})
    assert refused.status_code == 413 and time.perf_counter() - started < 1.0
    with fresh.site.read() as c:
        assert c.execute(select(responses)).all() == []


def test_a_flood_from_one_address_is_slowed_then_refused(fresh):
    _, link = opened(fresh)
    phone = client_for(fresh.site)
    phone.app.state.survey_limits = AddressLimits(slow=2, limit=5, delay=1.0)  # well above a loaded machine's request
    timings, statuses = [], []
    for _ in range(7):
        started = time.perf_counter()
        statuses.append(send(phone, link["token"]).status_code)
        timings.append(time.perf_counter() - started)
    assert statuses == [201, 201, 201, 201, 201, 429, 429]
    assert max(timings[:2]) < 1.0 <= min(timings[2:5])  # the 3rd to 5th waited, the first two did not
    assert "太频繁" in send(phone, link["token"]).json()["detail"]


def test_the_cap_the_community_sets_is_kept(fresh):
    staff, _ = opened(fresh)
    link = staff.post(f"/api/units/{fresh.units['A']}/survey", json={"cap": 2}).json()
    phone = client_for(fresh.site)
    assert [send(phone, link["token"]).status_code for _ in range(3)] == [201, 201, 429]
    assert "收满" in send(phone, link["token"]).json()["detail"]


def test_no_address_or_user_agent_is_kept_with_the_answers_or_in_the_exports(fresh):
    staff, link = opened(fresh)
    phone = client_for(fresh.site)
    phone.headers["User-Agent"] = WECHAT_UA
    for n in range(3):
        assert send(phone, link["token"], attributes={"楼栋": "5号楼"}).status_code in (200, 201), n
    address = "testclient"  # the address Starlette's test client connects from
    with fresh.site.read() as c:
        stored = [json.dumps(list(row), ensure_ascii=False) for table in (responses, links, counters)
                  for row in c.execute(select(table)).all()]
        from assess.web.store import audit

        audited = [json.dumps(list(row), ensure_ascii=False) for row in c.execute(select(audit)).all()
                   if row.action != "login"]  # the secretary's own sign-in is audited with its address, rightly
    everything = "\n".join(stored + audited)
    for secret in (address, "MicroMessenger", "Android", "Mozilla"):
        assert secret not in everything
    assert not any("survey.respon" in line for line in audited)  # residents' answers are not audited by person
    exports = b"".join(staff.get(f"/api/units/{fresh.units['A']}/survey/answers.{kind}").content
                       for kind in ("csv", "xlsx", "sav"))
    for secret in (address, "MicroMessenger", "Android"):
        assert secret.encode() not in exports
    with fresh.site.read() as c:
        times = [row.at for row in c.execute(select(responses)).all()]
    assert all(len(t) == len("2026-01-01T10:00Z") for t in times)  # the minute, not the second


def test_the_exports_read_back(fresh, tmp_path):
    import pyreadstat
    from openpyxl import load_workbook

    staff, link = opened(fresh)
    phone = client_for(fresh.site)
    for n in range(3):
        send(phone, link["token"], answers=resident_answers(n), attributes={"楼栋": "=HYPERLINK(1)"})
    unit = fresh.units["A"]
    csv_text = staff.get(f"/api/units/{unit}/survey/answers.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("respondent_id,楼栋,年龄段,q-")
    assert "'=HYPERLINK" in csv_text  # a formula is not run by a spreadsheet
    sheet = load_workbook(io.BytesIO(staff.get(f"/api/units/{unit}/survey/answers.xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "受访者编号" and rows[1][3] == resident_questions()[0].title.zh and len(rows) == 5
    assert rows[2][1] == "=HYPERLINK(1)" and sheet.cell(3, 2).data_type == "s"
    sav = tmp_path / "a.sav"
    sav.write_bytes(staff.get(f"/api/units/{unit}/survey/answers.sav").content)
    frame, meta = pyreadstat.read_sav(str(sav))
    first = resident_questions()[0]
    column = first.id.replace("-", "_")
    assert len(frame) == 3 and list(frame[column]) == [resident_answers(n)[first.id] for n in range(3)]
    assert meta.column_names_to_labels[column] == first.title.zh


def test_the_poster_names_the_community_and_carries_the_link(fresh):
    from pypdf import PdfReader

    staff, link = opened(fresh)
    pdf = staff.get(f"/api/units/{fresh.units['A']}/survey/poster.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")
    assert len(reader.pages) == 1
    assert "甲社区居民问卷" in text and link["url"] in text and "匿名" in text
    svg = staff.get(f"/api/units/{fresh.units['A']}/survey/qr.svg")
    assert svg.status_code == 200 and "<svg" in svg.text and "xmlns" in svg.text
    assert signed_in(fresh.site, "secretary_c").get(f"/api/units/{fresh.units['A']}/survey/poster.pdf"
                                                    ).status_code == 404


def test_the_community_page_shows_the_link_and_the_counts(fresh):
    staff, link = opened(fresh)
    send(client_for(fresh.site), link["token"], attributes={"楼栋": "7号楼"})
    page = staff.get(f"/units/{fresh.units['A']}/survey")
    assert page.status_code == 200 and link["url"] in page.text and "7号楼" in page.text
    closed = staff.post(f"/units/{fresh.units['A']}/survey/close", data={"csrf_token": staff.csrf})
    assert closed.status_code == 303
    assert staff.get(f"/api/units/{fresh.units['A']}/survey").json()["open"] is False
    viewer = signed_in(fresh.site, "viewer_s1")
    assert viewer.get(f"/units/{fresh.units['A']}/survey").status_code == 200
    assert viewer.post(f"/units/{fresh.units['A']}/survey/open", data={"csrf_token": viewer.csrf}).status_code == 403


def test_precision_follows_cochran():
    # Cochran (1977) §4.4: n0 = 1.96² · 0.25 / 0.05² = 384.16 → 385 residents for ±5 points at 95%
    assert sample_needed(None) == 385
    # with N = 1000 households: n = 384.16 / (1 + 383.16 / 1000) = 277.7 → 278
    assert sample_needed(1000) == 278
    assert margin_of_error(385, None) == 5.0
    assert margin_of_error(278, 1000) == 5.0
    assert margin_of_error(0, 1000) is None


def test_a_report_ordered_after_phone_answers_reads_them(fresh):
    from assess.web.jobs import run_queued
    from assess.web.store import jobs

    staff, link = opened(fresh)
    phone = client_for(fresh.site)
    for n in range(7):
        assert send(phone, link["token"], answers=resident_answers(n), attributes={"楼栋": "1号楼"}).status_code == 201
    unit = fresh.units["A"]
    job = staff.post(f"/api/units/{unit}/reports", json={"lang": "zh", "format": "html"}).json()["job"]
    with fresh.site.read() as c:
        params = json.loads(c.execute(select(jobs.c.params).where(jobs.c.id == job)).scalar())
    assert params["residents"].startswith("phone-") and params["group_by"] == ["楼栋", "年龄段"]
    snapshot = fresh.site.uploads / params["residents"]
    assert snapshot.read_text(encoding="utf-8").count("手机-") == 7
    assert run_queued(fresh.site) == 1
    assert staff.get(f"/api/jobs/{job}").json()["state"] == "done"
    html = staff.get(f"/api/jobs/{job}/download").text
    assert "7" in html and "1号楼" in html
    # nothing changed: the same input, done at once; one more phone answer: a new job
    again = staff.post(f"/api/units/{unit}/reports", json={"lang": "zh", "format": "html"}).json()["job"]
    assert staff.get(f"/api/jobs/{again}").json()["state"] == "done"
    send(phone, link["token"])
    changed = staff.post(f"/api/units/{unit}/reports", json={"lang": "zh", "format": "html"}).json()["job"]
    assert staff.get(f"/api/jobs/{changed}").json()["state"] == "queued"


def test_links_use_the_public_address_when_one_is_set(fresh, monkeypatch):
    staff, link = opened(fresh)
    assert "只在本机能打开" in staff.get(f"/units/{fresh.units['A']}/survey").text  # 127.0.0.1: phones cannot
    monkeypatch.setenv("ASSESS_PUBLIC_URL", "https://assess.example.gov.cn/")
    shown = staff.get(f"/api/units/{fresh.units['A']}/survey").json()
    assert shown["url"] == f"https://assess.example.gov.cn/s/{link['token']}"
    assert "只在本机能打开" not in staff.get(f"/units/{fresh.units['A']}/survey").text


def test_a_link_takes_at_most_so_many_answers_a_minute(fresh, monkeypatch):
    monkeypatch.setattr("assess.web.survey.LINK_PER_MINUTE", 3)
    monkeypatch.setattr("assess.web.survey.minute_now", lambda: "2026-05-01T10:00Z")  # all in one minute
    _, link = opened(fresh)
    phone = client_for(fresh.site)
    phone.app.state.survey_limits = AddressLimits(slow=100, limit=100)
    statuses = [send(phone, link["token"]).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]


def test_the_address_is_counted_by_a_keyed_hash_that_changes_with_the_window():
    from assess.web.survey_store import address_key

    one = address_key(b"k" * 32, "203.0.113.7", "2026-05-01T10:1")
    assert one == address_key(b"k" * 32, "203.0.113.7", "2026-05-01T10:1") and "203" not in one
    assert one != address_key(b"k" * 32, "203.0.113.7", "2026-05-01T10:2")  # the next window: unlinkable
    assert one != address_key(b"j" * 32, "203.0.113.7", "2026-05-01T10:1")  # another site's key
