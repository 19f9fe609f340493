"""The residents' survey on phones: Debian's Chromium through Playwright, phone viewports with touch and
WeChat's user agent, `assess serve` in a subprocess. Scan → answer → submit; a reload keeps the draft; an
answer sent while offline goes once the network is back, and a reply lost on the way does not count it
twice; a closed link says so. Every screen kind passes axe-core (no serious or critical violations), also
with the largest text. Screenshots go to $ASSESS_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.web.test_browser import CHROMIUM, FLAGS, free_port, wait_for_port

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (apt-get install chromium)")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")
httpx = pytest.importorskip("httpx2")

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SHOTS = os.environ.get("ASSESS_SCREENSHOTS")
LIST = "区（县）,街道,社区\n青石区,东关街道,槐荫里社区\n青石区,东关街道,新华社区\n"
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like "
             "Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 "
             "MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN")
PASSWORD = "phones-test-password"
PHONES = {"small": {"width": 360, "height": 640}, "large": {"width": 390, "height": 844}}


class Staff:
    """The district's manager over the JSON API: opens, closes and counts a community's survey."""

    def __init__(self, base: str):
        self.http = httpx.Client(base_url=base, headers={"Origin": base})
        token = self.http.post("/api/login", json={"username": "区管理", "password": PASSWORD}).json()["csrf_token"]
        self.http.headers["X-CSRF-Token"] = token
        self.unit = next(u["id"] for u in self.http.get("/api/units").json() if u["name"] == "槐荫里社区")

    def post(self, path: str) -> dict:
        response = self.http.post(f"/api/units/{self.unit}/survey{path}")
        assert response.status_code == 200, response.text
        return response.json()

    def received(self) -> int:
        return self.http.get(f"/api/units/{self.unit}/survey").json()["responses"]

    def status(self) -> dict:
        return self.http.get(f"/api/units/{self.unit}/survey").json()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("phones")
    (root / "list.csv").write_text(LIST, encoding="utf-8")
    data = root / "data"
    (root / "pw").write_text(PASSWORD, encoding="utf-8")
    assess = [sys.executable, "-m", "assess"]
    subprocess.run([*assess, "units", "import", str(root / "list.csv"), "--data", str(data)], check=True,
                   capture_output=True)
    subprocess.run([*assess, "users", "add", "区管理", "--role", "district-manager", "--unit", "青石区",
                    "--password-file", str(root / "pw"), "--data", str(data)], check=True, capture_output=True)
    port = free_port()
    log = root / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "assess", "serve", "--data", str(data), "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_port(port, time.monotonic() + 60)
        base = f"http://127.0.0.1:{port}"
        staff = Staff(base)
        yield base, staff
        staff.http.close()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


def phone(browser, size: str = "small"):
    return browser.new_context(viewport=PHONES[size], is_mobile=True, has_touch=True, device_scale_factor=2,
                               user_agent=WECHAT_UA, locale="zh-CN")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=False)


def accessible(page, where: str) -> None:
    """axe-core's serious and critical violations on the page as it stands: none."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate("axe.run(document).then(r => r.violations.map(v => "
                               "({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))})))")
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{where}: {serious}"


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "sideways scrolling"


def answer_screen(page, n: int) -> None:
    """Answer the question on screen: the (n mod options)-th option, or a few words typed."""
    options = page.locator("label.option")
    if options.count():
        options.nth(n % options.count()).tap()
    else:
        page.locator("#screen textarea, #screen input[type=text]").fill("希望多办些老年人活动")


def next_screen(page) -> None:
    page.locator(".nav button.main").tap()


def start(page, building: str = "3号楼") -> None:
    page.get_by_role("button", name="开始作答").tap()
    page.get_by_label("楼栋（如 3 号楼，可不填）").fill(building)
    page.get_by_text("60–69岁").tap()
    next_screen(page)


def questions_on(page) -> int:
    return int(re.search(r"共 (\d+) 题", page.inner_text(".progress")).group(1))


def test_scan_answer_submit_on_a_small_phone_in_wechat(site, browser):
    base, staff = site
    link = staff.post("")
    before = staff.received()
    context = phone(browser, "small")
    page = context.new_page()
    page.goto(link["url"])
    assert "匿名" not in page.title() and "不问姓名、电话、微信号" in page.inner_text("main")
    accessible(page, "welcome")
    fits(page)
    shot(page, "phone-zh-survey-welcome")
    page.get_by_role("button", name="开始作答").tap()
    accessible(page, "about you")
    shot(page, "phone-zh-survey-about-you")
    page.get_by_label("楼栋（如 3 号楼，可不填）").fill("3号楼")
    page.get_by_text("60–69岁").tap()
    next_screen(page)
    total = questions_on(page)
    for n in range(total):
        assert f"第 {n + 1} 题，共 {total} 题" in page.inner_text(".progress")
        answer_screen(page, n)
        if n == 0:
            accessible(page, "a question")
            shot(page, "phone-zh-survey-question")
            page.get_by_role("button", name="特大字", exact=True).tap()
            accessible(page, "a question, largest text")
            fits(page)
            shot(page, "phone-zh-survey-question-large-text")
            page.get_by_role("button", name="标准字", exact=True).tap()
            # the phone's own text size at 200% (as Android's or WeChat's setting scales text): still one column
            zoom = page.add_style_tag(content="html { font-size: 225% !important; }")
            fits(page)
            assert page.locator(".nav button.main").is_visible()
            shot(page, "phone-zh-survey-question-phone-text-200")
            zoom.evaluate("node => node.remove()")
        next_screen(page)
    assert f"您已回答 {total} 题" in page.inner_text("main")
    accessible(page, "review")
    page.get_by_role("button", name="提交答卷").tap()
    page.get_by_text("提交成功，谢谢您的参与！").wait_for()
    accessible(page, "thanks")
    shot(page, "phone-zh-survey-thanks")
    assert staff.received() == before + 1
    assert staff.status()["by_attribute"]["楼栋"].get("3号楼", 0) >= 1
    page.reload()  # the phone remembers it has sent: no second submission
    page.get_by_text("提交成功，谢谢您的参与！").wait_for()
    assert staff.received() == before + 1
    page.get_by_role("button", name="再填一份").tap()
    assert "这部手机已经提交过一份答卷" in page.inner_text("main")  # the soft guard, said as such
    context.close()


def test_a_reload_mid_way_keeps_the_draft(site, browser):
    _, staff = site
    link = staff.post("")
    context = phone(browser, "large")
    page = context.new_page()
    page.goto(link["url"])
    start(page, "8号楼")
    for n in range(3):
        answer_screen(page, n + 1)
        next_screen(page)
    page.reload()  # back on the screen it was on
    assert "第 4 题" in page.inner_text(".progress")
    page.locator(".nav button.back").tap()
    assert page.locator("label.option input:checked").count() == 1  # the third answer, as given
    assert page.locator("label.option").nth(3).locator("input").is_checked()
    page.close()  # the tab closed, opened again from the code: the same screen
    page = context.new_page()
    page.goto(link["url"])
    assert "第 3 题" in page.inner_text(".progress")
    context.close()
    page = phone(browser, "large").new_page()  # another phone starts afresh
    page.goto(link["url"])
    assert page.get_by_role("button", name="开始作答").count() == 1
    page.context.close()


def finish(page) -> None:
    while page.locator(".progress").count():
        answer_screen(page, 2)
        next_screen(page)


def test_offline_then_online_submits_once_and_a_lost_reply_is_not_counted_twice(site, browser):
    _, staff = site
    link = staff.post("")
    before = staff.received()
    context = phone(browser, "small")
    page = context.new_page()
    page.goto(link["url"])
    start(page)
    finish(page)
    context.set_offline(True)
    page.get_by_role("button", name="提交答卷").tap()
    page.get_by_text("现在没有网络，答卷已保存在手机上").wait_for()
    accessible(page, "waiting offline")
    shot(page, "phone-zh-survey-offline")
    assert staff.received() == before
    context.set_offline(False)
    page.get_by_text("提交成功，谢谢您的参与！").wait_for(timeout=15000)
    assert staff.received() == before + 1

    # the server stores the answers but the reply never reaches the phone: it sends again, counted once
    page.get_by_role("button", name="再填一份").tap()
    lost = []

    def drop_reply(route):
        if not lost:
            lost.append(route.fetch().status)  # reaches the server …
            route.abort()  # … and the phone hears nothing
        else:
            route.continue_()

    page.route("**/api/survey/*/responses", drop_reply)
    start(page)
    finish(page)
    page.get_by_role("button", name="提交答卷").tap()
    page.get_by_text("现在没有网络").wait_for()
    assert lost == [201] and staff.received() == before + 2
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.get_by_text("提交成功，谢谢您的参与！").wait_for(timeout=15000)
    assert staff.received() == before + 2
    context.close()


def test_a_closed_link_says_so_politely(site, browser):
    _, staff = site
    link = staff.post("")
    context = phone(browser, "large")
    page = context.new_page()
    page.goto(link["url"])
    start(page)
    finish(page)
    staff.post("/close")
    before = staff.received()
    page.get_by_role("button", name="提交答卷").tap()  # a draft finished after the link was closed
    page.get_by_text("本次问卷已结束，感谢您的关注。").wait_for()
    response = page.goto(link["url"])
    assert response.status == 410 and "本次问卷已结束" in page.inner_text("main")
    accessible(page, "closed")
    shot(page, "phone-zh-survey-closed")
    assert staff.received() == before
    staff.post("")  # reopened for the other tests
    context.close()


def test_the_community_page_shows_the_code(site, browser):
    base, staff = site
    staff.post("")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": k, "value": v, "url": base} for k, v in staff.http.cookies.items()])
    page = context.new_page()
    page.goto(f"{base}/units/{staff.unit}/survey")
    assert page.locator("img.qr").evaluate("img => img.complete && img.naturalWidth > 0")
    assert "份手机答卷" in page.inner_text("main")
    shot(page, "desktop-zh-survey-manage")
    context.close()
