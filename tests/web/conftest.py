"""A site with a small tree of places and one person per role, and clients signed in as them."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install 'assess[web]')")

from fastapi.testclient import TestClient  # noqa: E402

from assess.web.accounts import add_user  # noqa: E402
from assess.web.queue import prepare  # noqa: E402
from assess.web.serve import create_app  # noqa: E402
from assess.web.store import Site, open_site  # noqa: E402
from assess.web.units import ensure_path  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"
ORIGIN = "http://127.0.0.1"
TREE = ["district", "subdistrict", "community"]


@dataclass
class World:
    site: Site
    units: dict[str, int]  # A, B (street S1), C (street S2), S1, S2, D


def build_world(root: Path) -> World:
    site = open_site(root)
    prepare(site)  # on PostgreSQL, the job queue's tables (as `assess serve` does)
    with site.write() as c:
        a = ensure_path(c, ["示例区", "一街道", "甲社区"], TREE)
        b = ensure_path(c, ["示例区", "一街道", "乙社区"], TREE)
        cc = ensure_path(c, ["示例区", "二街道", "丙社区"], TREE)
        ids = {"A": a, "B": b, "C": cc}
        from sqlalchemy import select

        from assess.web.store import units

        for key, path in (("S1", "示例区/一街道"), ("S2", "示例区/二街道"), ("D", "示例区")):
            ids[key] = c.execute(select(units.c.id).where(units.c.path == path)).scalar()
        for name, role, unit in PEOPLE:
            add_user(c, name, PASSWORD, role, ids[unit] if unit else None, None)
    return World(site, ids)


# name, role, unit key: one person per role, each on the unit the role is meant for
PEOPLE = [
    ("staff_a", "community-staff", "A"),
    ("secretary_a", "community-secretary", "A"),
    ("secretary_c", "community-secretary", "C"),
    ("viewer_s1", "subdistrict-viewer", "S1"),
    ("manager_s1", "subdistrict-manager", "S1"),
    ("manager_d", "district-manager", "D"),
    ("root", "admin", None),
]


class Client(TestClient):
    """A test client that sends the session's CSRF token with every request, as the pages do."""

    csrf: str = ""

    def request(self, method, url, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        if self.csrf and method.upper() not in ("GET", "HEAD", "OPTIONS"):
            headers.setdefault("X-CSRF-Token", self.csrf)
        return super().request(method, url, headers=headers, **kwargs)


def client_for(site: Site) -> Client:
    return Client(create_app(site), base_url=ORIGIN, follow_redirects=False)


def signed_in(site: Site, name: str, password: str = PASSWORD) -> Client:
    client = client_for(site)
    response = client.post("/api/login", json={"username": name, "password": password})
    assert response.status_code == 200, response.text
    client.csrf = response.json()["csrf_token"]
    return client


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    return build_world(tmp_path_factory.mktemp("site") / "data")


@pytest.fixture(scope="module")
def clients(world) -> dict[str, Client]:
    return {name: signed_in(world.site, name) for name, _, _ in PEOPLE}


def resident_questions(pack: str = "core") -> list:
    from assess.packs import load_pack

    return [q for _, _, q in load_pack(pack).pack.questions() if q.respondent == "resident"]


def wjx_download(path: Path, example: str = "old-community") -> Path:
    """A 问卷星 download ("按选项文本") of an example's residents, titled as `assess indicators questionnaire`
    numbers the resident questions, with WJX's own columns in front."""
    from openpyxl import Workbook

    questions = resident_questions()
    with open(REPO / "examples" / example / "residents.csv", encoding="utf-8") as handle:
        people = list(csv.DictReader(handle))
    book = Workbook()
    book.active.append(["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP",
                        *[f"{n}、{q.title.zh}" for n, q in enumerate(questions, start=1)]])
    for n, person in enumerate(people, start=1):
        cells = [wjx_cell(q, person.get(q.id, "")) for q in questions]
        book.active.append([n, "2026/5/1 10:00:00", "75秒", "手机提交", "直接访问", "1.2.3.4(山西)", *cells])
    book.save(path)
    return path


def wjx_cell(question, raw: str):
    if raw == "":
        return "(跳过)"
    if question.type == "likert":
        label = question.scale.labels.get(int(raw))
        return label.zh if label else int(raw)
    if question.type == "yes_no":
        return "是" if raw in ("yes", "true", "是") else "否"
    options = {o.id: o.label.zh for o in getattr(question, "options", [])}
    if question.type == "choice":
        return options.get(raw, raw)
    if question.type == "multi_choice":
        return "┋".join(options.get(v, v) for v in raw.split())
    return raw


POSTGRES = os.environ.get("ASSESS_TEST_POSTGRES")


@dataclass
class PostgresSchema:
    name: str
    url: str  # the site's database URL, searching this schema
    admin: Any  # an engine on the server, for what the test does to the schema itself


@contextmanager
def postgres_schema(prefix: str, monkeypatch) -> Iterator[PostgresSchema]:
    """A schema of its own on the test PostgreSQL server (other tests share its database), in which
    `build_world` opens its site; dropped after. CI must provide the server: without one this fails, not
    skips."""
    from sqlalchemy import create_engine, text

    if not POSTGRES:
        pytest.fail("CI must provide a PostgreSQL server: ASSESS_TEST_POSTGRES is not set")
    name = f"{prefix}_{os.getpid()}"
    admin = create_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {name}"))
    url = POSTGRES + ("&" if "?" in POSTGRES else "?") + f"options=-csearch_path%3D{name}"
    opened = open_site
    monkeypatch.setattr("tests.web.conftest.open_site", lambda root: opened(root, url))
    try:
        yield PostgresSchema(name, url, admin)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        admin.dispose()
