"""`assess indicators diff` and `indicators new`: how a district pack differs, and a starter that validates."""

from __future__ import annotations

import json

import pytest

from assess.cli import main
from assess.packs.diff import diff_packs, effective_shares
from assess.packs.inherit import starter_pack
from assess.packs.loading import load_pack, validate_files
from assess.responses.answer_file import AnswerFile, Community
from assess.scoring.score import score
from tests.conftest import MINIMAL_PACK


@pytest.fixture(scope="module")
def core_vs_example() -> dict:
    return diff_packs(load_pack("core"), load_pack("kuangqu-demo"))


def test_example_pack_diff_names_what_it_adds_removes_and_changes(core_vs_example):
    diff = core_vs_example
    added = {e["id"]: e for e in diff["added"]}
    assert set(added) == {"subsidence-resettlement", "q-resettled-ledger-share", "q-resettlement-desk", "q-settled-in"}
    assert (added["subsidence-resettlement"]["kind"], added["subsidence-resettlement"]["parent"]) == (
        "indicator",
        "services",
    )
    assert [(e["id"], e["parent"]) for e in diff["removed"]] == [("q-online-consultations", "online-service")]
    changed = {c["id"]: {f["field"]: (f["a"], f["b"]) for f in c["fields"]} for c in diff["changed"]}
    assert changed["services"] == {"weight": (1.2, 1.8)}
    assert changed["q-response-hours"] == {"worst": (72, 48), "best": (4, 2)}
    assert changed["infrastructure"] == {"weight": (1, 1.5), "target": (None, 90)}
    assert changed["q-know-party-group"] == {
        "scale.labels.3.zh": ("一般", "说不清"),
        "scale.labels.3.en": ("Neutral", "Not sure"),
    }
    pack_fields = {c["field"]: (c["a"], c["b"]) for c in diff["pack"]}
    assert pack_fields["grade_bands.excellent.min"] == (85, 90) and pack_fields["id"] == ("core", "kuangqu-demo")
    assert diff["b"]["parents"] == ["core@1.0.0"] and diff["a"]["parents"] == []


def test_a_target_left_to_the_default_carries_the_effective_value(core_vs_example, write):
    fields = {c["id"]: {f["field"]: f for f in c["fields"]} for c in core_vs_example["changed"]}
    assert fields["infrastructure"]["target"]["effective"] == {"a": 85, "b": 90}
    assert "effective" not in fields["infrastructure"]["weight"]
    parent = write("mini.yaml", MINIMAL_PACK.replace("        sources:", "        target: 70\n        sources:", 1))
    child = write("d.yaml", 'id: d\nversion: "2"\nextends: mini.yaml\ntitle: {zh: 区, en: D}\n'
                  "default_target: 60\noverride: {lead-org: {target: null}}\n")
    [change] = diff_packs(load_pack(parent), load_pack(child))["changed"]
    assert change["fields"] == [{"field": "target", "a": 70, "b": None, "effective": {"a": 70, "b": 60}}]


def test_diff_table_names_an_inherited_default_target_and_counts_the_lines_it_shows(runner):
    zh = runner.invoke(main, ["indicators", "diff", "core", "kuangqu-demo"]).output
    assert "指标 infrastructure: weight 1 → 1.5; target 默认 85 → 90" in zh and "—" not in zh
    header = next(line for line in zh.splitlines() if line.startswith("指标包字段"))
    shown = zh.split(header)[1].split("\n\n")[0].strip().splitlines()
    assert header == f"指标包字段 ({len(shown)}):" and len(shown) == 6  # title.en and description.en are hidden
    en = runner.invoke(main, ["indicators", "diff", "core", "kuangqu-demo", "--lang", "en"]).output
    assert "indicator staffing: target default 85 → 90" in en and "Pack fields (6):" in en


def test_effective_weight_changes_are_computed_from_the_declared_weights(core_vs_example):
    weights = {w["id"]: w for w in core_vs_example["effective_weights"]}
    # core: dimension weights 1.5 + 1.2 * 4 + 1 * 3 = 9.3; the example raises services 1.2 -> 1.8, so 9.9
    assert weights["services"]["a"] == round(1.2 / 9.3, 4) and weights["services"]["b"] == round(1.8 / 9.9, 4)
    assert weights["services"]["among_siblings"] is True
    # infrastructure: 1.5 of 1 + 1.5 + 1 * 4 (five core indicators and the new one) within services
    assert weights["infrastructure"]["b"] == round(1.8 / 9.9 * 1.5 / 6.5, 4)
    assert weights["org-coverage"]["among_siblings"] is False  # moves only with party-leadership


def test_effective_shares_add_up_and_leave_text_questions_out():
    pack = load_pack("core").pack
    shares = effective_shares(pack)
    assert sum(shares[d.id] for d in pack.dimensions) == pytest.approx(1, abs=1e-3)
    assert sum(shares[q.id] for _, _, q in pack.questions() if q.id in shares) == pytest.approx(1, abs=1e-3)
    assert "q-services-wanted" not in shares  # a text question is never scored


def test_effective_shares_match_what_scoring_uses_when_everything_is_answered(write):
    loaded = load_pack(write("mini.yaml", MINIMAL_PACK))
    answers = AnswerFile(
        community=Community(name="测试社区"),
        answers={"q-meetings": 6, "q-night-talks": True},
        respondents=[{"id": "r1", "answers": {"q-trust": 4}}],
    )
    result = score(loaded, answers)
    shares = effective_shares(loaded.pack)
    used = {i.id: round(i.weight, 4) for i in result.indicators}
    assert used == {k: shares[k] for k in ("lead-org", "part-channels")}


def test_identical_packs_have_an_empty_diff(runner):
    result = runner.invoke(main, ["indicators", "diff", "core", "core", "--format", "json"])
    assert result.exit_code == 0
    assert set(json.loads(result.output)["summary"].values()) == {0}
    table = runner.invoke(main, ["indicators", "diff", "core", "core", "--lang", "en"])
    assert "The packs have the same content" in table.output


def test_an_element_moved_to_another_parent_is_a_change(write):
    a = load_pack(write("mini.yaml", MINIMAL_PACK))
    moved = MINIMAL_PACK.replace("          - id: q-trust\n", "").replace(
        "            type: likert\n            respondent: resident\n"
        "            title: {zh: 我信任社区党组织, en: I trust the community Party organization}\n",
        "",
    )
    moved += "          - {id: q-trust, type: likert, respondent: resident, title: {zh: 我信任, en: I trust}}\n"
    b = load_pack(write("moved.yaml", moved.replace("id: mini", "id: moved")))
    changed = {c["id"]: {f["field"]: (f["a"], f["b"]) for f in c["fields"]} for c in diff_packs(a, b)["changed"]}
    assert changed["q-trust"]["parent"] == ("lead-org", "part-channels")


def test_diff_table_in_chinese_shows_chinese_texts_only(runner):
    result = runner.invoke(main, ["indicators", "diff", "core", "kuangqu-demo"])
    assert result.exit_code == 0, result.output
    assert "新增 (4)" in result.output and "删除 (1)" in result.output and "采煤沉陷区搬迁安置服务" in result.output
    assert "Not sure" not in result.output and "说不清" in result.output
    assert "维度 services: 12.90% → 18.18% (+5.28 个百分点)" in result.output


def test_diff_of_an_unknown_pack_is_a_clean_error(runner):
    result = runner.invoke(main, ["indicators", "diff", "core", "nowhere.yaml"])
    assert result.exit_code == 1 and "no such pack file" in result.output and "Traceback" not in result.output


# -- indicators new --------------------------------------------------------------------------------------


def test_new_writes_a_starter_that_validates_and_diffs_as_its_parent(runner, tmp_path):
    out = tmp_path / "my-district.yaml"
    result = runner.invoke(main, ["indicators", "new", "my-district", "--extends", "core", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert validate_files([out]) == []
    text = out.read_text(encoding="utf-8")
    for kind in ("grade_bands:", "default_target:", "override:", "remove:", "add:", "ahp:"):
        assert f"# {kind}" in text  # every kind of change is shown, commented out
    diff = diff_packs(load_pack("core"), load_pack(out))
    assert diff["added"] == diff["removed"] == diff["changed"] == []


def test_every_example_in_the_starter_is_valid_when_uncommented(tmp_path):
    parent = load_pack("core")
    path = tmp_path / "all.yaml"
    path.write_text(starter_pack("all-examples", "core", parent.pack, "all.yaml", examples=True), encoding="utf-8")
    loaded = load_pack(path)
    diff = diff_packs(parent, loaded)
    assert {c["id"] for c in diff["changed"]} >= {"party-leadership", "org-coverage", "q-know-party-group"}
    assert [e["id"] for e in diff["removed"]] and {"local-indicator", "q-local-indicator"} <= {
        e["id"] for e in diff["added"]
    }
    assert loaded.pack.ahp is not None and loaded.pack.grade_bands[0].min == 90


def test_the_starters_comments_name_the_file_actually_written(runner, tmp_path):
    out = tmp_path / "new1.yaml"
    assert runner.invoke(main, ["indicators", "new", "my-district", "-o", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "assess indicators validate new1.yaml" in text and "assess indicators diff core new1.yaml" in text
    assert "my-district.yaml" not in text
    spaced = tmp_path / "my file.yaml"
    assert runner.invoke(main, ["indicators", "new", "d", "-o", str(spaced)]).exit_code == 0
    assert "assess indicators validate 'my file.yaml'" in spaced.read_text(encoding="utf-8")


def test_new_relative_to_a_parent_file_and_never_overwrites(runner, write, tmp_path):
    write("packs/mini.yaml", MINIMAL_PACK)
    out = tmp_path / "districts" / "d.yaml"
    args = ["indicators", "new", "d", "--extends", str(tmp_path / "packs" / "mini.yaml"), "-o", str(out)]
    assert runner.invoke(main, args).exit_code == 0
    assert "extends: ../packs/mini.yaml" in out.read_text(encoding="utf-8")
    assert "assess indicators diff ../packs/mini.yaml d.yaml" in out.read_text(encoding="utf-8")
    assert load_pack(out).parents == ("mini@1",)
    again = runner.invoke(main, args)
    assert again.exit_code == 1 and "--force" in again.output
    assert runner.invoke(main, [*args, "--force"]).exit_code == 0


def test_new_refuses_a_name_that_cannot_be_an_id(runner, tmp_path):
    result = runner.invoke(main, ["indicators", "new", "My District", "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1 and "cannot be a pack id" in result.output and "不能用作指标包编号" in result.output
    assert not (tmp_path / "x.yaml").exists()
