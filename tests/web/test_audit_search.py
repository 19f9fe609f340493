"""The audit log searched by person, action, unit and dates, and exported as CSV and .xlsx, within the
units the person may see."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.web.conftest import build_world, signed_in


def test_audit_filtered_and_exported(tmp_path):
    world = build_world(tmp_path / "data")
    secretary_a = signed_in(world.site, "secretary_a")
    secretary_c = signed_in(world.site, "secretary_c")
    secretary_a.put(f"/api/units/{world.units['A']}/answers/q-grid-party-coverage", json={"value": 80})
    secretary_c.put(f"/api/units/{world.units['C']}/answers/q-grid-party-coverage", json={"value": 60})
    manager = signed_in(world.site, "manager_s1")
    manager.post("/api/rounds", json={"label": "审计", "pack": "core", "units": ["示例区/一街道"]})

    answers = manager.get("/api/audit/search", params={"action": "answer"}).json()
    assert [(e["who"], e["unit"]) for e in answers] == [("secretary_a", world.units["A"])]
    assert manager.get("/api/audit/search", params={"unit": "示例区/二街道/丙社区"}).json() == []  # not theirs
    assert {e["action"] for e in manager.get("/api/audit/search", params={"who": "manager_s1"}).json()} == {
        "round.open"}
    assert manager.get("/api/audit/search", params={"since": "2999-01-01"}).json() == []
    today = answers[0]["at"][:10]
    assert len(manager.get("/api/audit/search", params={"until": today, "action": "answer"}).json()) == 1

    root = signed_in(world.site, "root")
    both = root.get("/api/audit/search", params={"action": "answer", "unit": "示例区"}).json()
    assert {e["who"] for e in both} == {"secretary_a", "secretary_c"}

    text = manager.get("/admin/audit/export.csv", params={"action": "answer"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "时间 when" and [r[1] for r in rows[1:]] == ["secretary_a"]
    book = load_workbook(io.BytesIO(manager.get("/admin/audit/export.xlsx", params={"action": "answer"}).content))
    sheet = list(book.worksheets[0].iter_rows(values_only=True))
    assert sheet[0][3] == "操作 action" and [r[1] for r in sheet[1:]] == ["secretary_a"]
    page = manager.get("/admin/audit/search", params={"action": "answer"})
    assert page.status_code == 200 and "export.xlsx?action=answer" in page.text

    for path in ("/api/audit/search", "/admin/audit/export.csv", "/admin/audit/export.xlsx"):
        assert secretary_a.get(path).status_code == 403
