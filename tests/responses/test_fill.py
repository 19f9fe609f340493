"""Interactive filling: the session logic, and `assess fill` driven with typed input, interruptions and resumes."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
import yaml

from assess.cli import main
from assess.errors import AssessError
from assess.packs.loading import load_pack
from assess.responses.answer_file import AnswerFile, RespondentEntry, load_answer_file
from assess.responses.fill import FillSession, new_answer_file, next_respondent_id
from assess.responses.typed import read_typed
from assess.responses.values import AnswerValueError

SEED = "004_6627220e668f044e.txt"
SOURCE = f'sources: [{{seed: {SEED}, evidence: "one party committee and three centers"}}]'

FILL_PACK = f"""\
id: fillpack
version: "1"
title: {{zh: 填报测试包, en: Fill test pack}}
dimensions:
  - id: lead
    title: {{zh: 党建引领, en: Leadership}}
    indicators:
      - id: lead-org
        title: {{zh: 组织建设, en: Organization}}
        {SOURCE}
        questions:
          - id: q-meetings
            type: number
            integer: true
            title: {{zh: 年度会议次数, en: Meetings a year}}
            unit: {{zh: 次, en: times}}
            worst: 0
            best: 12
            max: 100
          - id: q-tiers
            type: choice
            required: true
            title: {{zh: 组织层级, en: Tiers}}
            help: {{zh: 以组织关系为准, en: Count formal branches}}
            options:
              - {{id: three, label: {{zh: 三级, en: Three}}, score: 100}}
              - {{id: two, label: {{zh: 两级, en: Two}}, score: 60}}
          - id: q-trust
            type: likert
            respondent: resident
            title: {{zh: 我信任社区党组织, en: I trust the community Party organization}}
            scale:
              labels: {{1: {{zh: 很不同意, en: Strongly disagree}}, 5: {{zh: 很同意, en: Strongly agree}}}}
  - id: part
    title: {{zh: 居民参与, en: Participation}}
    indicators:
      - id: part-channels
        title: {{zh: 参与渠道, en: Channels}}
        {SOURCE}
        questions:
          - id: q-night-talks
            type: yes_no
            title: {{zh: 是否开展居民夜话, en: Are night talks held}}
          - id: q-channels
            type: multi_choice
            title: {{zh: 参与渠道有哪些, en: Which channels exist}}
            options:
              - {{id: council, label: {{zh: 议事会, en: Council}}, score: 50}}
              - {{id: online, label: {{zh: 线上群, en: Online group}}, score: 50}}
              - {{id: hotline, label: {{zh: 热线, en: Hotline}}, score: 50}}
          - id: q-story
            type: text
            title: {{zh: 典型做法, en: A typical practice}}
          - id: q-voice
            type: likert
            respondent: resident
            title: {{zh: 我的意见能被听到, en: My views are heard}}
          - id: q-member-study
            type: yes_no
            respondent: party_member
            title: {{zh: 我每月参加组织生活, en: I join monthly Party activities}}
"""

COMMITTEE = ["q-meetings", "q-tiers", "q-night-talks", "q-channels", "q-story"]


@pytest.fixture
def pack_file(write) -> Path:
    return write("pack.yaml", FILL_PACK)


@pytest.fixture
def pack(pack_file):
    return load_pack(pack_file).pack


def session_for(pack, data=None, respondent="committee", **kwargs):
    saved: list[dict] = []
    data = data or new_answer_file("pack.yaml", "阳光社区")
    session = FillSession(pack, data, respondent, lambda d: saved.append(d.model_dump(mode="json")), **kwargs)
    return session, saved


# -- the session ------------------------------------------------------------------------------------


def test_session_walks_committee_questions_in_pack_order_and_saves_each_answer(pack):
    session, saved = session_for(pack)
    step = session.next_question()
    assert (step.question.id, step.number, step.total, step.answered) == ("q-meetings", 1, 5, 0)
    assert step.dimension.id == "lead" and step.indicator.id == "lead-org"
    assert session.answer("12") == 12
    assert saved[-1]["answers"] == {"q-meetings": 12}
    assert session.next_question().question.id == "q-tiers"
    assert session.answer("2") == "two"  # option number
    assert session.answer("y") is True
    assert session.answer("1 3") == ["council", "hotline"]
    assert session.answer("每周一次楼道议事") == "每周一次楼道议事"
    assert session.next_question() is None
    assert len(saved) == 5 and session.answered_count() == 5


def test_a_bad_answer_is_refused_with_what_is_allowed_and_the_question_stays(pack):
    session, saved = session_for(pack)
    with pytest.raises(AnswerValueError, match="out of range"):
        session.answer("101")
    with pytest.raises(AnswerValueError, match="whole number"):
        session.answer("2.5")
    assert session.next_question().question.id == "q-meetings" and saved == []
    session.answer("3")
    with pytest.raises(AnswerValueError, match="请输入 1–2 或选项文字 / .four. is not an option: enter 1–2"):
        session.answer("four")


def test_skip_and_back(pack):
    session, saved = session_for(pack)
    assert not session.back()
    session.skip()
    session.answer("three")
    assert session.back()
    step = session.next_question()
    assert step.question.id == "q-tiers" and step.current == "three"
    session.answer("two")
    assert session.back() and session.back()
    assert session.next_question().question.id == "q-meetings"
    assert saved[-1]["answers"] == {"q-tiers": "two"}


def test_answered_questions_are_not_asked_again_unless_revisiting(pack):
    data = new_answer_file("pack.yaml", "阳光社区")
    data.answers.update({"q-meetings": 6, "q-night-talks": False})
    session, _ = session_for(pack, data)
    asked = []
    while (step := session.next_question()) is not None:
        asked.append(step.question.id)
        session.skip()
    assert asked == ["q-tiers", "q-channels", "q-story"]
    revisit, saved = session_for(pack, data, revisit=True)
    first = revisit.next_question()
    assert first.question.id == "q-meetings" and first.current == 6
    revisit.skip()  # Enter keeps the earlier answer
    assert data.answers["q-meetings"] == 6 and saved == []


def test_residents_get_one_entry_each_added_on_the_first_answer(pack):
    data = new_answer_file("pack.yaml", "阳光社区")
    session, _ = session_for(pack, data, respondent="resident", respondent_id="R-001")
    assert [s.question.id for s in [session.next_question()]] == ["q-trust"]
    assert data.respondents == []  # nobody is added before answering
    session.answer("4")
    assert [(r.id, r.answers) for r in data.respondents] == [("R-001", {"q-trust": 4})]
    assert data.answers == {}


def test_next_respondent_id_is_always_a_new_person_even_when_the_last_one_has_blanks(pack):
    data = new_answer_file("pack.yaml", "阳光社区")
    assert next_respondent_id(data, "resident") == "R-001"
    session, _ = session_for(pack, data, respondent="resident", respondent_id="R-001")
    session.answer("4")  # q-voice still open: residents often skip questions
    assert next_respondent_id(data, "resident") == "R-002"
    data.respondents += [RespondentEntry(id="R-007", answers={"q-trust": 1}), RespondentEntry(id="R-x", answers={})]
    assert next_respondent_id(data, "resident") == "R-008"
    assert next_respondent_id(data, "party_member") == "P-001"


def test_an_out_of_range_option_number_says_which_numbers_exist(pack):
    tiers = next(q for _, _, q in pack.questions() if q.id == "q-tiers")
    channels = next(q for _, _, q in pack.questions() if q.id == "q-channels")
    with pytest.raises(AnswerValueError, match="没有第 4 项：请输入 1–2 或选项文字 / there is no option 4: enter"):
        read_typed(tiers, "4")
    with pytest.raises(AnswerValueError, match="there is no option 0: enter 1–3 or the option's words"):
        read_typed(channels, "1 0")
    assert read_typed(channels, "3 council").value == ["hotline", "council"]


def test_a_respondent_type_without_questions_is_refused(pack_file, write):
    pack = load_pack(write("mini.yaml", FILL_PACK.replace("respondent: party_member", "respondent: resident"))).pack
    with pytest.raises(AssessError, match="no questions for party_member"):
        session_for(pack, respondent="party_member", respondent_id="P-001")


@pytest.mark.parametrize(("typed", "expected"), [("y", True), ("N", False), ("是", True), ("是的", True),
                                                 ("对", True), ("有", True), ("不是", False), ("没有", False),
                                                 ("无", False), ("否", False)])
def test_terminal_shortcuts_for_yes_no(pack, typed, expected):
    question = next(q for _, _, q in pack.questions() if q.id == "q-night-talks")
    assert read_typed(question, typed).value is expected


def test_multi_choice_numbers_may_be_separated_by_commas(pack):
    question = next(q for _, _, q in pack.questions() if q.id == "q-channels")
    assert read_typed(question, "1，2、3").value == ["council", "online", "hotline"]


# -- the command --------------------------------------------------------------------------------------


def fill(runner, answers: Path, pack_file: Path, typed: list[str], *extra: str):
    """A session at the terminal; a new file first asks the name, then district, sub-district and kind (skipped)."""
    if not answers.exists() and typed:
        typed = [typed[0], "", "", "", *typed[1:]]
    return runner.invoke(main, ["fill", "-o", str(answers), "--pack", str(pack_file), *extra],
                         input="".join(f"{line}\n" for line in typed))


def test_fill_creates_a_valid_answer_file(runner, pack_file, tmp_path):
    answers = tmp_path / "out" / "answers.yaml"
    outcome = fill(runner, answers, pack_file, ["阳光社区", "8", "1", "否", "2", "楼道议事"])
    assert outcome.exit_code == 0, outcome.output
    assert "题 1/5 · 已答 0" in outcome.output and "维度: 党建引领" in outcome.output
    assert "本轮完成" in outcome.output and "已答 5/5" in outcome.output
    loaded = load_answer_file(answers).data
    assert loaded.community.name == "阳光社区" and loaded.pack == "../pack.yaml"
    assert loaded.answers == {"q-meetings": 8, "q-tiers": "three", "q-night-talks": False,
                              "q-channels": ["online"], "q-story": "楼道议事"}


def test_bad_answers_are_asked_again_with_the_allowed_values(runner, pack_file, tmp_path):
    answers = tmp_path / "answers.yaml"
    outcome = fill(runner, answers, pack_file, ["社区", "很多", "8", "5", "thee", "1", "", "", ""])
    assert outcome.exit_code == 0, outcome.output
    assert "请输入整数（0–100 次），如 12、十二、12次" in outcome.output and "enter a whole number" in outcome.output
    assert "没有第 5 项：请输入 1–2 或选项文字" in outcome.output
    assert "'thee' is not an option" in outcome.output and "did you mean 1. Three?" in outcome.output
    assert load_answer_file(answers).data.answers == {"q-meetings": 8, "q-tiers": "three"}


def test_interrupted_by_end_of_input_then_resumed_at_the_next_unanswered_question(runner, pack_file, tmp_path):
    answers = tmp_path / "answers.yaml"
    first = fill(runner, answers, pack_file, ["阳光社区", "8", "", "y"])  # input ends at q-channels
    assert first.exit_code == 130
    assert "已保存" in first.output and "已答 2/5" in first.output
    assert f"assess fill -o {answers} --pack {pack_file}" in first.output
    assert load_answer_file(answers).data.answers == {"q-meetings": 8, "q-night-talks": True}

    second = fill(runner, answers, pack_file, ["2", "", ""])
    assert second.exit_code == 0, second.output
    assert "社区名称" not in second.output
    # it starts at the first question still unanswered (the skipped q-tiers), then the ones never reached
    asked = [line for line in second.output.splitlines() if line.startswith("── 题")]
    assert [a.split()[2] for a in asked] == ["2/5", "4/5", "5/5"]
    final = load_answer_file(answers).data.answers
    assert final == {"q-meetings": 8, "q-night-talks": True, "q-tiers": "two"}
    written = yaml.safe_load(answers.read_text(encoding="utf-8"))["answers"]
    assert list(written) == ["q-meetings", "q-tiers", "q-night-talks"]  # pack order, not answering order


def test_ctrl_c_saves_and_says_how_to_resume(runner, pack_file, tmp_path, monkeypatch):
    answers = tmp_path / "answers.yaml"
    typed = iter(["阳光社区", "", "", "", "8"])

    def prompt(text, default=None, **kwargs):
        try:
            return next(typed)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr(click, "prompt", prompt)
    outcome = runner.invoke(main, ["fill", "-o", str(answers), "--pack", str(pack_file), "--lang", "en"])
    assert outcome.exit_code == 130
    assert "Saved to" in outcome.output and "1/5 answered" in outcome.output
    assert "--lang en" in outcome.output
    assert load_answer_file(answers).data.answers == {"q-meetings": 8}


def test_existing_answers_are_never_overwritten_without_revisit(runner, pack_file, write):
    answers = write("answers.yaml", f"""\
        pack: {pack_file}
        community: {{name: 阳光社区}}
        answers:
          q-meetings: 5
          q-tiers: two
        """)
    outcome = fill(runner, answers, pack_file, ["y", "", ""])
    assert outcome.exit_code == 0, outcome.output
    assert "年度会议次数" not in outcome.output and "组织层级" not in outcome.output
    assert load_answer_file(answers).data.answers == {"q-meetings": 5, "q-tiers": "two", "q-night-talks": True}

    revisit = fill(runner, answers, pack_file, ["", "three", "", "", ""], "--revisit")
    assert revisit.exit_code == 0, revisit.output
    assert "当前答案: 5（回车保留）" in revisit.output
    assert load_answer_file(answers).data.answers == {"q-meetings": 5, "q-tiers": "three", "q-night-talks": True}


def test_residents_append_one_entry_per_run_and_resume_an_unfinished_one(runner, pack_file, tmp_path):
    answers = tmp_path / "answers.yaml"
    first = fill(runner, answers, pack_file, ["阳光社区", "", "4", "5"], "--respondent", "resident")
    assert first.exit_code == 0, first.output
    assert "[R-001]" in first.output and "回车为新受访者" in first.output
    second = fill(runner, answers, pack_file, ["", "3"], "--respondent", "resident")  # stops before q-voice
    assert second.exit_code == 130 and "--respondent resident --respondent-id R-002" in second.output
    third = fill(runner, answers, pack_file, ["R-002", "2"], "--respondent", "resident")
    assert third.exit_code == 0, third.output
    assert "继续填写 R-002 的问卷（已答 1/2 题）" in third.output
    fourth = fill(runner, answers, pack_file, ["1"], "--respondent", "resident", "--respondent-id", "R-001",
                  "--lang", "en")
    assert "Continuing R-001's questionnaire (2/2 answered)" in fourth.output
    data = load_answer_file(answers).data
    assert [(r.id, r.answers) for r in data.respondents] == [
        ("R-001", {"q-trust": 4, "q-voice": 5}),
        ("R-002", {"q-trust": 3, "q-voice": 2}),
    ]
    assert data.answers == {}


def test_enter_after_a_resident_who_skipped_questions_starts_a_new_person(runner, pack_file, tmp_path):
    answers = tmp_path / "answers.yaml"
    first = fill(runner, answers, pack_file, ["阳光社区", "", "4", ""], "--respondent", "resident")
    assert first.exit_code == 0, first.output  # R-001 skipped q-voice
    second = fill(runner, answers, pack_file, ["", "2", "3"], "--respondent", "resident")
    assert second.exit_code == 0, second.output
    assert "[R-002]" in second.output and "继续填写" not in second.output
    data = load_answer_file(answers).data
    assert [(r.id, r.answers) for r in data.respondents] == [
        ("R-001", {"q-trust": 4}),
        ("R-002", {"q-trust": 2, "q-voice": 3}),
    ]


def test_english_prompts(runner, pack_file, tmp_path):
    outcome = fill(runner, tmp_path / "a.yaml", pack_file, ["Sunshine", "", "1"], "--lang", "en")
    assert "Community name" in outcome.output and "Question 2/5 · 0 answered" in outcome.output
    assert "Tiers (required)\n" in outcome.output and "Help: Count formal branches" in outcome.output
    assert "1. Three\n" in outcome.output and "[three]" not in outcome.output and "[q-tiers]" not in outcome.output
    assert "Enter a whole number in times (0–100)" in outcome.output
    resident = fill(runner, tmp_path / "a.yaml", pack_file, ["R-050"], "--lang", "en", "--respondent", "resident")
    assert "Enter 1–5 (1=Strongly disagree, 5=Strongly agree)" in resident.output
    assert "Saved to" in resident.output and "(R-050): 0/2 answered" in resident.output
    assert not {"（", "）", "，", "："} & set(resident.output)


def test_a_broken_answer_file_is_reported_and_left_alone(runner, pack_file, write):
    text = f"pack: {pack_file}\ncommunity: {{name: 社区}}\nanswers:\n  q-meetings: lots\n"
    answers = write("answers.yaml", text)
    outcome = fill(runner, answers, pack_file, ["1"])
    assert outcome.exit_code == 1 and "answers.yaml:4" in outcome.output and "q-meetings" in outcome.output
    assert answers.read_text(encoding="utf-8") == text


def test_a_file_for_another_pack_is_refused(runner, pack_file, write, tmp_path):
    answers = write("answers.yaml", f"pack: {pack_file}\ncommunity: {{name: 社区}}\n")
    other = write("other.yaml", FILL_PACK.replace("id: fillpack", "id: other"))
    outcome = runner.invoke(main, ["fill", "-o", str(answers), "--pack", str(other)], input="1\n")
    assert outcome.exit_code == 1 and "was filled for pack" in outcome.output


def test_comments_in_an_existing_file_are_warned_about(runner, pack_file, write):
    answers = write("answers.yaml", f"# 我的备注\npack: {pack_file}\ncommunity: {{name: 社区}}\n")
    outcome = fill(runner, answers, pack_file, ["", "", "", "", ""])
    assert "注释不会保留" in outcome.output


def test_saved_file_reads_back_as_the_same_answers(runner, pack_file, tmp_path):
    answers = tmp_path / "answers.yaml"
    fill(runner, answers, pack_file, ["社区", "0", "2", "n", "3", "a: b # not a comment"])
    raw = yaml.safe_load(answers.read_text(encoding="utf-8"))
    assert raw["answers"]["q-story"] == "a: b # not a comment"
    assert AnswerFile.model_validate(raw).answers == load_answer_file(answers).data.answers


HUMAN_PACK = f"""\
id: humanpack
version: "1"
title: {{zh: 口语作答测试包, en: Spoken answers pack}}
dimensions:
  - id: lead
    title: {{zh: 党建引领, en: Leadership}}
    indicators:
      - id: lead-org
        title: {{zh: 组织建设, en: Organization}}
        sources:
          - {{seed: {SEED}, evidence: "one party committee and three centers"}}
        questions:
          - id: q-coverage
            type: number
            title: {{zh: 网格党组织覆盖率, en: Grid Party coverage}}
            unit: {{zh: "%", en: "%"}}
            worst: 0
            best: 100
            max: 100
          - id: q-share
            type: number
            title: {{zh: 在职党员报到比例, en: In-service members reported}}
            unit: {{zh: "%", en: "%"}}
            worst: 0
            best: 100
            max: 100
          - id: q-night-talks
            type: yes_no
            title: {{zh: 是否开展夜谈, en: Night talks held}}
          - id: q-agree
            type: likert
            title: {{zh: 党组织带头作用明显, en: The Party organization leads}}
            scale:
              labels: {{1: {{zh: 非常不同意, en: Strongly disagree}}, 5: {{zh: 非常同意, en: Strongly agree}}}}
          - id: q-level
            type: likert
            title: {{zh: 工作评价, en: Rating}}
          - id: q-channels
            type: multi_choice
            title: {{zh: 议事渠道, en: Channels}}
            options:
              - {{id: council, label: {{zh: 议事会, en: Council}}, score: 50}}
              - {{id: online, label: {{zh: 线上, en: Online}}, score: 50}}
"""


def test_a_session_typed_the_way_people_talk(runner, write, tmp_path):
    """是的, 非常同意, 二, 90%, 0.9 → 90 % after 是, 无 for none of these, and ＜ to go back (issue: forgiving fill)."""
    pack_path = write("human.yaml", HUMAN_PACK)
    answers = tmp_path / "answers.yaml"
    typed = ["幸福社区", "", "", "1",  # name, district, sub-district, kind 1 = 老旧小区
             "９０％", "0.9", "是", "是的", "＜", "对", "非常同意", "二", "无"]
    outcome = runner.invoke(main, ["fill", "-o", str(answers), "--pack", str(pack_path)],
                            input="".join(f"{line}\n" for line in typed))
    assert outcome.exit_code == 0, outcome.output
    assert "是否指 90%？" in outcome.output
    data = load_answer_file(answers).data
    assert data.community.type == "老旧小区"
    assert data.answers == {"q-coverage": 90, "q-share": 90, "q-night-talks": True, "q-agree": 5, "q-level": 2,
                            "q-channels": []}
    assert "当前答案: 是" in outcome.output  # going back shows the answer as 是, not True or yes


def test_a_fraction_kept_as_typed_when_the_person_says_no(runner, write, tmp_path):
    pack_path = write("human.yaml", HUMAN_PACK)
    answers = tmp_path / "answers.yaml"
    typed = ["幸福社区", "", "", "", "0.5", "否"]
    outcome = runner.invoke(main, ["fill", "-o", str(answers), "--pack", str(pack_path)],
                            input="".join(f"{line}\n" for line in typed))
    assert load_answer_file(answers).data.answers["q-coverage"] == 0.5, outcome.output


def test_the_resume_command_keeps_revisit(tmp_path):
    from assess.responses.fill import resume_command

    command = resume_command(tmp_path / "a.yaml", "resident", "R-001", None, "zh", revisit=True)
    assert "--revisit" in command and "--respondent resident" in command and "--respondent-id R-001" in command


def test_numbers_and_options_typed_as_people_say_them_with_rounded_figures_confirmed(runner, pack_file, tmp_path):
    """约十二次 is asked about (按 12 记录？): 否 asks again; 第二个 picks the second option; the end names the
    unanswered questions by their titles, never by id."""
    answers = tmp_path / "answers.yaml"
    outcome = fill(runner, answers, pack_file, ["社区", "约十二次", "否", "十二次", "第二个", "", "", ""])
    assert outcome.exit_code == 0, outcome.output
    assert "按 12 记录？（是/否）" in outcome.output and "请重新输入" in outcome.output
    assert load_answer_file(answers).data.answers == {"q-meetings": 12, "q-tiers": "two"}
    assert "还有 3 题未答（是否开展居民夜话；参与渠道有哪些；典型做法）" in outcome.output
    assert "q-" not in outcome.output.replace(str(tmp_path), "")


def test_an_unknown_community_type_is_asked_again_with_the_known_types(runner, pack_file, tmp_path):
    answers = tmp_path / "answers.yaml"
    typed = ["阳光社区", "", "", "老社区", "老小区"]
    outcome = runner.invoke(main, ["fill", "-o", str(answers), "--pack", str(pack_file)],
                            input="".join(f"{line}\n" for line in typed))
    assert "没有这种社区类型 “老社区”，可填：老旧小区（也可写 老旧社区、老小区）" in outcome.output
    assert load_answer_file(answers).data.community.type == "老小区"


def test_the_end_names_plan_sample_and_every_command_as_people_type_it(runner, pack_file, tmp_path):
    """答卷.yaml is written bare (not '答卷.yaml'); a name with a space is quoted; the residents' questionnaires
    are planned with assess plan-sample, Chinese first, English after the slash."""
    answers = tmp_path / "答卷.yaml"
    done = fill(runner, answers, pack_file, ["阳光社区", "8", "1", "否", "2", "楼道议事"])
    assert done.exit_code == 0, done.output
    assert f"计算得分：assess score {answers}\n" in done.output
    assert f"居民问卷要收多少份（总分精确到 ±3 分）：assess plan-sample {answers}" in done.output
    assert f" / How many residents' questionnaires to collect (±3 points): assess plan-sample {answers}" in done.output
    stopped = fill(runner, tmp_path / "新 答卷.yaml", pack_file, ["阳光社区", "8"])
    assert f"assess fill -o '{tmp_path / '新 答卷.yaml'}' --pack {pack_file}" in stopped.output
    english = fill(runner, tmp_path / "a.yaml", pack_file, ["Sunny", "8", "1", "n", "2", "talks"], "--lang", "en")
    assert "How many residents' questionnaires to collect (±3 points): assess plan-sample" in english.output
    assert "居民" not in english.output
