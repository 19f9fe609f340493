"""The community's work over HTTP: answers saved as `fill` reads them, locking, the answer file both ways,
residents' files, scores identical to the CLI's, and report jobs."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from assess.cli import main
from assess.web.jobs import run_queued
from tests.web.conftest import REPO, build_world, signed_in, wjx_download


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return build_world(tmp_path_factory.mktemp("workflow") / "data")


@pytest.fixture(scope="module")
def secretary(world):
    return signed_in(world.site, "secretary_a")


def put(client, unit, qid, value):
    return client.put(f"/api/units/{unit}/answers/{qid}", json={"value": value})


@pytest.mark.parametrize(("qid", "typed", "stored"), [
    ("q-major-matters-first", "是的", True),  # as the terminal reads 是的
    ("q-major-matters-first", "没有", False),
    ("q-grid-party-coverage", "90%", 90),
    ("q-grid-party-coverage", "９０％", 90),
    ("q-org-tiers", "只有社区一级党组织", "community-only"),  # an option by its text
    ("q-channels-exist", "1，3", None),  # option numbers, as at the terminal
    ("q-training-hours", 12, 12),
])
def test_an_answer_is_read_as_fill_reads_it(world, secretary, qid, typed, stored):
    response = put(secretary, world.units["A"], qid, typed)
    assert response.status_code == 200, response.text
    value = response.json()["value"]
    if stored is None:
        assert isinstance(value, list) and len(value) == 2
    elif qid == "q-org-tiers":
        assert isinstance(value, str) and value not in ("", typed)
    else:
        assert value == stored
    got = secretary.get(f"/api/units/{world.units['A']}/answers/{qid}").json()
    assert got == {"question_id": qid, "value": value}


def test_a_bad_answer_is_a_422_saying_what_is_allowed(world, secretary):
    response = put(secretary, world.units["A"], "q-grid-party-coverage", "很多")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "请输入数字（0–100）" in detail and "百分之九十" in detail and "enter a number (0–100)" in detail
    fraction = put(secretary, world.units["A"], "q-grid-party-coverage", "0.9")
    assert fraction.status_code == 200 and fraction.json()["value"] == 90  # read as fill reads it: 0.9 → 90 %
    page = secretary.put(f"/units/{world.units['A']}/answers/q-grid-party-coverage", data={"value": "很多"},
                         headers={"HX-Request": "true"})
    assert page.status_code == 422 and 'role="alert"' in page.text


def test_the_page_saves_and_updates_the_coverage(world, secretary):
    unit = world.units["A"]
    before = secretary.get(f"/units/{unit}").text
    response = secretary.put(f"/units/{unit}/answers/q-volunteer-share", data={"value": "35%"},
                             headers={"HX-Request": "true"})
    assert response.status_code == 200 and "已保存" in response.text and 'hx-swap-oob="true"' in response.text
    assert before != secretary.get(f"/units/{unit}").text
    assert secretary.get(f"/api/units/{unit}/answers").json()["answers"]["q-volunteer-share"] == 35


def test_every_change_is_in_the_audit_log(world, secretary):
    put(secretary, world.units["A"], "q-training-hours", 20)
    root = signed_in(world.site, "root")
    log = root.get("/admin/audit.csv").text
    assert '""old"": 12' in log and '""new"": 20' in log and "secretary_a" in log  # CSV doubles quotes


def test_submit_locks_and_a_manager_unlocks(world):
    unit = world.units["B"]
    staff = signed_in(world.site, "root")
    assert put(staff, unit, "q-training-hours", 8).status_code == 200
    assert staff.post(f"/units/{unit}/submit").status_code == 303
    locked = put(staff, unit, "q-training-hours", 9)
    assert locked.status_code == 422 and "锁定" in locked.json()["detail"]
    manager = signed_in(world.site, "manager_s1")
    assert manager.post(f"/units/{unit}/submit").status_code == 403
    assert manager.post(f"/units/{unit}/unlock", data={"reason": "数据填错"}).status_code == 303
    assert put(staff, unit, "q-training-hours", 9).status_code == 200


def test_the_answer_file_goes_out_and_comes_back(world, secretary, tmp_path):
    unit = world.units["A"]
    exported = secretary.get(f"/units/{unit}/answers.yaml")
    assert exported.status_code == 200
    path = tmp_path / "answers.yaml"
    path.write_bytes(exported.content)
    cli = CliRunner().invoke(main, ["score", str(path), "--format", "json"])
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout) == secretary.get(f"/api/units/{unit}/scores").json()
    example = (REPO / "examples" / "old-community" / "answers.yaml").read_bytes()
    other = signed_in(world.site, "secretary_c")
    imported = other.post(f"/units/{world.units['C']}/answers.yaml", files={"file": ("answers.yaml", example)})
    assert imported.status_code == 303
    given = other.get(f"/api/units/{world.units['C']}/answers").json()["answers"]
    assert given["q-grid-party-coverage"] is not None and len(given) > 30
    broken = other.post(f"/units/{world.units['C']}/answers.yaml",
                        files={"file": ("我的答卷.yaml", b"answers:\n  q-grid-party-coverage: lots\n")})
    assert broken.status_code == 422 and "我的答卷.yaml" in broken.text and "/tmp" not in broken.text


def test_a_wjx_download_gives_the_scores_the_cli_gives(world, tmp_path):
    client = signed_in(world.site, "secretary_c")
    unit = world.units["C"]
    download = wjx_download(tmp_path / "问卷星下载.xlsx")
    sent = client.post(f"/api/units/{unit}/residents", files={"file": (download.name, download.read_bytes())})
    assert sent.status_code == 200, sent.text
    body = sent.json()
    assert body["problems"] == [] and body["respondents"] > 100
    assert not any("维度" in note for note in body["notes"])  # coverage warnings belong to the scores page
    root, empty = signed_in(world.site, "root"), b"respondent_id,q-know-party-group\n"
    header_only = root.post(f"/api/units/{world.units['B']}/residents", files={"file": ("空表.csv", empty)})
    assert any("空表.csv" in note and "只有表头" in note for note in header_only.json()["notes"]), header_only.json()
    answers = tmp_path / "answers.yaml"
    answers.write_bytes(client.get(f"/units/{unit}/answers.yaml").content)
    cli = CliRunner().invoke(main, ["score", str(answers), "--respondents", str(download), "--format", "json"])
    assert cli.exit_code == 0, cli.output
    web = client.get(f"/api/units/{unit}/scores").json()
    assert web["respondents"] == body["respondents"]
    assert web["overall"] == json.loads(cli.stdout)["overall"]
    assert web["dimensions"] == json.loads(cli.stdout)["dimensions"]


def test_a_bad_residents_file_lists_its_problems_as_the_cli_words_them(world, tmp_path):
    client = signed_in(world.site, "secretary_c")
    bad = b"respondent_id,q-know-party-group\nr1,9\nr2,4\nr3,many\n"
    sent = client.post(f"/api/units/{world.units['C']}/residents", files={"file": ("居民.csv", bad)})
    body = sent.json()
    assert sent.status_code == 200 and body["respondents"] == 0
    assert len(body["problems"]) >= 2 and all(p.startswith("居民.csv") for p in body["problems"][:2])
    (tmp_path / "居民.csv").write_bytes(bad)
    answers = tmp_path / "answers.yaml"
    answers.write_bytes(client.get(f"/units/{world.units['C']}/answers.yaml").content)
    cli = CliRunner().invoke(main, ["score", str(answers), "--respondents", str(tmp_path / "居民.csv")])
    shown = [line.replace(str(tmp_path / "居民.csv"), "居民.csv") for line in cli.output.splitlines()]
    assert all(any(problem in line for line in shown) for problem in body["problems"])
    page = client.get(f"/units/{world.units['C']}/residents").text
    assert "有问题，未使用" in page and "用于计分" in page  # the WJX file before stays in use


def test_a_report_job_gives_a_real_pdf_and_an_unchanged_input_is_not_rendered_again(world):
    client = signed_in(world.site, "secretary_c")
    unit = world.units["C"]
    job = client.post(f"/api/units/{unit}/reports", json={"lang": "zh", "format": "pdf"}).json()["job"]
    assert client.get(f"/api/jobs/{job}").json()["state"] == "queued"
    assert client.get(f"/api/jobs/{job}/download").status_code == 409
    assert run_queued(world.site) == 1
    state = client.get(f"/api/jobs/{job}").json()
    assert state["state"] == "done" and state["progress"] == 1.0 and state["download"]
    pdf = client.get(state["download"])
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "丙社区" in text
    again = client.post(f"/api/units/{unit}/reports", json={"lang": "zh", "format": "pdf"}).json()["job"]
    assert client.get(f"/api/jobs/{again}").json()["state"] == "done"
    assert run_queued(world.site) == 0
    assert client.get(f"/api/jobs/{again}/download").content == pdf.content
    assert put(client, unit, "q-training-hours", 30).status_code == 200
    changed = client.post(f"/api/units/{unit}/reports", json={"lang": "zh", "format": "html"}).json()["job"]
    assert client.get(f"/api/jobs/{changed}").json()["state"] == "queued"
    bad = client.post(f"/api/units/{unit}/reports", json={"lang": "fr", "format": "pdf"})
    assert bad.status_code == 422


def test_progress_streams_as_server_sent_events(world):
    client = signed_in(world.site, "secretary_c")
    assert run_queued(world.site) == 1  # the HTML report ordered last in the test before
    job = client.post(f"/api/units/{world.units['C']}/reports", json={"lang": "zh", "format": "html"}).json()["job"]
    with client.stream("GET", f"/api/jobs/{job}/events") as stream:
        first = next(stream.iter_lines())
    assert first.startswith("data: ") and json.loads(first[6:])["state"] == "done"
    assert 'hx-trigger="every 2s"' not in client.get(f"/jobs/{job}/progress").text  # finished: polling stops


def test_the_chinese_scores_page_shows_no_pack_id(world, secretary):
    from assess.packs import load_pack

    pack = load_pack("core").pack
    page = secretary.get(f"/units/{world.units['A']}/scores").text
    warnings = page.split('class="notes"', 1)[1]
    required = [q.title.zh for _, _, q in pack.questions() if q.required]
    assert any(f"必答题“{title}”未作答" in warnings for title in required)  # named by its title
    ids = [q.id for _, _, q in pack.questions()] + [d.id for d in pack.dimensions]
    assert [i for i in ids if f"{i}（" in warnings or f" {i} " in warnings] == []
