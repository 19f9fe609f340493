"""Sessions, CSRF, throttled logins, upload bounds and hostile names, over HTTP."""

from __future__ import annotations

import re

import pytest

from assess.web.accounts import MAX_ACCOUNT_FAILURES, add_user
from assess.web.app import COOKIE
from assess.web.units import ensure_path
from tests.web.conftest import PASSWORD, TREE, build_world, client_for, signed_in


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return build_world(tmp_path_factory.mktemp("security") / "data")


def test_the_session_cookie_is_httponly_and_samesite(world):
    response = client_for(world.site).post("/api/login", json={"username": "staff_a", "password": PASSWORD})
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http on 127.0.0.1; behind https the cookie is Secure


def test_a_wrong_password_is_refused_and_audited(world):
    client = client_for(world.site)
    refused = client.post("/login", data={"username": "staff_a", "password": "wrong-password"})
    assert refused.status_code == 401 and "用户名或密码不正确" in refused.text
    assert COOKIE not in refused.cookies
    root = signed_in(world.site, "root")
    assert "login.failed" in root.get("/admin/audit").text


def test_login_gives_a_new_session_and_ends_the_one_before(world):
    client = signed_in(world.site, "staff_a")
    first = client.cookies[COOKIE]
    again = client.post("/api/login", json={"username": "staff_a", "password": PASSWORD})
    second = again.cookies[COOKIE]
    assert second != first
    stale = client_for(world.site)
    stale.cookies.set(COOKIE, first)
    assert stale.get("/api/units").status_code == 401


def test_logout_revokes_the_session_on_the_server(world):
    client = signed_in(world.site, "staff_a")
    token = client.cookies[COOKIE]
    assert client.post("/api/logout").status_code == 200
    replay = client_for(world.site)
    replay.cookies.set(COOKIE, token)
    assert replay.get("/api/units").status_code == 401
    assert replay.get("/", follow_redirects=False).headers["location"] == "/login"


def test_an_unsafe_request_needs_the_session_token(world):
    client = signed_in(world.site, "staff_a")
    url = f"/api/units/{world.units['A']}/answers/q-grid-party-coverage"
    token, client.csrf = client.csrf, ""
    assert client.put(url, json={"value": 50}).status_code == 403
    assert client.put(url, json={"value": 50}, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert client.put(url, json={"value": 50}, headers={"X-CSRF-Token": token}).status_code == 200
    other = signed_in(world.site, "secretary_a")  # a token belongs to its session, not to the site
    assert client.put(url, json={"value": 50}, headers={"X-CSRF-Token": other.csrf}).status_code == 403


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {"Origin": "http://evil.example"},
    {"Origin": "null"},
])
def test_a_cross_site_post_is_refused_even_with_the_token(world, headers):
    client = signed_in(world.site, "staff_a")
    url = f"/api/units/{world.units['A']}/answers/q-grid-party-coverage"
    response = client.put(url, json={"value": 50}, headers=headers)
    assert response.status_code == 403 and "跨站" in response.json()["detail"]
    login = client_for(world.site).post("/login", data={"username": "staff_a", "password": PASSWORD},
                                        headers=headers)
    assert login.status_code == 403


def test_same_origin_headers_pass(world):
    client = signed_in(world.site, "staff_a")
    url = f"/api/units/{world.units['A']}/answers/q-grid-party-coverage"
    response = client.put(url, json={"value": 40}, headers={"Sec-Fetch-Site": "same-origin",
                                                            "Origin": "http://127.0.0.1"})
    assert response.status_code == 200


def test_ten_wrong_passwords_lock_the_account_for_a_while(tmp_path):
    world = build_world(tmp_path / "data")
    client = client_for(world.site)
    for _ in range(MAX_ACCOUNT_FAILURES):
        assert client.post("/api/login", json={"username": "staff_a", "password": "nope-nope"}).status_code == 401
    locked = client.post("/api/login", json={"username": "staff_a", "password": PASSWORD})
    assert locked.status_code == 429 and "15 分钟" in locked.json()["detail"]
    assert client.post("/api/login", json={"username": "secretary_a", "password": PASSWORD}).status_code == 200


def test_revoking_a_person_ends_their_sessions(world):
    from assess.web.accounts import revoke_user

    with world.site.write() as c:
        ensure_path(c, ["示例区", "一街道", "丁社区"], TREE)
        add_user(c, "leaver", PASSWORD, "community-staff", world.units["A"], None)
    client = signed_in(world.site, "leaver")
    with world.site.write() as c:
        revoke_user(c, "leaver", "root")
    assert client.get("/api/units").status_code == 401
    assert client_for(world.site).post("/api/login", json={"username": "leaver",
                                                           "password": PASSWORD}).status_code == 401


def test_an_upload_over_the_bound_is_refused_with_a_message(world, monkeypatch):
    client = signed_in(world.site, "staff_a")
    monkeypatch.setattr(world.site, "max_upload", 1000)
    url = f"/api/units/{world.units['A']}/residents"
    big = b"respondent_id,q-know-party-group\n" + b"r,4\n" * 400
    response = client.post(url, files={"file": ("big.csv", big)})
    assert response.status_code == 413 and "文件太大" in response.json()["detail"]
    assert list(world.site.uploads.rglob("big.csv")) == []
    page = client.post(f"/units/{world.units['A']}/residents", files={"file": ("big.csv", big)},
                       headers={"HX-Request": "true"})
    assert page.status_code == 413 and "文件太大" in page.text


def test_a_body_past_the_request_bound_is_refused_before_it_is_read(world):
    client = signed_in(world.site, "staff_a")
    url = f"/api/units/{world.units['A']}/answers/q-grid-party-coverage"
    response = client.put(url, content=b"{" + b" " * (2 * 1024**2) + b"}",
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 413


HOSTILE = '<script>alert("x")</script>'


def test_hostile_names_are_shown_as_text(world):
    with world.site.write() as c:
        unit = ensure_path(c, ["示例区", "一街道", HOSTILE.replace("/", "∕")], TREE)
    root = signed_in(world.site, "root")
    home = root.get("/").text
    assert "<script>alert" not in home and "&lt;script&gt;alert" in home
    page = root.post(f"/units/{unit}/residents", files={"file": (f'{HOSTILE}.csv', b"not,a\nsurvey,file\n")},
                     headers={"HX-Request": "true"})
    assert "<script>alert" not in page.text
    listed = root.get(f"/units/{unit}/residents").text
    assert "<script>alert" not in listed and "&lt;script&gt;" in listed
    assert list(world.site.uploads.rglob("*")) and not any("/" in p.name for p in world.site.uploads.rglob("*"))


def test_a_person_changes_their_own_password_and_other_sessions_end(tmp_path):
    world = build_world(tmp_path / "data")
    here, elsewhere = signed_in(world.site, "staff_a"), signed_in(world.site, "staff_a")
    wrong = here.post("/account/password", data={"old": "not-it-at-all", "new": "new-password-1",
                                                 "again": "new-password-1"})
    assert wrong.status_code == 422 and "原密码不正确" in wrong.text
    differ = here.post("/account/password", data={"old": PASSWORD, "new": "new-password-1", "again": "other-one-2"})
    assert differ.status_code == 422
    changed = here.post("/account/password", data={"old": PASSWORD, "new": "new-password-1",
                                                   "again": "new-password-1"})
    assert changed.status_code == 200 and "密码已修改" in changed.text
    here.csrf = re.search(r'name="csrf_token" value="([^"]+)"', changed.text).group(1)
    assert here.get("/api/units").status_code == 200  # this browser has its new session
    assert elsewhere.get("/api/units").status_code == 401
    assert client_for(world.site).post("/api/login", json={"username": "staff_a",
                                                           "password": "new-password-1"}).status_code == 200
