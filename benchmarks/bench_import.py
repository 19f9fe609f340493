"""How long a district pack takes to resolve, an XLSForm to build, and a phone-survey export to import.

Prints figures, asserts nothing. Exports are generated into a temporary folder from the example district
pack's residents' form (every resident question answered): a KoboToolbox CSV ('/' group paths) and an
XLSX of the same rows.

Run: .venv/bin/python benchmarks/bench_import.py [--rows 2000,20000]
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from assess.packs.loading import load_pack
from assess.packs.xlsform import build_xlsform, form_names, xlsform_bytes
from assess.responses.kobo import import_export

PACK = "kuangqu-demo"


def timed(func, repeat: int = 1):
    """The best wall time of `repeat` runs (seconds) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def cell(question, rng: random.Random):
    if question.type == "likert":
        return str(rng.randint(question.scale.min, question.scale.max))
    if question.type == "yes_no":
        return rng.choice(["yes", "no"])
    if question.type == "choice":
        return rng.choice(question.options).id
    if question.type == "multi_choice":
        return " ".join(o.id for o in question.options if rng.random() < 0.5)
    if question.type == "number":
        return str(rng.randint(int(question.min or 0), int(question.max or 100)))
    return "多建活动室"


def export_rows(rows: int) -> tuple[list[str], list[list[str]]]:
    pack = load_pack(PACK).pack
    names = form_names(pack)
    questions = [(d, q) for d, _, q in pack.questions() if q.respondent == "resident"]
    header = [f"{names[d.id]}/{names[q.id]}" for d, q in questions] + ["_id", "_uuid", "_submission_time"]
    rng = random.Random(1)
    body = [[cell(q, rng) for _, q in questions] + [str(n), f"uuid-{n}", "2024-05-01"] for n in range(rows)]
    return header, body


def write_csv(path: Path, header: list[str], body: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(body)
    return path


def write_xlsx(path: Path, header: list[str], body: list[list[str]]) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    for row in body:
        sheet.append(row)
    book.save(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="2000,20000")
    sizes = [int(n) for n in parser.parse_args().rows.split(",")]

    core_s, _ = timed(lambda: load_pack("core"), repeat=5)
    child_s, loaded = timed(lambda: load_pack(PACK), repeat=5)
    print(f"load core pack: {core_s * 1000:.0f} ms; load {PACK} (extends core, resolved and validated): "
          f"{child_s * 1000:.0f} ms")
    form_s, data = timed(lambda: xlsform_bytes(build_xlsform(loaded, "resident")), repeat=5)
    print(f"residents' XLSForm of {PACK}: {form_s * 1000:.0f} ms, {len(data) / 1024:.0f} KiB")

    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            header, body = export_rows(rows)
            for kind, writer in (("csv", write_csv), ("xlsx", write_xlsx)):
                path = writer(Path(tmp) / f"export-{rows}.{kind}", header, body)
                seconds, result = timed(lambda p=path: import_export(p, loaded.pack, PACK, "bench"))
                print(f"import {rows:>7,} rows x {len(header) - 3} questions from {kind.upper():4}: {seconds:6.2f} s "
                      f"({rows / seconds:,.0f} rows/s; {result.imported:,} imported)")


if __name__ == "__main__":
    main()
