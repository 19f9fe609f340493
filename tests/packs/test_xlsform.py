"""`assess indicators xlsform`: the questionnaire as an XLSForm that pyxform (the reference converter) accepts."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from assess.cli import main
from assess.packs.loading import load_pack
from assess.packs.model import NumberQuestion
from assess.packs.xlsform import build_xlsform, form_names, number_bounds, xlsform_bytes
from tests.conftest import SEED

ZH, EN = "label::Chinese (zh)", "label::English (en)"

# Every question type for residents, ids that need making safe, and one committee question left out.
ALL_TYPES_PACK = f"""\
id: all-types
version: "3"
title: {{zh: 全题型, en: All types}}
dimensions:
  - id: civic-life
    title: {{zh: 社区生活, en: Civic life}}
    indicators:
      - id: civic
        title: {{zh: 参与, en: Taking part}}
        sources: [{{seed: {SEED}, evidence: "residents’ night talks"}}]
        questions:
          - id: q-trust
            type: likert
            respondent: resident
            required: true
            title: {{zh: 我信任社区党组织, en: I trust the community Party organization}}
            help: {{zh: 按最近一年的感受回答, en: Think of the last year}}
            scale:
              labels:
                1: {{zh: 很不同意, en: Strongly disagree}}
                5: {{zh: 很同意, en: Strongly agree}}
          - {{id: q-joined, type: yes_no, respondent: resident, title: {{zh: 参加过吗, en: Did you take part}}}}
          - id: q-channel
            type: choice
            respondent: resident
            title: {{zh: 最常用的渠道, en: Channel used most}}
            options:
              - {{id: wechat, label: {{zh: 微信群, en: WeChat group}}, score: 100}}
              - {{id: hotline, label: {{zh: 热线, en: Hotline}}, score: 60}}
              - {{id: visit, label: {{zh: 上门, en: Visit}}, score: 30}}
          - id: q-help-kinds
            type: multi_choice
            respondent: resident
            title: {{zh: 得到过哪些帮助, en: Help received}}
            options:
              - {{id: elderly-care, label: {{zh: 养老, en: Elderly care}}, score: 40}}
              - {{id: childcare, label: {{zh: 托育, en: Childcare}}, score: 40}}
              - {{id: jobs, label: {{zh: 就业, en: Jobs}}, score: 40}}
          - id: q-visits
            type: number
            respondent: resident
            integer: true
            max: 50
            title: {{zh: 一年去几次服务中心, en: Visits to the centre a year}}
            worst: 0
            best: 12
          - id: q-hours
            type: number
            respondent: resident
            min: null
            title: {{zh: 等待小时数, en: Hours waited}}
            worst: 48
            best: 2.5
          - {{id: q-say, type: text, respondent: resident, title: {{zh: 建议, en: Suggestions}}}}
          - {{id: q-staff, type: number, title: {{zh: 工作人员数, en: Staff}}, worst: 0, best: 10}}
  - id: 2nd-round
    title: {{zh: 第二轮, en: Second round}}
    indicators:
      - id: round-two
        title: {{zh: 第二轮, en: Second round}}
        sources: [{{seed: {SEED}, evidence: "residents’ night talks"}}]
        questions:
          - {{id: 3q-ok, type: likert, respondent: resident, title: {{zh: 满意, en: Satisfied}}}}
          - {{id: start, type: yes_no, respondent: resident, title: {{zh: 开始了吗, en: Has it started}}}}
"""


def sheet_rows(data: bytes, name: str) -> list[dict]:
    sheet = load_workbook(io.BytesIO(data))[name]
    rows = list(sheet.iter_rows(values_only=True))
    return [{k: v for k, v in zip(rows[0], row, strict=True) if v is not None} for row in rows[1:]]


def pyxform_warnings(data: bytes) -> list[str]:
    """Convert with pyxform; an error raises, and every warning is returned for the test to refuse."""
    warnings: list[str] = []
    result = convert(xlsform=io.BytesIO(data), warnings=warnings, file_type=".xlsx")
    assert "<h:html" in result.xform
    return warnings + list(result.warnings)


@pytest.fixture
def all_types(write):
    return load_pack(write("all-types.yaml", ALL_TYPES_PACK))


@pytest.mark.parametrize(
    ("pack_ref", "respondent"),
    [("core", "resident"), ("core", "committee"), ("core", "party_member"), ("kuangqu-demo", "resident")],
)
def test_bundled_packs_convert_with_pyxform_without_warnings(pack_ref, respondent):
    assert pyxform_warnings(xlsform_bytes(build_xlsform(load_pack(pack_ref), respondent))) == []


def test_every_question_type_converts_without_warnings(all_types):
    assert pyxform_warnings(xlsform_bytes(build_xlsform(all_types, "resident", "en"))) == []


def test_names_are_xlsform_safe_stable_and_unique(all_types):
    names = form_names(all_types.pack)
    assert names["civic-life"] == "civic_life" and names["q-help-kinds"] == "q_help_kinds"
    assert names["2nd-round"] == "g_2nd_round" and names["3q-ok"] == "q_3q_ok"
    assert names["start"] == "start_2"  # `start` is the form's own meta question
    assert len(set(names.values())) == len(names)


def test_ids_that_clash_once_made_safe_are_numbered_in_pack_order(write):
    text = ALL_TYPES_PACK.replace("id: q-joined,", "id: q_trust,")
    assert [form_names(load_pack(write("clash.yaml", text)).pack)[i] for i in ("q-trust", "q_trust")] == [
        "q_trust",
        "q_trust_2",
    ]


def test_survey_has_one_group_per_dimension_and_the_types_of_the_standard(all_types):
    survey = sheet_rows(xlsform_bytes(build_xlsform(all_types, "resident")), "survey")
    assert [r["type"] for r in survey[:2]] == ["start", "end"]
    groups = [(r["name"], r[ZH]) for r in survey if r["type"] == "begin_group"]
    assert groups == [("civic_life", "社区生活"), ("g_2nd_round", "第二轮")]
    assert sum(r["type"] == "end_group" for r in survey) == 2
    rows = {r["name"]: r for r in survey if "group" not in r["type"]}
    assert "q_staff" not in rows  # a committee question is not in the residents' form
    assert rows["q_trust"]["type"] == "select_one scale_1_5" and rows["q_trust"]["required"] == "yes"
    assert rows["q_trust"]["hint::English (en)"] == "Think of the last year"
    assert rows["q_joined"]["type"] == "select_one yes_no"
    assert rows["q_channel"]["type"] == "select_one q_channel"
    assert rows["q_help_kinds"]["type"] == "select_multiple q_help_kinds"
    assert rows["q_visits"]["type"] == "integer" and rows["q_visits"]["constraint"] == ". >= 0 and . <= 50"
    # the pack sets no bounds (min: null): 10 × the largest goalpost, 48, both ways
    assert rows["q_hours"]["type"] == "decimal" and rows["q_hours"]["constraint"] == ". >= -480 and . <= 480"
    assert rows["q_visits"]["constraint_message::Chinese (zh)"] == "应不小于 0、不大于 50"
    assert rows["q_say"]["type"] == "text" and rows["q_3q_ok"]["type"] == "select_one scale_1_5_2"
    assert {r[EN] for r in survey if "group" not in r["type"] and r["type"] not in ("start", "end")} >= {
        "I trust the community Party organization",
        "Suggestions",
    }


def number(**fields) -> NumberQuestion:
    return NumberQuestion.model_validate({"id": "q", "type": "number", "title": {"zh": "数", "en": "N"}, **fields})


@pytest.mark.parametrize(
    ("fields", "bounds"),
    [
        ({"worst": 0, "best": 12, "max": 50}, (0, 50)),  # the pack's own bounds
        ({"worst": 8, "best": 32}, (0, 320)),  # open above: 10 × the largest goalpost
        ({"worst": 800, "best": 300, "integer": True}, (0, 8000)),
        ({"worst": 1, "best": 1.1}, (0, 11)),  # not 11.000000000000002
        ({"worst": 0, "best": 5, "min": 60}, (60, 600)),  # never below the pack's min
        ({"worst": 30, "best": 95, "unit": {"zh": "%", "en": "%"}}, (0, 100)),  # a share
        ({"worst": 30, "best": 150, "unit": {"zh": "%", "en": "%"}}, (0, 1500)),  # growth, not a share
        ({"worst": -5, "best": 5, "min": None, "unit": {"zh": "%", "en": "%"}}, (-50, 50)),
        ({"worst": 0, "best": 4, "min": None, "max": 0.5}, (-40, 0.5)),
    ],
)
def test_every_number_gets_sane_bounds(fields, bounds):
    assert number_bounds(number(**fields)) == bounds


def test_every_number_of_the_bundled_forms_has_an_upper_bound():
    numbers = [
        row
        for respondent in ("committee", "resident", "party_member")
        for row in sheet_rows(xlsform_bytes(build_xlsform(load_pack("core"), respondent)), "survey")
        if row["type"] in ("integer", "decimal")
    ]
    assert len(numbers) == 26 and all(". <= " in r["constraint"] for r in numbers)
    hours = next(r for r in numbers if r["name"] == "q_training_hours")
    assert hours["constraint"] == ". >= 0 and . <= 320"
    assert hours["constraint_message::English (en)"] == "Must be at least 0 and at most 320"


def test_choices_carry_option_ids_and_both_languages(all_types):
    choices = sheet_rows(xlsform_bytes(build_xlsform(all_types, "resident")), "choices")
    by_list: dict[str, list] = {}
    for row in choices:
        by_list.setdefault(row["list_name"], []).append((row["name"], row[ZH], row[EN]))
    assert by_list["scale_1_5"] == [
        ("1", "很不同意", "Strongly disagree"), ("2", "2", "2"), ("3", "3", "3"), ("4", "4", "4"),
        ("5", "很同意", "Strongly agree"),
    ]
    assert by_list["yes_no"] == [("yes", "是", "Yes"), ("no", "否", "No")]
    assert [c[0] for c in by_list["q_help_kinds"]] == ["elderly-care", "childcare", "jobs"]


def test_settings_name_the_pack_version_and_hash(all_types):
    form = build_xlsform(all_types, "resident", "en")
    [settings] = sheet_rows(xlsform_bytes(form), "settings")
    assert settings == {
        "form_title": "All types",
        "form_id": "all_types_resident",
        "version": f"3_{all_types.hash[:8]}",
        "default_language": "English (en)",
    }
    assert build_xlsform(all_types, "resident").settings["default_language"] == "Chinese (zh)"


def test_cli_writes_the_form_and_never_overwrites(runner, tmp_path):
    out = tmp_path / "residents.xlsx"
    result = runner.invoke(main, ["indicators", "xlsform", "--pack", "kuangqu-demo", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "form_id kuangqu_demo_resident" in result.output
    assert pyxform_warnings(out.read_bytes()) == []
    again = runner.invoke(main, ["indicators", "xlsform", "-o", str(out)])
    assert again.exit_code == 1 and "--force" in again.output
    assert runner.invoke(main, ["indicators", "xlsform", "-o", str(out), "--force"]).exit_code == 0


def test_a_respondent_without_questions_is_a_clean_error(runner, write, tmp_path):
    pack = write("committee-only.yaml", ALL_TYPES_PACK.replace("respondent: resident", "respondent: committee"))
    out = tmp_path / "f.xlsx"
    result = runner.invoke(main, ["indicators", "xlsform", "--pack", str(pack), "-o", str(out)])
    assert result.exit_code == 1 and "no questions for respondent 'resident'" in result.output
    assert not out.exists()
