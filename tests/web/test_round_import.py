"""One history, two ways in: a round folder made for `assess district` imported into the browser as a
closed round of the sub-district's communities, scored like the CLI scores the folder; a browser round's
trend since the imported one."""

from __future__ import annotations

import io
import json
import shutil
import zipfile

from click.testing import CliRunner

from assess.cli import main
from assess.web.jobs import run_queued
from tests.web.conftest import REPO, build_world, signed_in
from tests.web.test_rounds import EXAMPLES, fill, open_s1_round


def round_folder_zip(tmp_path) -> tuple[bytes, object]:
    """A CLI round folder: 甲社区 and 乙社区 (names as the sub-district's), each with answers.yaml and, for
    one, its residents' file; plus a community the site does not know."""
    folder = tmp_path / "2025"
    for name, example in (("甲社区", EXAMPLES["A"]), ("乙社区", EXAMPLES["B"]), ("外地社区", EXAMPLES["A"])):
        (folder / name).mkdir(parents=True)
        text = (REPO / "examples" / example / "answers.yaml").read_text(encoding="utf-8")
        lines = [f"  name: {name}" if line.startswith("  name:") else line for line in text.splitlines()]
        (folder / name / "answers.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copyfile(REPO / "examples" / EXAMPLES["A"] / "residents.csv", folder / "甲社区" / "residents.csv")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, str(path.relative_to(tmp_path)))
    return buffer.getvalue(), folder


def test_a_cli_round_imported_scores_as_the_cli_and_gives_a_trend(tmp_path):
    world = build_world(tmp_path / "data")
    manager = signed_in(world.site, "manager_s1")
    data, folder = round_folder_zip(tmp_path)
    reply = manager.post("/api/rounds/import", data={"unit": "示例区/一街道"},
                         files={"file": ("2025.zip", data, "application/zip")})
    assert reply.status_code == 200, reply.text
    imported = reply.json()
    assert sorted(imported["communities"]) == ["乙社区", "甲社区"] and imported["left_out"] == ["外地社区"]
    assert run_queued(world.site) == 1
    league = manager.get(f"/api/rounds/{imported['id']}/league").json()
    shutil.rmtree(folder / "外地社区")
    cli = CliRunner().invoke(main, ["district", "score", str(folder), "--format", "json", "--no-history"])
    assert cli.exit_code == 0, cli.output
    mine = {c["name"]: (c["overall"], c["respondents"]) for c in league["communities"]}
    theirs = {c["name"]: (c["overall"], c["respondents"]) for c in json.loads(cli.stdout)["communities"]}
    assert mine == theirs and mine["甲社区"][1] > 0

    root = signed_in(world.site, "root")
    now = open_s1_round(manager, "2026")
    fill(root, world.units["A"], EXAMPLES["A"])
    fill(root, world.units["B"], EXAMPLES["B"])
    manager.post(f"/api/rounds/{now}/close")
    run_queued(world.site)
    trend = manager.get(f"/api/rounds/{now}/trend", params={"since": "2025"})
    assert trend.status_code == 200, trend.text
    assert trend.json()["since"] == "2025"

    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../../escape/answers.yaml", "x")
    refused = manager.post("/api/rounds/import", data={"unit": "示例区/一街道"},
                           files={"file": ("evil.zip", evil.getvalue(), "application/zip")})
    assert refused.status_code == 422 and "evil.zip" in refused.json()["detail"]
    assert not (tmp_path / "escape").exists()
    secretary = signed_in(world.site, "secretary_a")
    assert secretary.post("/api/rounds/import", data={"unit": "示例区/一街道"},
                          files={"file": ("2025.zip", data, "application/zip")}).status_code == 403
