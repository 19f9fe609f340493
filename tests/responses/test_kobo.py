"""`assess import`: KoboToolbox and ODK Central exports (CSV, XLSX) into answer files, and the round trip
pack → XLSForm → export → import → score, which must equal scoring the same answers directly."""

from __future__ import annotations

import csv
import io
import json
import random
import uuid
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from assess.cli import main
from assess.errors import AssessError, ProblemsError
from assess.packs.loading import LoadedPack, load_pack
from assess.packs.xlsform import build_xlsform, xlsform_bytes
from assess.responses.answer_file import AnswerFile, Community, RespondentEntry, load_answer_file
from assess.responses.importing import import_file
from assess.responses.reading import ReadOptions
from assess.responses.respondents import read_respondents
from assess.scoring.score import score
from tests.packs.test_xlsform import ALL_TYPES_PACK

KOBO_META = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
             "__version__", "_tags", "_index"]
CENTRAL_META = ["KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
                "ReviewState", "DeviceID", "Edits", "FormVersion"]


# -- a synthetic export, built from the XLSForm the way the tools build theirs ---------------------------


def form_questions(loaded: LoadedPack, respondent: str = "resident") -> list[tuple[str, str, object]]:
    """(group name, question name, pack question) for each question row of the exported XLSForm.

    The names are read from the form file itself; the pack question is matched by position and checked
    by its label, so the test does not reuse the code under test to find the names.
    """
    book = load_workbook(io.BytesIO(xlsform_bytes(build_xlsform(loaded, respondent))))
    rows = list(book["survey"].iter_rows(values_only=True))
    column = {name: i for i, name in enumerate(rows[0])}
    pack_questions = [q for _, _, q in loaded.pack.questions() if q.respondent == respondent]
    found, group = [], None
    for row in rows[1:]:
        kind, name = row[column["type"]], row[column["name"]]
        if kind == "begin_group":
            group = name
        elif kind == "end_group":
            group = None
        elif kind not in ("start", "end"):
            question = pack_questions[len(found)]
            assert row[column["label::English (en)"]] == question.title.en
            found.append((group, name, question))
    assert len(found) == len(pack_questions)
    return found


def random_answer(question, rng: random.Random):
    """A valid canonical answer, or None (unanswered) one time in six."""
    if rng.random() < 1 / 6:
        return None
    if question.type == "likert":
        return rng.randint(question.scale.min, question.scale.max)
    if question.type == "yes_no":
        return rng.random() < 0.5
    if question.type == "choice":
        return rng.choice(question.options).id
    if question.type == "multi_choice":
        chosen = [o.id for o in question.options if rng.random() < 0.5]
        return chosen or None
    if question.type == "number":
        return rng.randint(0, 50) if question.integer else round(rng.uniform(0, 60), 2)
    return rng.choice(["多建活动室", "more benches, please", "无"])


def respondents(loaded: LoadedPack, n: int, seed: int, respondent: str = "resident") -> list[RespondentEntry]:
    rng = random.Random(seed)
    questions = [q for _, _, q in loaded.pack.questions() if q.respondent == respondent]
    people = []
    for _ in range(n):
        answers = {q.id: a for q in questions if (a := random_answer(q, rng)) is not None}
        people.append(RespondentEntry(id=str(uuid.UUID(int=rng.getrandbits(128))), answers=answers))
    return people


def cell(question, value) -> str | int | float:
    if value is None:
        return ""
    if question.type == "yes_no":
        return "yes" if value else "no"
    if question.type == "multi_choice":
        return " ".join(value)
    return value


LAYOUTS = {
    # tool, file type, group separator, select_multiple as ("joined" | "split" | "both"), CSV delimiter
    "kobo-csv-semicolon": ("kobo", "csv", "/", "joined", ";"),
    "kobo-csv-comma-split": ("kobo", "csv", "/", "split", ","),
    "kobo-xlsx-both": ("kobo", "xlsx", "/", "both", None),
    "kobo-xlsx-dot": ("kobo", "xlsx", ".", "joined", None),
    "central-csv": ("central", "csv", "-", "joined", ","),
    "central-csv-split": ("central", "csv", "-", "split", ","),
    "central-xlsx": ("central", "xlsx", "-", "joined", None),
}


def write_export(path: Path, layout: str, questions: list, people: list[RespondentEntry]) -> Path:
    tool, kind, sep, multi, delimiter = LAYOUTS[layout]
    header: list[str] = [] if tool == "kobo" else ["SubmissionDate"]
    header += ["start", "end"]
    getters = []
    for group, name, question in questions:
        column = f"{group}{sep}{name}"
        if question.type != "multi_choice" or multi in ("joined", "both"):
            header.append(column)
            getters.append(lambda a, q=question: cell(q, a.get(q.id)))
        if question.type == "multi_choice" and multi in ("split", "both"):
            for option in question.options:
                header.append(f"{column}/{option.id}")
                getters.append(
                    lambda a, q=question, o=option.id: "" if q.id not in a else (1 if o in a[q.id] else 0)
                )
    header += KOBO_META if tool == "kobo" else ["meta-instanceID", *CENTRAL_META]
    rows = []
    for n, person in enumerate(people):
        values = [g(person.answers) for g in getters]
        if tool == "kobo":
            meta = [n + 1, person.id, "2024-05-01T10:00:00", "", "[]", "submitted_via_web", "", "v1", "[]", n + 1]
            rows.append(["2024-05-01T09:00:00", "2024-05-01T09:10:00", *values, *meta])
        else:
            meta = [f"uuid:{person.id}", f"uuid:{person.id}", "5", "collector", 0, 0, "", "", "", 0, "1"]
            rows.append(["2024-05-01T10:00:00Z", "2024-05-01T09:00:00", "2024-05-01T09:10:00", *values, *meta])
    if kind == "csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow(header)
            writer.writerows(rows)
    else:
        book = Workbook()
        book.active.append(header)
        for row in rows:
            book.active.append(row)
        book.save(path)
    return path


def answer_file(loaded: LoadedPack, people: list[RespondentEntry]) -> AnswerFile:
    return AnswerFile(pack=loaded.file, community=Community(name="幸福社区"), respondents=people)


@pytest.fixture
def all_types(write) -> LoadedPack:
    return load_pack(write("all-types.yaml", ALL_TYPES_PACK))


# -- the round trip ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_round_trip_scores_equal_scoring_the_answers_directly(layout, all_types, tmp_path, runner):
    people = respondents(all_types, 40, seed=len(layout))
    export = write_export(tmp_path / f"export.{LAYOUTS[layout][1]}", layout, form_questions(all_types), people)
    out = tmp_path / "answers.yaml"
    args = ["import", str(export), "--pack", all_types.file, "-o", str(out), "--community-name", "幸福社区"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "40 row(s) read, 40 imported, 0 skipped" in result.output
    imported = load_answer_file(out)
    assert imported.data.respondents == [] and imported.data.respondents_table == "answers.residents.csv"
    read_back = list(read_respondents(out, all_types))  # from the residents' table beside the answer file
    assert read_back == people
    direct = score(all_types, answer_file(all_types, people))
    assert score(imported.pack, answer_file(all_types, read_back)) == direct
    assert direct.respondents == 40 and direct.overall.score is not None


@pytest.mark.parametrize("layout", ["kobo-xlsx-both", "central-csv"])
def test_round_trip_of_the_example_district_pack(layout, tmp_path):
    loaded = load_pack("kuangqu-demo")
    people = respondents(loaded, 25, seed=7)
    export = write_export(tmp_path / f"e.{LAYOUTS[layout][1]}", layout, form_questions(loaded), people)
    result = import_file(export, loaded.pack, "kuangqu-demo", "幸福社区")
    assert (result.rows_read, result.imported, result.skipped) == (25, 25, 0)
    assert score(loaded, result.answers) == score(loaded, answer_file(loaded, people))


@pytest.mark.parametrize("layout", ["kobo-csv-comma-split", "central-xlsx"])
def test_round_trip_of_the_committee_questionnaire_fills_the_answers_block(layout, tmp_path, runner):
    loaded = load_pack("core")
    [submission] = respondents(loaded, 1, seed=3, respondent="committee")
    questions = form_questions(loaded, "committee")
    export = write_export(tmp_path / f"e.{LAYOUTS[layout][1]}", layout, questions, [submission])
    out = tmp_path / "answers.yaml"
    result = runner.invoke(main, ["import", str(export), "-o", str(out), "--community-name", "幸福社区"])
    assert result.exit_code == 0, result.output
    assert "imported as the committee's answers" in result.output
    imported = load_answer_file(out)
    assert imported.data.respondents == [] and imported.data.answers == submission.answers
    direct = AnswerFile(pack="core", community=Community(name="幸福社区"), answers=submission.answers)
    scored = score(imported.pack, imported.data)
    assert scored == score(loaded, direct) and scored.respondents == 0


# -- what is kept out, and what is refused ----------------------------------------------------------------


def write_csv(path: Path, header: list[str], *rows: list) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


HEADER = ["start", "civic_life/q_trust", "civic_life/q_visits", "civic_life/q_help_kinds", "_uuid", "_id"]


def test_meta_columns_stay_out_of_the_answers_and_ids_come_from_uuid(all_types, tmp_path):
    export = write_csv(tmp_path / "e.csv", HEADER, ["2024", "4", "3", "jobs childcare", "abc-1", "9"])
    [entry] = import_file(export, all_types.pack, "all-types.yaml", "x").answers.respondents
    assert entry.id == "abc-1"
    assert entry.answers == {"q-trust": 4, "q-visits": 3, "q-help-kinds": ["jobs", "childcare"]}


@pytest.mark.parametrize(
    "column", ["meta/rootUuid", "meta/deprecatedID", "meta-audit", "meta.someFutureField", "formhub/uuid"]
)
def test_any_column_of_the_meta_group_is_meta(column, all_types, tmp_path):
    export = write_csv(tmp_path / "e.csv", [*HEADER, column], ["", "4", "", "", "abc-1", "9", "uuid:x"])
    [entry] = import_file(export, all_types.pack, "p", "x").answers.respondents
    assert entry.answers == {"q-trust": 4}


def test_question_ids_are_accepted_as_column_names_too(all_types, tmp_path):
    export = write_csv(tmp_path / "e.csv", ["q-trust", "civic-life-q-joined", "meta-instanceID"], ["5", "no", "uuid:7"])
    [entry] = import_file(export, all_types.pack, "p", "x").answers.respondents
    assert (entry.id, entry.answers) == ("7", {"q-trust": 5, "q-joined": False})


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_imported(all_types, tmp_path):
    export = write_csv(
        tmp_path / "e.csv", HEADER,
        ["", "4", "3", "", "a", "1"],
        ["", "7", "3", "", "b", "2"],
        ["", "4", "3.5", "jobs cooking", "c", "3"],
    )
    with pytest.raises(ProblemsError) as caught:
        import_file(export, all_types.pack, "p", "x")
    located = [(p.line, p.field) for p in caught.value.problems if p.line]
    assert located == [(3, "civic_life/q_trust"), (4, "civic_life/q_help_kinds"), (4, "civic_life/q_visits")]
    assert "3 row(s) read, 2 with problems; nothing was written" in str(caught.value)
    assert "'cooking' is not an option" in str(caught.value)


def test_skip_bad_rows_imports_the_others_and_lists_what_was_skipped(all_types, tmp_path, runner):
    export = write_csv(tmp_path / "e.csv", HEADER, ["", "4", "", "", "a", "1"], ["", "9", "", "", "b", "2"], [])
    out = tmp_path / "answers.yaml"
    base = ["import", str(export), "--pack", all_types.file, "-o", str(out)]
    refused = runner.invoke(main, base)
    assert refused.exit_code == 1 and "e.csv:3: civic_life/q_trust" in refused.output and not out.exists()
    result = runner.invoke(main, [*base, "--skip-bad-rows", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["rows_read"], report["imported"], report["skipped"], report["blank"]) == (2, 1, 1, 1)
    assert [(p["row"], p["column"]) for p in report["problems"]] == [(3, "civic_life/q_trust")]
    assert [r.id for r in read_respondents(out, all_types)] == ["a"]


def test_the_table_summary_counts_rows_and_warns_about_skipped_ones(all_types, tmp_path, runner):
    export = write_csv(tmp_path / "e.csv", HEADER, ["", "4", "", "", "a", "1"], ["", "9", "", "", "b", "2"])
    out = tmp_path / "answers.yaml"
    result = runner.invoke(main, ["import", str(export), "--pack", all_types.file, "-o", str(out), "--skip-bad-rows"])
    assert "2 row(s) read, 1 imported, 1 skipped" in result.stdout
    assert "已跳过 / skipped" in result.stderr and "must be a whole number from 1 to 5" in result.stderr
    assert load_answer_file(out).data.community.name == "e"  # the export's name stands in for the community


def test_duplicate_submissions_are_refused(all_types, tmp_path):
    export = write_csv(tmp_path / "e.csv", HEADER, ["", "4", "", "", "a", "1"], ["", "5", "", "", "a", "2"])
    with pytest.raises(ProblemsError, match="appears twice"):
        import_file(export, all_types.pack, "p", "x")


def test_unknown_columns_are_set_aside_with_a_warning_and_strict_refuses_them(all_types, tmp_path):
    header = ["civic_life/q_trust", "civic_life/q_trusst", "Label of something", "_uuid"]
    export = write_csv(tmp_path / "e.csv", header, ["4", "5", "x", "a"])
    result = import_file(export, all_types.pack, "p", "x")
    assert result.answers.respondents[0].answers == {"q-trust": 4}
    assert result.warnings == []
    [(zh, en)] = result.notes
    assert zh == "已忽略的列（可用 --group-by 分组）: civic_life/q_trusst、Label of something"
    assert en.endswith("civic_life/q_trusst, Label of something")
    with pytest.raises(ProblemsError) as caught:
        import_file(export, all_types.pack, "p", "x", options=ReadOptions(strict=True))
    messages = {p.field: p.message for p in caught.value.problems}
    assert "did you mean civic_life/q_trust" in messages["civic_life/q_trusst"]
    assert set(messages) == {"civic_life/q_trusst", "Label of something"}


def test_an_export_without_submission_ids_is_refused(all_types, tmp_path):
    export = write_csv(tmp_path / "e.csv", ["civic_life/q_trust"], ["4"])
    with pytest.raises(ProblemsError, match="has no submission id column"):
        import_file(export, all_types.pack, "p", "x")


def test_one_column_per_option_must_be_0_or_1_and_agree_with_the_answer_column(all_types, tmp_path):
    split = "civic_life/q_help_kinds/"
    header = ["civic_life/q_help_kinds", f"{split}elderly-care", f"{split}childcare", f"{split}jobs", "_uuid"]
    export = write_csv(tmp_path / "e.csv", header, ["jobs", "0", "0", "1", "a"], ["jobs", "0", "1", "1", "b"],
                       ["", "2", "0", "0", "c"])
    with pytest.raises(ProblemsError) as caught:
        import_file(export, all_types.pack, "p", "x")
    assert [(p.line, p.field) for p in caught.value.problems if p.line] == [
        (3, "civic_life/q_help_kinds"), (4, f"{split}elderly-care")
    ]


def test_a_disagreement_shows_the_answer_cell_as_written_and_names_its_column(all_types, tmp_path):
    split = "civic_life/q_help_kinds/"
    header = ["civic_life/q_help_kinds", f"{split}elderly-care", f"{split}childcare", f"{split}jobs", "_uuid"]
    export = write_csv(tmp_path / "e.csv", header, ["jobs bogus", "0", "0", "1", "a"])
    with pytest.raises(ProblemsError) as caught:
        import_file(export, all_types.pack, "p", "x")
    messages = [p.message for p in caught.value.problems if p.line == 2]
    assert {p.field for p in caught.value.problems if p.line == 2} == {"civic_life/q_help_kinds"}
    [disagreement] = [m for m in messages if "one-per-option" in m]
    assert "the answer column holds 'jobs bogus'" in disagreement and "tick 'jobs'" in disagreement
    assert "答案列写的是 'jobs bogus'" in disagreement


def test_xlsx_numbers_dates_and_blank_rows(all_types, tmp_path):
    book = Workbook()
    book.active.append(["civic_life/q_visits", "civic_life/q_hours", "civic_life/q_trust", "_submission_time", "_uuid"])
    book.active.append([12, 2.5, 3.0, __import__("datetime").datetime(2024, 5, 1), "a"])
    book.active.append([None, None, None, None, None])
    book.active.append([None, None, None, None, "b"])
    path = tmp_path / "e.xlsx"
    book.save(path)
    result = import_file(path, all_types.pack, "p", "x")
    assert result.answers.respondents[0].answers == {"q-visits": 12, "q-hours": 2.5, "q-trust": 3}
    assert (result.rows_read, result.blank) == (2, 1)


def test_answer_file_names_the_pack_relative_to_itself(all_types, tmp_path, runner):
    export = write_csv(tmp_path / "e.csv", HEADER, ["", "4", "", "", "a", "1"])
    out = tmp_path / "out" / "answers.yaml"
    assert runner.invoke(main, ["import", str(export), "--pack", all_types.file, "-o", str(out)]).exit_code == 0
    assert "pack: ../all-types.yaml" in out.read_text(encoding="utf-8")
    assert load_answer_file(out).pack.pack.id == "all-types"


def test_existing_answer_file_is_never_overwritten(all_types, tmp_path, runner):
    export = write_csv(tmp_path / "e.csv", HEADER, ["", "4", "", "", "a", "1"])
    out = tmp_path / "answers.yaml"
    out.write_text("mine", encoding="utf-8")
    result = runner.invoke(main, ["import", str(export), "--pack", all_types.file, "-o", str(out)])
    assert result.exit_code == 1 and "--force" in result.output and out.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.csv", None, "file not found"),
        ("e.json", "{}", "expected a .csv or .xlsx"),
        ("e.xlsx", "not a workbook", "cannot be read as an XLSX workbook"),
        ("e.csv", "", "the file is empty"),
    ],
)
def test_unreadable_exports_are_clean_errors(name, content, expected, tmp_path, runner):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = runner.invoke(main, ["import", str(path), "-o", str(tmp_path / "a.yaml")])
    assert result.exit_code == 1 and expected in result.output and "Traceback" not in result.output


# -- the committee questionnaire: one submission per community ---------------------------------------------

COMMITTEE_HEADER = ["start", "civic_life/q_staff", "_uuid", "_submission_time", "meta/rootUuid"]


def committee_export(tmp_path: Path, *staff: str) -> Path:
    rows = [["2024", n, f"sub-{i}", f"2024-05-0{i}T10:00:00", "r"] for i, n in enumerate(staff, start=1)]
    return write_csv(tmp_path / "committee.csv", COMMITTEE_HEADER, *rows)


def test_a_committee_export_fills_the_answers_block_not_a_respondent(all_types, tmp_path):
    result = import_file(committee_export(tmp_path, "6"), all_types.pack, "p", "x")
    assert result.block == "answers"
    assert result.answers.answers == {"q-staff": 6} and result.answers.respondents == []
    scored = score(all_types, result.answers)
    assert scored.respondents == 0 and next(q for q in scored.questions if q.id == "q-staff").score == 60


def test_several_committee_submissions_are_refused_with_their_rows(all_types, tmp_path, runner):
    export = committee_export(tmp_path, "6", "8", "7")
    with pytest.raises(ProblemsError) as caught:
        import_file(export, all_types.pack, "p", "x")
    rows = [(p.line, p.message) for p in caught.value.problems if p.line]
    assert rows == [
        (2, "提交 sub-1，2024-05-01T10:00:00 / submission sub-1, 2024-05-01T10:00:00"),
        (3, "提交 sub-2，2024-05-02T10:00:00 / submission sub-2, 2024-05-02T10:00:00"),
        (4, "提交 sub-3，2024-05-03T10:00:00 / submission sub-3, 2024-05-03T10:00:00"),
    ]
    [explanation] = [p.message for p in caught.value.problems if not p.line]
    assert "this file has 3" in explanation and "the latest: --row 4" in explanation
    assert "此文件却有 3 份提交" in explanation and "最新的一份：--row 4" in explanation
    out = tmp_path / "answers.yaml"
    refused = runner.invoke(main, ["import", str(export), "--pack", all_types.file, "-o", str(out)])
    assert refused.exit_code == 1 and "committee.csv:3: 提交 sub-2" in refused.output and not out.exists()


def test_row_picks_one_committee_submission_and_counts_the_others(all_types, tmp_path, runner):
    export = committee_export(tmp_path, "6", "8", "7")
    out = tmp_path / "answers.yaml"
    args = ["import", str(export), "--pack", all_types.file, "-o", str(out), "--row", "3"]
    result = runner.invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["block"], report["row"], report["rows_read"], report["imported"], report["not_chosen"]) == (
        "answers", 3, 3, 1, 2
    )
    assert load_answer_file(out).data.answers == {"q-staff": 8}
    table = runner.invoke(main, [*args, "--force"])
    assert "3 row(s) read, 1 imported, 0 skipped" in table.output and "2 not chosen (--row 3)" in table.output


def test_a_row_without_a_submission_is_a_clean_error(all_types, tmp_path, runner):
    export = committee_export(tmp_path, "6", "8")
    result = runner.invoke(main, ["import", str(export), "--pack", all_types.file, "-o", str(tmp_path / "a.yaml"),
                                  "--row", "7"])
    assert result.exit_code == 1 and "row 7 holds no submission" in result.output and "rows 2–3" in result.output


def test_respondent_option_overrides_what_the_questions_suggest(all_types, tmp_path):
    export = committee_export(tmp_path, "6", "8")
    result = import_file(export, all_types.pack, "p", "x", respondent="resident")
    assert result.block == "respondents" and [r.id for r in result.answers.respondents] == ["sub-1", "sub-2"]
    residents = write_csv(tmp_path / "e.csv", HEADER, ["", "4", "", "", "a", "1"])
    committee = import_file(residents, all_types.pack, "p", "x", respondent="committee")
    assert committee.answers.answers == {"q-trust": 4} and committee.answers.respondents == []


def test_an_export_mixing_committee_and_individual_questions_needs_the_respondent_option(all_types, tmp_path):
    export = write_csv(tmp_path / "e.csv", ["civic_life/q_staff", "civic_life/q_trust", "_uuid"], ["6", "4", "a"])
    with pytest.raises(AssessError, match="--respondent committee") as caught:
        import_file(export, all_types.pack, "p", "x")
    assert "q-staff" in str(caught.value) and "q-trust" in str(caught.value) and "社区两委题目" in str(caught.value)


def test_a_non_utf8_export_names_the_line_of_the_first_bad_byte(all_types, tmp_path):
    export = tmp_path / "gbk.csv"
    good = "civic_life/q_trust,_uuid\n" + "".join(f"4,u{i}\n" for i in range(10_000))  # past the 64 KiB sniffed
    export.write_bytes(good.encode("utf-8") + "4,社区\n".encode("gbk"))
    with pytest.raises(AssessError, match=r"gbk.csv:10002: 文件不是 UTF-8 编码"):
        import_file(export, all_types.pack, "p", "x")


def test_an_export_of_many_bad_rows_is_counted_once_the_same_way_read_or_imported(all_types, tmp_path):
    """Kobo reads through the shared row loop and problem list: of 250 bad rows, those not shown are counted
    in one line that adds up, whether the export is given to --respondents or imported; a rejected
    submission is passed over and the others keep their spreadsheet row numbers."""
    rows = [["", "9", "", "", f"s{n}", str(n)] for n in range(250)]
    export = write_csv(tmp_path / "e.csv", [*HEADER, "_validation_status"], ["", "4", "", "", "ok", "0", "rejected"],
                       *[[*r, ""] for r in rows])
    with pytest.raises(ProblemsError) as read:
        list(read_respondents(export, all_types))
    with pytest.raises(ProblemsError) as imported:
        import_file(export, all_types.pack, "p", "x")
    for caught, unshown in ((read, 200), (imported, 201)):  # the import's refusal is one of the lines shown
        lines = str(caught.value).splitlines()
        assert len(lines) == 51 and lines[-1].endswith(f"{unshown} more problems not shown")
        assert "more problem(s)" not in str(caught.value)
    assert read.value.problems[0].line == 3  # row 2 is the rejected one, passed over
    assert "nothing was written" in str(imported.value).splitlines()[0]
