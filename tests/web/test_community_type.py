"""A community's type on the web, checked as `fill` and the answer file's loader check it: the form that
creates a community and its /api/ twin refuse a type the pack does not know, listing the pack's types and
their aliases; a known one (or an alias) is stored as the pack names it and reaches the answer file."""

from __future__ import annotations

import yaml

REFUSAL = "没有这种社区类型 “老社区”，可填：老旧小区（也可写 老旧社区、老小区）"


def paths(client) -> set[str]:
    return {unit["path"] for unit in client.get("/api/units").json()}


def test_the_form_refuses_an_unknown_type_with_the_known_ones_and_keeps_what_was_typed(world, clients):
    root = clients["root"]
    page = root.get("/admin/units")
    assert page.status_code == 200 and "老旧小区（也可写 老旧社区、老小区）" in page.text
    refused = root.post("/admin/units", data={"parent": world.units["S2"], "kind": "community", "name": "庚社区",
                                              "community_type": "老社区"})
    assert refused.status_code == 422 and REFUSAL in refused.text
    assert 'value="庚社区"' in refused.text and 'value="老社区"' in refused.text
    assert "示例区/二街道/庚社区" not in paths(root)


def test_the_api_twin_refuses_the_same_and_stores_an_alias_as_the_pack_names_it(world, clients):
    root = clients["root"]
    refused = root.post("/api/units", json={"parent": world.units["S2"], "name": "辛社区", "community_type": "老社区"})
    assert refused.status_code == 422 and REFUSAL in refused.json()["detail"]
    assert "示例区/二街道/辛社区" not in paths(root)
    made = root.post("/api/units", json={"parent": world.units["S2"], "name": "辛社区", "community_type": "老小区"})
    assert made.status_code == 200, made.text
    assert made.json()["community_type"] == "老旧小区" and made.json()["path"] == "示例区/二街道/辛社区"
    exported = root.get(f"/units/{made.json()['id']}/answers.yaml")
    assert exported.status_code == 200 and yaml.safe_load(exported.text)["community"]["type"] == "老旧小区"


def test_only_a_community_has_a_type(world, clients):
    refused = clients["root"].post("/api/units", json={"parent": world.units["D"], "kind": "subdistrict",
                                                       "name": "三街道", "community_type": "老旧小区"})
    assert refused.status_code == 422 and "只有社区填写社区类型" in refused.json()["detail"]


def test_the_api_refuses_what_the_form_refuses_to_someone_outside(world, clients):
    manager = clients["manager_s1"]
    form = manager.post("/admin/units", data={"parent": world.units["S2"], "kind": "community", "name": "壬社区"})
    api = manager.post("/api/units", json={"parent": world.units["S2"], "name": "壬社区"})
    assert form.status_code == api.status_code and api.status_code in (403, 404)
    assert "示例区/二街道/壬社区" not in paths(clients["root"])


def test_a_site_made_before_the_column_gets_it_when_opened(tmp_path):
    from sqlalchemy import inspect

    from assess.web.store import open_site

    site = open_site(tmp_path / "data")
    with site.write() as connection:
        connection.exec_driver_sql("ALTER TABLE web_units DROP COLUMN community_type")
    site.engine.dispose()
    site = open_site(tmp_path / "data")
    assert "community_type" in {c["name"] for c in inspect(site.engine).get_columns("web_units")}
    site.engine.dispose()
