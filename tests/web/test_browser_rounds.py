"""A sub-district's round in a real browser (Debian's Chromium through Playwright, `assess serve` in a
subprocess): the official opens a round for the sub-district's 12 communities, watches the board fill as
answers arrive through the API, closes the round, and downloads the district report (a real PDF, read
back); another sub-district's official is refused the round. Screenshots go to $ASSESS_SCREENSHOTS."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.web.test_browser import CHROMIUM, FLAGS, free_port, shot, sign_in, wait_for_port
from tests.web.test_rounds import EXAMPLES, committee_answers

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (apt-get install chromium)")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")
httpx = pytest.importorskip("httpx2")

PASSWORD = "round-browser-password"
COMMUNITIES = [f"东关{n:02d}社区" for n in range(1, 13)]
PEOPLE = [("dongguan", "subdistrict-manager", "青石区/东关街道"), ("xicheng", "subdistrict-manager", "青石区/西城街道"),
          ("script", "admin", None)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("rounds-browser")
    rows = [f"青石区,东关街道,{name}" for name in COMMUNITIES] + ["青石区,西城街道,西城一社区"]
    (root / "list.csv").write_text("区（县）,街道,社区\n" + "\n".join(rows) + "\n", encoding="utf-8")
    (root / "pw").write_text(PASSWORD)
    data = root / "data"
    assess = [sys.executable, "-m", "assess"]
    subprocess.run([*assess, "units", "import", str(root / "list.csv"), "--data", str(data)], check=True,
                   capture_output=True)
    for name, role, unit in PEOPLE:
        subprocess.run([*assess, "users", "add", name, "--role", role, *(["--unit", unit] if unit else []),
                        "--password-file", str(root / "pw"), "--data", str(data)], check=True, capture_output=True)
    port = free_port()
    log = root / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen([*assess, "serve", "--data", str(data), "--port", str(port)], stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_port(port, time.monotonic() + 60)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
        print(log.read_text())


def api_client(base: str, name: str):
    client = httpx.Client(base_url=base, timeout=60)
    reply = client.post("/api/login", json={"username": name, "password": PASSWORD})
    assert reply.status_code == 200, reply.text
    client.headers["X-CSRF-Token"] = reply.json()["csrf_token"]
    return client


def answer_all(client, unit: int, example: str) -> None:
    for qid, value in committee_answers(example).items():
        client.put(f"/api/units/{unit}/answers/{qid}", json={"value": value})


@pytest.mark.timeout(900)
def test_a_sub_district_runs_a_round_in_the_browser(server, tmp_path):
    from pypdf import PdfReader

    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
        sign_in(page, server, "dongguan", PASSWORD)
        page.click("a[href='/rounds']")
        page.fill("input[name=label]", "2026年上半年")
        page.fill("input[name=residents_needed]", "0")
        page.check("#open-round label:has-text('东关街道') input")
        assert page.locator("#open-round label:has-text('西城街道')").count() == 0  # not theirs to choose
        shot(page, "desktop-zh-round-open")
        page.click("#open-round button")
        page.wait_for_url("**/rounds/*")
        round_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
        rows = page.locator("table.board tbody tr")
        assert rows.count() == 12
        assert "西城一社区" not in page.inner_text("main")

        script = api_client(server, "script")
        units = {c["name"]: c["unit"] for c in script.get(f"/api/rounds/{round_id}/progress").json()["communities"]}
        assert sorted(units) == COMMUNITIES
        examples = list(EXAMPLES.values())
        for n, name in enumerate(COMMUNITIES):
            answer_all(script, units[name], examples[n % len(examples)])
            if n in (0, 5, 11):  # the board, refreshed every 3 s, shows what has arrived
                page.wait_for_function(
                    "want => [...document.querySelectorAll('table.board tbody tr')]"
                    ".filter(r => Number(r.dataset.answered) > 0).length >= want", arg=n + 1, timeout=30_000)
        shot(page, "desktop-zh-round-board")
        script.close()

        page.click("#close-round button")
        page.wait_for_selector("#round-reports")
        page.click("#order-district-pdf")
        page.wait_for_selector("#download", timeout=600_000)
        shot(page, "desktop-zh-round-report-job")
        with page.expect_download() as download:
            page.click("#download")
        pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
        text = "".join(p.extract_text() for p in pdf.pages)
        assert len(pdf.pages) > 1 and "东关01社区" in text

        page.goto(f"{server}/rounds/{round_id}")
        page.wait_for_selector("#league")
        assert page.locator("#league tbody tr").count() == 12
        shot(page, "desktop-zh-round-league")

        page.click("#order-district-pdf")  # ordered again, then cancelled from its page
        page.wait_for_selector("#cancel-job")
        page.click("#cancel-job")
        page.wait_for_function("() => ['cancelled'].includes(document.querySelector('#job-progress')?.dataset.state)",
                               timeout=300_000)
        assert "已取消" in page.inner_text("#job-progress") and page.locator("#download").count() == 0

        first = units["东关01社区"]
        page.goto(f"{server}/units/{first}")
        page.click(f"a[href='/units/{first}/history']")
        page.wait_for_selector("#history")
        assert page.locator("#history tbody tr[data-state=scored]").count() == 1
        assert "2026年上半年" in page.inner_text("#history") and page.locator(".history-chart svg").count() == 1
        shot(page, "desktop-zh-community-history")
        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
        sign_in(phone, server, "dongguan", PASSWORD)
        phone.goto(f"{server}/units/{first}/history")
        shot(phone, "phone-zh-community-history")

        other = browser.new_context().new_page()
        sign_in(other, server, "xicheng", PASSWORD)
        reply = other.goto(f"{server}/rounds/{round_id}")
        assert reply.status == 404
        assert other.goto(f"{server}/rounds/{round_id}/reminders").status == 404
        other.goto(f"{server}/rounds")
        assert "2026年上半年" not in other.inner_text("main")
        browser.close()
