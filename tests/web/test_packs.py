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


def zipped(files: dict[str, str | bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_pack_with_its_countermeasure_library_uploaded_as_a_zip(tmp_path):
    """The example district pack whole, with the companion library its `countermeasures:` names, in one zip
    made by compressing its folder: validated as the command line validates the folder, chosen for a round."""
    world = build_world(tmp_path / "data")
    manager_d = signed_in(world.site, "manager_d")
    library = EXAMPLE.parent / "kuangqu-demo-countermeasures.yaml"
    alone = manager_d.post("/api/packs", files={"file": (EXAMPLE.name, EXAMPLE.read_bytes(), "text/yaml")})
    assert alone.status_code == 422 and "kuangqu-demo-countermeasures.yaml" in alone.json()["detail"]
    archive = zipped({f"本区指标包/{EXAMPLE.name}": EXAMPLE.read_bytes(),
                      f"本区指标包/{library.name}": library.read_bytes()})
    sent = manager_d.post("/api/packs", files={"file": ("本区指标包.zip", archive, "application/zip")})
    assert sent.status_code == 200, sent.text
    pack = sent.json()
    cli = CliRunner().invoke(main, ["indicators", "validate", pack["ref"]])
    assert cli.exit_code == 0, cli.output
    diff = manager_d.get(f"/api/packs/{pack['id']}/diff", params={"against": "core"}).json()
    cli = CliRunner().invoke(main, ["indicators", "diff", "core", str(EXAMPLE), "--format", "json"])
    assert diff["diff"]["summary"] == json.loads(cli.stdout)["summary"]
    opened = signed_in(world.site, "manager_s1").post("/api/rounds", json={
        "label": "本区指标（含对策库）", "pack": str(pack["id"]), "units": ["示例区/一街道"]})
    assert opened.status_code == 200, opened.text


def test_zipped_packs_that_are_refused_say_why(tmp_path):
    world = build_world(tmp_path / "data")
    manager_d = signed_in(world.site, "manager_d")

    def refused(files: dict, name: str = "包.zip") -> str:
        reply = manager_d.post("/api/packs", files={"file": (name, zipped(files), "application/zip")})
        assert reply.status_code == 422, reply.text
        return reply.json()["detail"]

    assert "unsafe path" in refused({"../evil.yaml": "dimensions: []\n"})
    assert "only .yaml" in refused({"pack.yaml": "dimensions: []\n", "run.sh": "rm -rf /\n"})
    assert "exactly one pack file" in refused({"a.yaml": "dimensions: []\n", "b.yaml": "dimensions: []\n"})
    assert "exactly one pack file" in refused({"notes.yaml": "title: x\n"})
    assert "too large" in refused({f"f{n}.yaml": "x: 1\n" for n in range(60)})
    bomb = refused({"pack.yaml": "dimensions: []\n", "big.yaml": "#" * (5 * 1024 * 1024)})
    assert "too large" in bomb
    broken = refused({"本区.yaml": "id: x\ndimensions: [\n"}, "坏的.zip")
    assert "坏的.zip" in broken
    assert manager_d.post("/api/packs", files={"file": ("x.zip", b"not a zip", "application/zip")}).status_code == 422
