"""Pack inheritance: a district pack that extends another, every rule and every error at its file and line."""

from __future__ import annotations

import re

import pytest

from assess.errors import ProblemsError
from assess.packs.building import bundled_packs, pack_hash
from assess.packs.loading import load_pack, validate_files
from tests.conftest import MINIMAL_PACK, SEED

PARENT_AHP = """\
ahp:
  dimensions:
    judgments:
      - [lead, part, 3]
"""

NEW_INDICATOR = f"""\
      - id: lead-local
        title: {{zh: 本地指标, en: Local indicator}}
        sources: [{{seed: {SEED}, evidence: "one party committee and three centers"}}]
        questions:
          - {{id: q-local, type: yes_no, title: {{zh: 有吗, en: Is there}}}}
"""


def child(body: str, extends: str = "mini.yaml") -> str:
    return f'id: district\nversion: "2"\nextends: {extends}\ntitle: {{zh: 区级, en: District}}\n{body}'


@pytest.fixture
def family(write):
    """Write the minimal parent pack (optionally with extra YAML) and a child; return a loader of the child."""

    def _family(child_body: str, parent_extra: str = "") -> str:
        write("mini.yaml", MINIMAL_PACK + parent_extra)
        return str(write("district.yaml", child(child_body)))

    return _family


def problems_of(path: str) -> list[tuple[str, int | None, str, str]]:
    return [(p.file.rsplit("/", 1)[-1], p.line, p.field, p.message) for p in validate_files([path])]


def only_problem(path: str) -> tuple[str, int | None, str, str]:
    found = problems_of(path)
    assert len(found) == 1, found
    return found[0]


# -- what a child can do ---------------------------------------------------------------------------------


def test_a_child_with_no_changes_is_its_parent_under_its_own_name(family):
    loaded = load_pack(family(""))
    parent = load_pack(loaded.file.replace("district", "mini"))
    assert loaded.pack.id == "district" and loaded.pack.version == "2"
    assert loaded.pack.dimensions == parent.pack.dimensions
    assert loaded.parents == ("mini@1",)
    assert loaded.hash == pack_hash(loaded.pack) != parent.hash


def test_override_changes_only_the_named_fields(family):
    loaded = load_pack(
        family(
            """\
override:
  lead: {weight: 5}
  lead-org: {target: 92, title: {en: Organization work}}
  q-meetings: {worst: 2, best: 24}
  q-trust:
    scale: {labels: {3: {zh: 说不清, en: Not sure}}}
"""
        )
    )
    pack = loaded.pack
    lead = pack.dimensions[0]
    indicator = lead.indicators[0]
    meetings, trust = indicator.questions
    assert lead.weight == 5 and pack.dimensions[1].weight == 1
    assert pack.target_of(indicator) == 92
    assert indicator.title.en == "Organization work" and indicator.title.zh == "组织建设"  # merged, not replaced
    assert (meetings.worst, meetings.best) == (2, 24) and meetings.title.en == "Meetings a year"
    assert trust.scale.labels[3].en == "Not sure" and (trust.scale.min, trust.scale.max) == (1, 5)


def test_remove_by_id_takes_children_along(family):
    pack = load_pack(family("remove: [q-trust, part]\n")).pack
    assert [d.id for d in pack.dimensions] == ["lead"]
    assert [q.id for _, _, q in pack.questions()] == ["q-meetings"]


def test_add_dimensions_indicators_and_questions(family):
    pack = load_pack(
        family(
            f"""\
add:
  dimensions:
    - id: local
      title: {{zh: 本地, en: Local}}
      indicators:
{NEW_INDICATOR.replace("lead-local", "local-ind").replace("q-local", "q-local-1")}
  indicators:
    lead:
{NEW_INDICATOR}
  questions:
    part-channels:
      - {{id: q-added, type: likert, respondent: resident, title: {{zh: 加的, en: Added}}}}
"""
        )
    ).pack
    assert [d.id for d in pack.dimensions] == ["lead", "part", "local"]
    assert [i.id for i in pack.dimensions[0].indicators] == ["lead-org", "lead-local"]
    assert [q.id for q in pack.dimensions[1].indicators[0].questions] == ["q-night-talks", "q-added"]


def test_remove_then_add_the_same_id_replaces_an_element(family):
    pack = load_pack(
        family(
            """\
remove: [q-night-talks]
add:
  questions:
    part-channels:
      - {id: q-night-talks, type: number, title: {zh: 夜话次数, en: Night talks held}, worst: 0, best: 12}
"""
        )
    ).pack
    assert pack.dimensions[1].indicators[0].questions[0].type == "number"


def test_grade_bands_default_target_and_ahp_are_replaced(family):
    pack = load_pack(
        family(
            """\
default_target: 70
grade_bands:
  - {id: pass, min: 50, label: {zh: 通过, en: Pass}}
  - {id: fail, min: 0, label: {zh: 未通过, en: Fail}}
ahp:
  dimensions:
    judgments: [[lead, part, 5]]
""",
            PARENT_AHP,
        )
    ).pack
    assert [b.id for b in pack.grade_bands] == ["pass", "fail"] and pack.grade(55).id == "pass"
    assert pack.target_of(pack.dimensions[1].indicators[0]) == 70
    assert pack.ahp.dimensions.judgments[0][2] == 5


def test_ahp_null_drops_the_inherited_judgments(family):
    assert load_pack(family("ahp: null\n", PARENT_AHP)).pack.ahp is None
    assert load_pack(family("", PARENT_AHP)).pack.ahp is not None


def test_a_chain_of_three_records_every_ancestor(write):
    write("mini.yaml", MINIMAL_PACK)
    write("mid/mid.yaml", child("override: {lead: {weight: 3}}\n", "../mini.yaml").replace("district", "mid"))
    leaf_text = child("override: {part: {weight: 4}}\n", "../mid.yaml").replace("district", "leaf")
    leaf = write("mid/leaf/leaf.yaml", leaf_text)
    loaded = load_pack(leaf)
    assert loaded.parents == ("mid@2", "mini@1")
    assert [d.weight for d in loaded.pack.dimensions] == [3, 4]


def test_extends_a_bundled_pack_by_id(write):
    path = write("d.yaml", child("override: {services: {weight: 2}}\n", "core"))
    loaded = load_pack(path)
    assert loaded.parents == (f"core@{load_pack('core').pack.version}",)
    assert next(d for d in loaded.pack.dimensions if d.id == "services").weight == 2


# -- errors, each in the file and at the line where it must be fixed ----------------------------------


def test_cycle_is_refused_with_the_chain_shown(write):
    write("a.yaml", child("", "b.yaml").replace("district", "a"))
    write("b.yaml", child("", "a.yaml").replace("district", "b"))
    with pytest.raises(ProblemsError) as caught:
        load_pack(write("c.yaml", child("", "a.yaml").replace("district", "c")))
    [problem] = caught.value.problems
    assert problem.file.endswith("b.yaml") and problem.line == 3 and problem.field == "extends"
    assert "a.yaml → b.yaml → a.yaml" in problem.message and "c.yaml → " in problem.message


def test_a_pack_extending_itself_is_a_cycle(write):
    path = write("self.yaml", child("", "self.yaml"))
    assert "self.yaml → self.yaml" in only_problem(str(path))[3]


def test_missing_parent_is_reported_at_extends(write):
    file, line, field, message = only_problem(str(write("d.yaml", child("", "nowhere.yaml"))))
    assert (file, line, field) == ("d.yaml", 3, "extends")
    assert "no such pack file" in message and "core" in message


@pytest.mark.parametrize(("extends", "suggested"), [("coer", "core"), ("kuangqu-dmeo", "kuangqu-demo"),
                                                   ("mini.yml", "mini.yaml")])
def test_a_misspelt_parent_suggests_the_nearest_bundled_id_or_file(extends, suggested, write):
    write("mini.yaml", MINIMAL_PACK)
    file, line, field, message = only_problem(str(write("d.yaml", child("", extends))))
    assert (file, line, field) == ("d.yaml", 3, "extends")
    assert f"did you mean {suggested}?" in message and f"是否想写 {suggested}？" in message


def test_messages_a_chinese_user_must_act_on_say_it_in_chinese_too(family):
    body = "override:\n  q-meeting: {weight: 2}\n  lead: {id: x}\nremove: [q-night-talks, lead-orgg]\n"
    body += "add:\n  indicators:\n    leed: []\n"
    messages = {field: message for _, _, field, message in problems_of(family(body))}
    assert "是否想写 q-meetings？" in messages["override.q-meeting"]
    assert "是否想写 lead-org、lead？" in messages["remove.1"]
    assert "请删除该元素，再以新编号新增" in messages["override.lead.id"]
    assert "指标 'part-channels' 下就没有题目了" in messages["remove.0"]
    assert "是否想写 lead？" in messages["add.indicators.leed"]
    for message in messages.values():
        zh, en = message.split(" / ", 1)
        assert re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[\u4e00-\u9fff]", en), message


def test_override_of_an_unknown_id_suggests_the_nearest(family):
    file, line, field, message = only_problem(family("override:\n  q-meeting: {weight: 2}\n"))
    assert (file, line, field) == ("district.yaml", 6, "override.q-meeting")
    assert "did you mean q-meetings" in message and "'mini.yaml'" in message


def test_removal_of_an_unknown_id_suggests_the_nearest(family):
    file, line, field, message = only_problem(family("remove:\n  - q-trust\n  - lead-orgg\n"))
    assert (file, line, field) == ("district.yaml", 7, "remove.1")
    assert "did you mean lead-org" in message


def test_bad_override_value_is_reported_in_the_child(family):
    file, line, field, message = only_problem(family("override:\n  lead:\n    weight: -1\n"))
    assert (file, line, field) == ("district.yaml", 7, "override.lead.weight")
    assert message == "应 ≥ 0（实际为 -1） / must be ≥ 0 (got -1)"


def test_unknown_override_field_lists_what_is_allowed(family):
    file, line, field, message = only_problem(family("override:\n  lead-org: {colour: red}\n"))
    assert (file, line, field) == ("district.yaml", 6, "override.lead-org.colour")
    assert "allowed here: id, title, description, weight, sources, target, questions" in message


def test_goalposts_made_equal_by_an_override_point_at_the_override(family):
    file, line, field, message = only_problem(family("override:\n  q-meetings:\n    best: 0\n"))
    assert (file, line, field) == ("district.yaml", 6, "override.q-meetings")
    assert "worst and best must differ" in message


def test_ids_and_child_lists_cannot_be_overridden(family):
    found = problems_of(family("override:\n  lead: {id: lead2}\n  lead-org: {questions: []}\n"))
    assert [(f, line, field) for f, line, field, _ in found] == [
        ("district.yaml", 6, "override.lead.id"),
        ("district.yaml", 7, "override.lead-org.questions"),
    ]
    assert "remove the element and add one" in found[0][3] and "`add:` and `remove:`" in found[1][3]


def test_overriding_a_removed_element_is_refused(family):
    file, line, field, message = only_problem(family("remove: [lead]\noverride:\n  q-meetings: {best: 6}\n"))
    assert (line, field) == (7, "override.q-meetings") and "removed in this file" in message


def test_removing_the_last_child_is_refused_unless_something_is_added(family):
    file, line, field, message = only_problem(family("remove: [q-night-talks]\n"))
    assert (line, field) == (5, "remove.0") and "leaves indicator 'part-channels' with no questions" in message
    refilled = "remove: [q-night-talks]\nadd:\n  questions:\n    part-channels:\n"
    refilled += "      - {id: q-new, type: yes_no, title: {zh: 新, en: New}}\n"
    assert problems_of(family(refilled)) == []


def test_added_element_with_an_existing_id_is_refused(family):
    body = "add:\n  questions:\n    lead-org:\n      - {id: q-trust, type: yes_no, title: {zh: 重, en: Again}}\n"
    file, line, field, message = only_problem(family(body))
    assert (line, field) == (8, "add.questions.lead-org.0.id")
    assert "already has a question 'q-trust'" in message and "override" in message


def test_added_under_an_unknown_parent_suggests_the_nearest(family):
    body = f"add:\n  indicators:\n    leed:\n{NEW_INDICATOR}"
    file, line, field, message = only_problem(family(body))
    assert (line, field) == (7, "add.indicators.leed") and "did you mean lead" in message


def test_bad_added_question_is_reported_at_its_line_in_the_child(family):
    body = "add:\n  questions:\n    lead-org:\n      - id: q-new\n        type: likert\n"
    body += "        titel: {zh: 新, en: New}\n"
    found = problems_of(family(body))
    assert ("district.yaml", 10, "add.questions.lead-org.0.titel") in [(f, line, fld) for f, line, fld, _ in found]


def test_an_unknown_top_level_key_lists_the_child_format(family):
    file, line, field, message = only_problem(family("dimensions: []\n"))
    assert (line, field) == (5, "dimensions")
    assert ("allowed here: id, version, extends, title, description, grade_bands, default_target, fuzzy_values, "
            "community_kinds, override") in message


def test_a_problem_in_the_parent_is_reported_in_the_parent(write):
    write("mini.yaml", MINIMAL_PACK.replace("weight: 2", "weight: -2"))
    path = write("district.yaml", child("override: {part: {weight: 3}}\n"))
    assert only_problem(str(path))[:3] == ("mini.yaml", 7, "dimensions.0.weight")


def test_inherited_ahp_that_no_longer_fits_is_the_childs_to_fix(family, write):
    body = "add:\n  dimensions:\n    - id: local\n      title: {zh: 本地, en: Local}\n      indicators:\n"
    body += NEW_INDICATOR
    file, line, field, message = only_problem(family(body, PARENT_AHP))
    assert (file, line, field) == ("district.yaml", 3, "ahp")
    assert "mini.yaml:" in message and "not judged" in message and "ahp: null" in message


def test_all_problems_of_a_child_are_reported_together(family):
    body = "override:\n  lead: {weight: -1}\n  nope: {weight: 1}\nremove: [q-trustt]\n"
    assert [line for _, line, _, _ in problems_of(family(body))] == [6, 7, 8]


# -- the shipped example district pack --------------------------------------------------------------------


def test_example_district_pack_is_bundled_valid_and_labelled_fictional():
    path = bundled_packs()["kuangqu-demo"]
    assert validate_files([path]) == []
    loaded = load_pack("kuangqu-demo")
    assert loaded.parents == (f"core@{load_pack('core').pack.version}",)
    assert "虚构" in loaded.pack.title.zh and "fictional" in loaded.pack.title.en
    ids = {i.id for _, i in loaded.pack.indicators()}
    assert "subsidence-resettlement" in ids
    assert "q-online-consultations" not in {q.id for _, _, q in loaded.pack.questions()}
    assert loaded.pack.grade_bands[0].min == 90


def test_a_score_with_the_example_pack_records_its_chain(tmp_path):
    from assess.responses.answer_file import AnswerFile, Community
    from assess.scoring.score import score

    loaded = load_pack("kuangqu-demo")
    answers = AnswerFile(
        pack="kuangqu-demo",
        community=Community(name="示例社区"),
        answers={"q-resettled-ledger-share": 70, "q-resettlement-desk": True, "q-response-hours": 10},
    )
    result = score(loaded, answers)
    assert result.pack.id == "kuangqu-demo" and result.pack.hash == loaded.hash
    assert result.pack.parents == [f"core@{load_pack('core').pack.version}"]
    local = next(i for i in result.indicators if i.id == "subsidence-resettlement")
    assert local.target == 90 and local.score == 75.0  # ledger (70-40)/(100-40) = 50, desk yes = 100
    hours = next(q for q in result.questions if q.id == "q-response-hours")
    assert hours.score == round((48 - 10) / (48 - 2) * 100, 2)  # the district's goalposts, not core's 72 -> 4


def test_validating_a_broken_parent_with_its_child_lists_each_problem_once(write):
    parent = write("mini.yaml", MINIMAL_PACK.replace("weight: 2", "weight: -2"))
    path = write("district.yaml", child(""))
    assert len(validate_files([parent, path])) == 1
