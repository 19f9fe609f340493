"""Backups as docs/deploy/README.md describes them, and a restore that brings every answer back.

SQLite: the online backup API (a consistent copy while the site runs), restored by putting the copy in
place of assess.db. PostgreSQL: `pg_dump --format custom` of the site's schema, the schema dropped, then
`pg_restore`; the site reopened on it sees the same answers, rounds and audit log.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

import pytest
from sqlalchemy import func, select, text

from assess.web.store import answers, audit, open_site
from tests.web.conftest import POSTGRES, build_world, postgres_schema, signed_in


def snapshot(site) -> tuple:
    with site.read() as connection:
        return (connection.execute(select(answers.c.unit_id, answers.c.question_id, answers.c.value)
                                   .order_by(answers.c.unit_id, answers.c.question_id)).all(),
                connection.execute(select(func.count()).select_from(audit)).scalar())


def fill_some(world) -> None:
    secretary = signed_in(world.site, "secretary_a")
    for question, value in (("q-grid-party-coverage", 80), ("q-training-hours", 12)):
        assert secretary.put(f"/api/units/{world.units['A']}/answers/{question}", json={"value": value}).status_code \
            == 200
    manager = signed_in(world.site, "manager_s1")
    assert manager.post("/api/rounds", json={"label": "备份前", "pack": "core", "units": ["示例区/一街道"]}) \
        .status_code == 200


def test_sqlite_online_backup_and_restore(tmp_path):
    world = build_world(tmp_path / "data")
    fill_some(world)
    before = snapshot(world.site)
    # the documented command, while the site is open
    source = sqlite3.connect(tmp_path / "data" / "assess.db")
    target = sqlite3.connect(tmp_path / "backup.db")
    with target:
        source.backup(target)
    source.close()
    target.close()
    secretary = signed_in(world.site, "secretary_a")
    secretary.put(f"/api/units/{world.units['A']}/answers/q-grid-party-coverage", json={"value": 10})
    assert snapshot(world.site) != before
    world.site.engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / "data" / f"assess.db{suffix}").unlink(missing_ok=True)
    shutil.copyfile(tmp_path / "backup.db", tmp_path / "data" / "assess.db")
    restored = open_site(tmp_path / "data")
    assert snapshot(restored) == before
    assert signed_in(restored, "manager_s1").get("/api/rounds").json()[0]["label"] == "备份前"


@pytest.mark.skipif(not POSTGRES and not os.environ.get("CI"), reason="no PostgreSQL server (ASSESS_TEST_POSTGRES)")
@pytest.mark.skipif(shutil.which("pg_dump") is None and not os.environ.get("CI"), reason="pg_dump is not installed")
def test_pg_dump_and_restore(tmp_path, monkeypatch):
    with postgres_schema("assess_backup", monkeypatch) as schema:
        world = build_world(tmp_path / "data")
        fill_some(world)
        before = snapshot(world.site)
        world.site.engine.dispose()
        plain = schema.admin.url.set(drivername="postgresql").render_as_string(hide_password=False)
        dump = tmp_path / "assess.dump"
        subprocess.run(["pg_dump", "--format", "custom", "--schema", schema.name, "--file", str(dump), plain],
                       check=True)
        with schema.admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema.name} CASCADE"))
        subprocess.run(["pg_restore", "--dbname", plain, "--no-owner", str(dump)], check=True)
        restored = open_site(tmp_path / "data", schema.url)
        assert snapshot(restored) == before
        assert signed_in(restored, "manager_s1").get("/api/rounds").json()[0]["label"] == "备份前"
        restored.engine.dispose()
