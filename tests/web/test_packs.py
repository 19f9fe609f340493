"""A district's own pack uploaded, checked as `assess indicators validate` checks it, compared with core
as `assess indicators diff` does, and chosen for a round, whose questionnaire then asks its questions."""

from __future__ import annotations

import json

from click.testing import CliRunner

from assess.cli import main
from tests.web.conftest import REPO, build_world, signed_in

EXAMPLE = REPO / "indicators" / "examples" / "kuangqu-demo.yaml"


def district_pack_text() -> tuple[str, str]:
    """The example district pack as one file (its companion countermeasure library left out: an upload is
    one file, so a pack whose `countermeasures:` name another file is refused with that file's line)."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    start = lines.index("countermeasures:")
    return "本区指标包.yaml", "\n".join(lines[:start] + lines[start + 2:]) + "\n"


def test_pack_uploaded_checked_compared_and_chosen(tmp_path):
    world = build_world(tmp_path / "data")
    manager_d = signed_in(world.site, "manager_d")
    broken = manager_d.post("/api/packs", files={"file": ("坏的.yaml", "id: x\ndimensions: [\n", "text/yaml")})
    assert broken.status_code == 422 and "坏的.yaml" in broken.json()["detail"]
    name, text = district_pack_text()
    sent = manager_d.post("/api/packs", files={"file": (name, text, "text/yaml")})
    assert sent.status_code == 200, sent.text
    pack = sent.json()
    diff = manager_d.get(f"/api/packs/{pack['id']}/diff", params={"against": "core"}).json()
    (tmp_path / name).write_text(text, encoding="utf-8")
    cli = CliRunner().invoke(main, ["indicators", "diff", "core", pack["ref"], "--format", "json"])
    assert cli.exit_code == 0, cli.output
    assert diff["diff"]["summary"] == json.loads(cli.stdout)["summary"]

    assert signed_in(world.site, "manager_s1").post(
        "/api/packs", files={"file": (name, text, "text/yaml")}).status_code == 403  # districts upload packs
    manager_s1 = signed_in(world.site, "manager_s1")
    assert {p["pack_id"] for p in manager_s1.get("/api/packs").json()} >= {"core", pack["pack"]}
    opened = manager_s1.post("/api/rounds", json={"label": "本区指标", "pack": str(pack["id"]),
                                                  "units": ["示例区/一街道"]})
    assert opened.status_code == 200, opened.text
    progress = manager_s1.get(f"/api/rounds/{opened.json()['id']}/progress").json()
    assert progress["pack"] == pack["ref"]
    refused = manager_s1.post("/api/rounds", json={"label": "x", "pack": "/etc/passwd", "units": ["示例区/一街道"]})
    assert refused.status_code == 422
    assert signed_in(world.site, "secretary_a").get("/api/packs").status_code == 403
