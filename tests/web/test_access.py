"""Every role × route × unit: a unit outside a person's units is a 404, an action their role lacks a 403.

The expectation is written per role and unit below (which units each person's role covers, what it may
do), not derived from the code under test.
"""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import PEOPLE, signed_in

# The units each person sees, as keys of the world's units.
SEES = {
    "staff_a": {"A"}, "secretary_a": {"A"}, "secretary_c": {"C"},
    "viewer_s1": {"S1", "A", "B"}, "manager_s1": {"S1", "A", "B"},
    "manager_d": {"D", "S1", "S2", "A", "B", "C"}, "root": {"D", "S1", "S2", "A", "B", "C"},
}
# What each may do on a community it sees.
MAY = {
    "staff_a": {"view", "fill", "upload"},
    "secretary_a": {"view", "fill", "upload", "report"}, "secretary_c": {"view", "fill", "upload", "report"},
    "viewer_s1": {"view"}, "manager_s1": {"view", "report"}, "manager_d": {"view", "report"},
    "root": {"view", "fill", "upload", "report"},
}
QUESTION = "q-grid-party-coverage"
RESIDENTS_CSV = b"respondent_id,q-know-party-group\nr1,4\nr2,5\n"
ROUTES = [
    ("GET", "/units/{u}", "view", None),
    ("GET", "/units/{u}/questionnaire/1", "view", None),
    ("GET", "/units/{u}/residents", "view", None),
    ("GET", "/units/{u}/scores", "view", None),
    ("GET", "/units/{u}/reports", "view", None),
    ("GET", "/units/{u}/answers.yaml", "view", None),
    ("GET", "/api/units/{u}/answers", "view", None),
    ("GET", f"/api/units/{{u}}/answers/{QUESTION}", "view", None),
    ("GET", "/api/units/{u}/scores", "view", None),
    ("GET", "/api/units/{u}", "view", None),
    ("GET", "/api/units/{u}/residents", "view", None),
    ("GET", "/api/units/{u}/reports", "view", None),
    ("PUT", f"/api/units/{{u}}/answers/{QUESTION}", "fill", {"json": {"value": "80"}}),
    ("PUT", f"/units/{{u}}/answers/{QUESTION}", "fill", {"data": {"value": "70%"}}),
    ("POST", "/api/units/{u}/residents", "upload", {"files": {"file": ("residents.csv", RESIDENTS_CSV)}}),
    ("POST", "/api/units/{u}/reports", "report", {"json": {"lang": "zh", "format": "html"}}),
    ("POST", "/units/{u}/reports", "report", {"data": {"lang": "en", "format": "pdf"}}),
]


def test_each_person_lists_exactly_their_units(world, clients):
    names = {v: k for k, v in world.units.items()}
    for name, _, _ in PEOPLE:
        listed = clients[name].get("/api/units").json()
        assert {names[u["id"]] for u in listed} == SEES[name], name
        assert all(set(u) == {"id", "name", "path", "kind", "community_type"} for u in listed)


@pytest.mark.parametrize("name", [p[0] for p in PEOPLE])
def test_every_route_on_every_unit(world, clients, name):
    client = clients[name]
    failures = []
    for unit in ("A", "B", "C", "S1"):
        for method, route, needs, body in ROUTES:
            url = route.format(u=world.units[unit])
            status = client.request(method, url, **(body or {})).status_code
            # not theirs, or not a community: the same 404, so nothing is revealed
            hidden = unit not in SEES[name] or unit == "S1"
            expected = "404" if hidden else "ok" if needs in MAY[name] else "403"
            got = "ok" if status < 400 else str(status)
            if got != expected:
                failures.append(f"{method} {url} ({unit}): {status}, expected {expected}")
    assert failures == []


def test_a_job_of_another_community_is_not_found(world, clients):
    job = clients["secretary_a"].post(f"/api/units/{world.units['A']}/reports",
                                      json={"lang": "zh", "format": "html"}).json()["job"]
    assert clients["secretary_a"].get(f"/api/jobs/{job}").status_code == 200
    assert clients["manager_s1"].get(f"/api/jobs/{job}").status_code == 200
    for other in ("secretary_c", "staff_a"):
        expected = 200 if other == "staff_a" else 404
        assert clients[other].get(f"/api/jobs/{job}").status_code == expected
        assert clients[other].get(f"/jobs/{job}").status_code == expected
    assert clients["secretary_c"].get(f"/api/jobs/{job}/download").status_code == 404


def test_administration_pages_by_role(clients):
    expected = {  # users, units, audit
        "staff_a": (403, 403, 403), "secretary_a": (403, 403, 403), "viewer_s1": (403, 403, 403),
        "manager_s1": (200, 403, 200), "manager_d": (200, 200, 200), "root": (200, 200, 200),
    }
    for name, codes in expected.items():
        got = tuple(clients[name].get(p).status_code for p in ("/admin/users", "/admin/units", "/admin/audit"))
        assert got == codes, name
        assert clients[name].get("/api/audit").status_code == codes[2], name


def test_the_audit_log_shows_only_events_of_ones_own_units(world, clients):
    clients["secretary_c"].put(f"/api/units/{world.units['C']}/answers/q-training-hours", json={"value": 3})
    clients["secretary_a"].put(f"/api/units/{world.units['A']}/answers/q-training-hours", json={"value": 4})
    seen = {row["unit"] for row in clients["manager_s1"].get("/api/audit").json()}
    assert world.units["A"] in seen and world.units["C"] not in seen and None not in seen
    everything = {row["unit"] for row in clients["root"].get("/api/audit").json()}
    assert {world.units["A"], world.units["C"], None} <= everything


def test_units_are_created_below_ones_own(world, clients):
    made = clients["manager_d"].post("/admin/units", data={"parent": world.units["S2"], "kind": "community",
                                                           "name": "戊社区"})
    assert made.status_code == 200 and "示例区/二街道/戊社区" in made.text
    outside = clients["manager_d"].post("/admin/units", data={"parent": "", "kind": "district", "name": "外区"})
    assert outside.status_code == 403
    assert clients["manager_s1"].post("/admin/units", data={"parent": world.units["S1"], "kind": "community",
                                                            "name": "己社区"}).status_code == 403
    bad = clients["root"].post("/admin/units", data={"parent": world.units["S2"], "kind": "community",
                                                     "name": "a/b"})
    assert bad.status_code == 422 and "不能含 /" in bad.text


def test_a_manager_creates_accounts_only_below_and_only_lesser_roles(world, clients):
    manager = clients["manager_s1"]
    made = manager.post("/admin/users", data={"name": "new_staff_b", "role": "community-staff",
                                              "unit": world.units["B"]})
    assert made.status_code == 200 and 'id="new-password"' in made.text
    one_time = re.search(r'id="new-password">([^<]+)<', made.text).group(1)
    newcomer = signed_in(world.site, "new_staff_b", one_time)
    assert newcomer.get("/api/units").status_code == 403  # the one-time password is replaced first
    assert newcomer.get("/", follow_redirects=False).headers["location"] == "/account/password"
    assert newcomer.post("/account/password", data={"old": one_time, "new": "my-own-password",
                                                    "again": "my-own-password"}).status_code == 200
    newcomer = signed_in(world.site, "new_staff_b", "my-own-password")
    assert [u["name"] for u in newcomer.get("/api/units").json()] == ["乙社区"]
    assert manager.post("/admin/users", data={"name": "x1", "role": "community-staff",
                                              "unit": world.units["C"]}).status_code == 404
    assert manager.post("/admin/users", data={"name": "x2", "role": "district-manager",
                                              "unit": world.units["B"]}).status_code == 403
    assert clients["secretary_a"].post("/admin/users", data={"name": "x3", "role": "community-staff",
                                                             "unit": world.units["A"]}).status_code == 403
