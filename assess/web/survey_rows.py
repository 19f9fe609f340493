"""Phone answers as a residents' file: the project's own table, read and scored as an uploaded file is.

The rows are written as the project's residents' CSV (`respondent_id`, the attributes, one column per
question id, canonical values as cells) and handed to the same scoring call as an upload, with the
attributes as groups, so coverage, reliability, groups and the residents' sampling uncertainty come
from one path. When a file was uploaded as well, its residents are read by the responses stage (whatever
its layout: 问卷星, Kobo, the project's own) and written into the same table, after the phone answers,
with a `来源` (source) column that keeps the two kinds of rows apart in the groups.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from assess.packs import load_pack
from assess.responses import ReadOptions, read_respondents
from assess.web.survey import current_link, unit_responses

SOURCE = "来源"
FROM_PHONE = "手机问卷"
FROM_FILE = "上传文件"


def cell(value: Any) -> str:
    """A canonical value as a residents' file cell that reads back to the same value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)


def respondent_columns(pack_ref: str) -> list[str]:
    """The ids of every question residents' files answer (Party members' too, which an upload may carry)."""
    return [q.id for _, _, q in load_pack(pack_ref).pack.questions() if q.respondent != "committee"]


def attribute_names(connection, unit: Any, round_row: Any) -> list[str]:
    link = current_link(connection, unit.id, round_row.id)
    return [a["name"] for a in json.loads(link.attributes)] if link else []


def write_table(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def phone_table(connection, unit: Any, round_row: Any) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the phone answers: respondent_id 手机-1 …, attributes, question ids."""
    names = attribute_names(connection, unit, round_row)
    questions = respondent_columns(round_row.pack)
    rows = []
    for number, row in enumerate(unit_responses(connection, unit.id, round_row.id), start=1):
        answers, given = json.loads(row.answers), json.loads(row.attributes)
        rows.append([f"手机-{number}", *(given.get(n, "") for n in names), *(cell(answers.get(q)) for q in questions)])
    return ["respondent_id", *names, *questions], rows


def write_residents_table(connection, unit: Any, round_row: Any, upload_path: Path | None, reading: ReadOptions,
                          path: Path) -> ReadOptions | None:
    """Write the phone answers (and the upload's residents, marked by `来源`) to `path` as the project's
    residents' table; how to read it, or None (nothing written) when no phone answers came."""
    header, rows = phone_table(connection, unit, round_row)
    if not rows:
        return None
    names = header[1:len(header) - len(respondent_columns(round_row.pack))]
    if upload_path is None:
        write_table(path, header, rows)
        return ReadOptions(group_by=tuple(names))
    groups = [*dict.fromkeys([*names, *reading.group_by])]
    questions = header[1 + len(names):]
    merged = [[row[0], *row[1:1 + len(names)], *([""] * (len(groups) - len(names))), FROM_PHONE,
               *row[1 + len(names):]] for row in rows]
    for entry in read_respondents(upload_path, load_pack(round_row.pack), options=reading):
        merged.append([f"文件-{entry.id}", *(entry.groups.get(g, "") for g in groups), FROM_FILE,
                       *(cell(entry.answers.get(q)) for q in questions)])
    write_table(path, ["respondent_id", *groups, SOURCE, *questions], merged)
    return ReadOptions(group_by=(*groups, SOURCE))


@contextmanager
def residents_for_scoring(connection, unit: Any, round_row: Any, upload_path: Path | None,
                          reading: ReadOptions) -> Iterator[tuple[Path | None, ReadOptions]]:
    """The residents' file to score and how to read it: the upload alone when no phone answers came, else
    the table `write_residents_table` makes, valid while in the block."""
    with TemporaryDirectory() as folder:
        path = Path(folder) / "residents.csv"
        table_reading = write_residents_table(connection, unit, round_row, upload_path, reading, path)
        yield (upload_path, reading) if table_reading is None else (path, table_reading)


@dataclass(frozen=True)
class Snapshot:
    """The residents' table of a report job, kept under uploads/ (named by its content, so written once)."""

    stored: str
    sha256: str
    group_by: list[str]


def residents_snapshot(uploads: Path, connection, unit: Any, round_row: Any, upload_path: Path | None,
                       reading: ReadOptions) -> Snapshot | None:
    """The table a report job reads when there are phone answers (None when there are none)."""
    with TemporaryDirectory() as folder:
        made = Path(folder) / "residents.csv"
        table_reading = write_residents_table(connection, unit, round_row, upload_path, reading, made)
        if table_reading is None:
            return None
        data = made.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    target = uploads / f"phone-{digest[:32]}" / "手机问卷及上传.csv"
    if not target.is_file():
        target.parent.mkdir(mode=0o700, exist_ok=True)
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(target)
    return Snapshot(str(target.relative_to(uploads)), digest, list(table_reading.group_by))
