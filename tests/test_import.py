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

from assess.answers import AnswerFile, RespondentEntry, load_answer_file
from assess.cli import main
from assess.errors import ProblemsError
from assess.importer import import_export
from assess.packs import LoadedPack, load_pack
from assess.results import Community
from assess.scoring import score
from assess.xlsform import build_xlsform, xlsform_bytes
from tests.test_xlsform import ALL_TYPES_PACK

KOBO_META = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
             "__version__", "_tags", "_index"]
CENTRAL_META = ["KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
                "ReviewState", "DeviceID", "Edits", "FormVersion"]


# -- a synthetic export, built from the XLSForm the way the tools build theirs ---------------------------


def form_questions(loaded: LoadedPack) -> list[tuple[str, str, object]]:
    """(group name, question name, pack question) for each question row of the exported XLSForm.

    The names are read from the form file itself; the pack question is matched by position and checked
    by its label, so the test does not reuse the code under test to find the names.
    """
    book = load_workbook(io.BytesIO(xlsform_bytes(build_xlsform(loaded, "resident"))))
    rows = list(book["survey"].iter_rows(values_only=True))
    column = {name: i for i, name in enumerate(rows[0])}
    pack_questions = [q for _, _, q in loaded.pack.questions() if q.respondent == "resident"]
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


def respondents(loaded: LoadedPack, n: int, seed: int) -> list[RespondentEntry]:
    rng = random.Random(seed)
    questions = [q for _, _, q in loaded.pack.questions() if q.respondent == "resident"]
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
    assert [r.id for r in imported.data.respondents] == [p.id for p in people]
    direct = score(all_types, answer_file(all_types, people))
    assert score(imported.pack, imported.data) == direct
    assert direct.respondents == 40 and direct.overall.score is not None


@pytest.mark.parametrize("layout", ["kobo-xlsx-both", "central-csv"])
def test_round_trip_of_the_example_district_pack(layout, tmp_path):
    loaded = load_pack("kuangqu-demo")
    people = respondents(loaded, 25, seed=7)
    export = write_export(tmp_path / f"e.{LAYOUTS[layout][1]}", layout, form_questions(loaded), people)
    result = import_export(export, loaded.pack, "kuangqu-demo", "幸福社区")
    assert (result.rows_read, result.imported, result.skipped) == (25, 25, 0)
    assert score(loaded, result.answers) == score(loaded, answer_file(loaded, people))


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
    [entry] = import_export(export, all_types.pack, "all-types.yaml", "x").answers.respondents
    assert entry.id == "abc-1"
    assert entry.answers == {"q-trust": 4, "q-visits": 3, "q-help-kinds": ["jobs", "childcare"]}


def test_question_ids_are_accepted_as_column_names_too(all_types, tmp_path):
    export = write_csv(tmp_path / "e.csv", ["q-trust", "civic-life-q-joined", "meta-instanceID"], ["5", "no", "uuid:7"])
    [entry] = import_export(export, all_types.pack, "p", "x").answers.respondents
    assert (entry.id, entry.answers) == ("7", {"q-trust": 5, "q-joined": False})


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_imported(all_types, tmp_path):
    export = write_csv(
        tmp_path / "e.csv", HEADER,
        ["", "4", "3", "", "a", "1"],
        ["", "7", "3", "", "b", "2"],
        ["", "4", "3.5", "jobs cooking", "c", "3"],
    )
    with pytest.raises(ProblemsError) as caught:
        import_export(export, all_types.pack, "p", "x")
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
    assert [r.id for r in load_answer_file(out).data.respondents] == ["a"]


def test_the_table_summary_counts_rows_and_warns_about_skipped_ones(all_types, tmp_path, runner):
    export = write_csv(tmp_path / "e.csv", HEADER, ["", "4", "", "", "a", "1"], ["", "9", "", "", "b", "2"])
    out = tmp_path / "answers.yaml"
    result = runner.invoke(main, ["import", str(export), "--pack", all_types.file, "-o", str(out), "--skip-bad-rows"])
    assert "2 row(s) read, 1 imported, 1 skipped" in result.stdout
    assert "skipped / 已跳过" in result.stderr and "must be a whole number from 1 to 5" in result.stderr
    assert load_answer_file(out).data.community.name == "e"  # the export's name stands in for the community


def test_duplicate_submissions_are_refused(all_types, tmp_path):
    export = write_csv(tmp_path / "e.csv", HEADER, ["", "4", "", "", "a", "1"], ["", "5", "", "", "a", "2"])
    with pytest.raises(ProblemsError, match="appears twice"):
        import_export(export, all_types.pack, "p", "x")


def test_unknown_columns_are_fatal_with_a_suggestion(all_types, tmp_path):
    export = write_csv(tmp_path / "e.csv", ["civic_life/q_trusst", "Label of something", "_uuid"], ["4", "x", "a"])
    with pytest.raises(ProblemsError) as caught:
        import_export(export, all_types.pack, "p", "x")
    messages = {p.field: p.message for p in caught.value.problems}
    assert "did you mean civic_life/q_trust" in messages["civic_life/q_trusst"]
    assert "question names" in messages["Label of something"]


def test_an_export_without_submission_ids_is_refused(all_types, tmp_path):
    export = write_csv(tmp_path / "e.csv", ["civic_life/q_trust"], ["4"])
    with pytest.raises(ProblemsError, match="no submission id column"):
        import_export(export, all_types.pack, "p", "x")


def test_one_column_per_option_must_be_0_or_1_and_agree_with_the_answer_column(all_types, tmp_path):
    split = "civic_life/q_help_kinds/"
    header = ["civic_life/q_help_kinds", f"{split}elderly-care", f"{split}childcare", f"{split}jobs", "_uuid"]
    export = write_csv(tmp_path / "e.csv", header, ["jobs", "0", "0", "1", "a"], ["jobs", "0", "1", "1", "b"],
                       ["", "2", "0", "0", "c"])
    with pytest.raises(ProblemsError) as caught:
        import_export(export, all_types.pack, "p", "x")
    assert [(p.line, p.field) for p in caught.value.problems if p.line] == [
        (3, "q-help-kinds"), (4, f"{split}elderly-care")
    ]


def test_xlsx_numbers_dates_and_blank_rows(all_types, tmp_path):
    book = Workbook()
    book.active.append(["civic_life/q_visits", "civic_life/q_hours", "civic_life/q_trust", "_submission_time", "_uuid"])
    book.active.append([12, 2.5, 3.0, __import__("datetime").datetime(2024, 5, 1), "a"])
    book.active.append([None, None, None, None, None])
    path = tmp_path / "e.xlsx"
    book.save(path)
    result = import_export(path, all_types.pack, "p", "x")
    assert result.answers.respondents[0].answers == {"q-visits": 12, "q-hours": 2.5, "q-trust": 3}
    assert (result.rows_read, result.blank) == (1, 1)


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
