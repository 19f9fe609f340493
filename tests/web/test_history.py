"""A community's history across rounds: its scores with their 90 % intervals as the stored leagues give
them, rounds it sat out named, its rank only for those who may see the round; every role × unit × route."""

from __future__ import annotations

import pytest

from assess.web.jobs import run_queued
from tests.web.conftest import PEOPLE, build_world, signed_in
from tests.web.test_rounds import EXAMPLES, fill, open_s1_round

SEES = {"staff_a": {"A"}, "secretary_a": {"A"}, "secretary_c": {"C"}, "viewer_s1": {"A", "B"},
        "manager_s1": {"A", "B"}, "manager_d": {"A", "B", "C"}, "root": {"A", "B", "C"}}
SEES_ROUNDS = {"viewer_s1", "manager_s1", "manager_d", "root"}  # the round's owner, 一街道, is theirs


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Three rounds of 一街道: 2025 (甲 and 乙 answer), 2026 (only 甲 answers), 2027 still open."""
    built = build_world(tmp_path_factory.mktemp("history") / "data")
    manager = signed_in(built.site, "manager_s1")
    root = signed_in(built.site, "root")
    built.rounds = {}
    for label, who in (("2025年", ("A", "B")), ("2026年", ("A",)), ("2027年", ())):
        round_id = open_s1_round(manager, label)
        built.rounds[label] = round_id
        for key in who:
            fill(root, built.units[key], EXAMPLES[key])
        if label != "2027年":
            assert manager.post(f"/api/rounds/{round_id}/close").status_code == 200
            assert run_queued(built.site) == 1
    return built


def league_row(world, label: str, name: str) -> dict:
    league = signed_in(world.site, "manager_s1").get(f"/api/rounds/{world.rounds[label]}/league").json()
    return next(c for c in league["communities"] if c["name"] == name)


def test_scores_with_intervals_as_the_stored_leagues_give_them(world):
    history = signed_in(world.site, "manager_s1").get(f"/api/units/{world.units['A']}/history").json()
    assert history["name"] == "甲社区"
    assert [(r["label"], r["state"]) for r in history["rounds"]] == [
        ("2025年", "scored"), ("2026年", "scored"), ("2027年", "open")]
    for entry in history["rounds"][:2]:
        stored = league_row(world, entry["label"], "甲社区")
        assert entry["overall"] == stored["overall"] and entry["interval"] == stored["overall_interval"]
        assert entry["interval"][0] <= entry["overall"] <= entry["interval"][1]
        assert (entry["rank"], entry["rank_low"], entry["rank_high"]) == (
            stored["rank"], stored["rank_low"], stored["rank_high"])
        assert {d["id"]: d["score"] for d in entry["dimensions"]} == stored["dimensions"]
        assert {d["id"]: d["interval"] for d in entry["dimensions"]} == stored["dimension_intervals"]
        assert all(d["title"]["zh"] and d["title"]["en"] for d in entry["dimensions"])
    assert [r["of"] for r in history["rounds"][:2]] == [2, 1]


def test_a_round_sat_out_is_named_not_dropped(world):
    history = signed_in(world.site, "manager_s1").get(f"/api/units/{world.units['B']}/history").json()
    assert [(r["label"], r["state"], r["scored"]) for r in history["rounds"]] == [
        ("2025年", "scored", True), ("2026年", "left_out", False), ("2027年", "open", False)]
    page = signed_in(world.site, "manager_s1").get(f"/units/{world.units['B']}/history").text
    assert "本轮未作答，未计分" in page and "本轮尚未结束" in page


def test_every_role_sees_the_histories_of_its_units_only_and_ranks_of_its_rounds_only(world):
    for name, _, _ in PEOPLE:
        client = signed_in(world.site, name)
        for key in ("A", "B", "C"):
            api = client.get(f"/api/units/{world.units[key]}/history")
            page = client.get(f"/units/{world.units[key]}/history")
            expected = 200 if key in SEES[name] else 404
            assert (api.status_code, page.status_code) == (expected, expected), (name, key)
            if expected == 404:
                continue
            scored = [r for r in api.json()["rounds"] if r["scored"]]
            assert scored or key == "C"
            assert all(r["rank_shown"] == (name in SEES_ROUNDS) for r in scored), (name, key)
            assert all((r["rank"] is None) == (name not in SEES_ROUNDS) for r in scored), (name, key)
            assert all(r["overall"] is not None for r in scored)


def test_the_page_shows_scores_intervals_and_grades_in_words(world):
    secretary = signed_in(world.site, "secretary_a")
    page = secretary.get(f"/units/{world.units['A']}/history")
    assert page.status_code == 200
    first = secretary.get(f"/api/units/{world.units['A']}/history").json()["rounds"][0]
    assert f"{first['overall']:.1f} [{first['interval'][0]:.1f}–{first['interval'][1]:.1f}]" in page.text
    assert "<svg" in page.text and "2025年" in page.text and "由街道或区查看" in page.text
    for dimension in first["dimensions"]:  # titles in words, never an id
        assert dimension["title"]["zh"] in page.text and f">{dimension['id']}<" not in page.text
    manager_page = signed_in(world.site, "manager_s1").get(f"/units/{world.units['A']}/history").text
    assert "由街道或区查看" not in manager_page and " / 2" in manager_page
    english = signed_in(world.site, "secretary_a")
    english.cookies.set("lang", "en")
    assert "Overall [90 % interval]" in english.get(f"/units/{world.units['A']}/history").text


def test_a_community_without_rounds_says_so(world):
    secretary = signed_in(world.site, "secretary_c")
    assert secretary.get(f"/api/units/{world.units['C']}/history").json()["rounds"] == []
    assert 'id="no-rounds"' in secretary.get(f"/units/{world.units['C']}/history").text


def test_a_community_renamed_after_its_rounds_keeps_its_history(world):
    from sqlalchemy import update

    from assess.web.store import units

    before = signed_in(world.site, "manager_s1").get(f"/api/units/{world.units['B']}/history").json()
    with world.site.write() as connection:
        connection.execute(update(units).where(units.c.id == world.units["B"]).values(name="乙社区（新名）"))
    try:
        after = signed_in(world.site, "manager_s1").get(f"/api/units/{world.units['B']}/history").json()
        assert after["name"] == "乙社区（新名）"
        assert [(r["state"], r.get("overall")) for r in after["rounds"]] == [
            (r["state"], r.get("overall")) for r in before["rounds"]]
    finally:
        with world.site.write() as connection:
            connection.execute(update(units).where(units.c.id == world.units["B"]).values(name="乙社区"))
