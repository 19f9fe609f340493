"""The site in a real browser: Debian's Chromium driven by Playwright, `assess serve` in a subprocess.

A newcomer's path: the administrator signs in (a wrong password first), creates a community's account;
the secretary fills answers, reloads and finds them kept, uploads a 问卷星 download, sees the scores,
orders the report and downloads a real PDF; the questionnaire on a phone. Screenshots of each main page
(desktop 1280 wide and phone 390×844, Chinese and English) go to $ASSESS_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Skipped on a developer's machine without Chromium; under CI (which installs it) a missing browser fails.
pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (apt-get install chromium)")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")

from tests.web.conftest import wjx_download  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
LIST = "区（县）,街道,社区\n青石区,东关街道,槐荫里社区\n青石区,东关街道,新华社区\n"
SHOTS = os.environ.get("ASSESS_SCREENSHOTS")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`assess serve` on a free port of 127.0.0.1: (base URL, the administrator's one-time password)."""
    root = tmp_path_factory.mktemp("browser")
    (root / "list.csv").write_text(LIST, encoding="utf-8")
    data = root / "data"
    subprocess.run([sys.executable, "-m", "assess", "units", "import", str(root / "list.csv"), "--data", str(data)],
                   check=True, capture_output=True)
    port = free_port()
    log = root / "serve.log"  # a file, not a pipe: a full pipe would stall the server
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "assess", "serve", "--data", str(data), "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        wait_for_port(port, deadline)
        match = re.search(r"one-time password: (\S+)", log.read_text())
        yield f"http://127.0.0.1:{port}", match.group(1) if match else None
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the server and the report workers it started
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
        print(log.read_text())


def wait_for_port(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("assess serve did not start")


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def sign_in(page, base: str, name: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def replace_password(page, old: str, new: str) -> None:
    """The first sign-in with a one-time password lands on the page that replaces it."""
    assert page.url.endswith("/account/password"), page.url
    assert "首次登录" in page.inner_text("main")
    page.fill("input[name=old]", old)
    page.fill("input[name=new]", new)
    page.fill("input[name=again]", new)
    page.click("form[action='/account/password'] button")
    assert "密码已修改" in page.inner_text("main")


@pytest.fixture(scope="module")
def secretary(server, browser):
    """The administrator, in the browser alone, creates the secretary's account: (name, password)."""
    base, admin_password = server
    assert admin_password, "assess serve printed no one-time password"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    shot(page, "desktop-zh-login") if page.goto(f"{base}/login") else None
    sign_in(page, base, "admin", "wrong-password")
    assert "用户名或密码不正确" in page.inner_text("main")
    sign_in(page, base, "admin", admin_password)
    replace_password(page, admin_password, "admin-own-password")
    page.goto(f"{base}/admin/users")
    page.fill("input[name=name]", "书记")
    page.select_option("select[name=role]", "community-secretary")
    page.select_option("select[name=unit]", label="青石区/东关街道/槐荫里社区")
    page.click("form[action='/admin/users'] button")
    one_time = page.inner_text("#new-password")
    shot(page, "desktop-zh-accounts")
    context.close()
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, "书记", one_time)
    replace_password(page, one_time, "secretary-own-password")
    context.close()
    return "书记", "secretary-own-password"


def test_a_community_fills_uploads_scores_and_downloads_its_report(server, browser, secretary, tmp_path):
    base, _ = server
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, base, *secretary)
    shot(page, "desktop-zh-home")
    page.click("text=槐荫里社区")
    page.click("nav.tabs >> text=问卷")
    coverage = page.inner_text("#coverage")
    page.fill("#q-q-grid-party-coverage input[name=value]", "90%")
    page.press("#q-q-grid-party-coverage input[name=value]", "Tab")
    page.wait_for_selector("#status-q-grid-party-coverage .saved")
    page.check("#q-q-major-matters-first input[value=是]")
    page.wait_for_selector("#status-q-major-matters-first .saved")
    assert page.inner_text("#coverage") != coverage
    page.fill("#q-q-training-hours input[name=value]", "很多")
    page.press("#q-q-training-hours input[name=value]", "Tab")
    error = page.wait_for_selector("#status-q-training-hours .error").inner_text()
    assert "请输入数字" in error and "如 12、十二、12学时" in error  # what may be typed instead
    shot(page, "desktop-zh-questionnaire")
    page.reload()
    assert page.input_value("#q-q-grid-party-coverage input[name=value]") == "90"
    assert page.is_checked("#q-q-major-matters-first input[value=是]")

    page.click("nav.tabs >> text=居民问卷数据")
    download = wjx_download(tmp_path / "问卷星下载.xlsx")
    page.set_input_files("input[name=file]", str(download))
    page.click("form[hx-post] button")
    result = page.wait_for_selector("#upload-result section").inner_text()
    assert re.search(r"\d{3} 份居民答卷", result), result
    shot(page, "desktop-zh-residents")
    page.click("nav.tabs >> text=得分")
    assert re.search(r"总分\s*\d+\.\d", page.inner_text(".overall"))
    assert page.locator(".radar svg").count() == 1
    shot(page, "desktop-zh-scores")

    page.click("nav.tabs >> text=报告")
    page.click("form[action$='/reports'] button")
    page.wait_for_selector("#download", timeout=90_000)
    shot(page, "desktop-zh-report")
    with page.expect_download() as waiting:
        page.click("#download")
    pdf = Path(waiting.value.path()).read_bytes()
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 3 and "槐荫里社区" in reader.pages[0].extract_text()

    page.goto(f"{base}/lang/en")
    for path, name in (("questionnaire/1", "questionnaire"), ("residents", "residents"), ("scores", "scores")):
        page.goto(f"{base}/units/{unit_id(page, base)}/{path}")
        shot(page, f"desktop-en-{name}")
    assert "Scores" in page.inner_text("nav.tabs")
    context.close()


def unit_id(page, base: str) -> int:
    return next(u["id"] for u in page.request.get(f"{base}/api/units").json() if u["name"] == "槐荫里社区")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_questionnaire_on_a_phone(server, browser, secretary, lang):
    base, _ = server
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    sign_in(page, base, *secretary)
    if lang == "en":
        page.goto(f"{base}/lang/en")
    shot(page, f"phone-{lang}-home")
    unit = unit_id(page, base)
    page.goto(f"{base}/units/{unit}/questionnaire/2")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.tap(f"#q-q-consultation-rules label.choice >> nth={0 if lang == 'zh' else 1}")  # a change each time
    page.wait_for_selector("#status-q-consultation-rules .saved")
    shot(page, f"phone-{lang}-questionnaire")
    page.goto(f"{base}/units/{unit}/scores")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, f"phone-{lang}-scores")
    context.close()


def test_an_answer_given_offline_is_kept_and_saved_when_the_network_returns(server, browser, secretary):
    base, _ = server
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, *secretary)
    unit = unit_id(page, base)
    page.goto(f"{base}/units/{unit}/questionnaire/4")
    context.set_offline(True)
    page.fill("#q-q-response-hours input[name=value]", "36")
    page.press("#q-q-response-hours input[name=value]", "Tab")
    page.wait_for_selector("#status-q-response-hours.offline")
    assert "未联网" in page.inner_text("#status-q-response-hours")
    context.set_offline(False)
    page.wait_for_selector("#status-q-response-hours .saved")
    answers = page.request.get(f"{base}/api/units/{unit}/answers").json()["answers"]
    assert answers["q-response-hours"] == 36
    context.close()


def test_another_community_is_not_shown(server, browser, secretary):
    base, _ = server
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, *secretary)
    other = [u for u in page.request.get(f"{base}/api/units").json() if u["name"] == "新华社区"]
    assert other == []
    response = page.goto(f"{base}/units/{unit_id(page, base) + 1}")
    assert response.status == 404
    context.close()
