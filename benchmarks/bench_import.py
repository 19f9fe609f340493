"""How long a district pack takes to resolve, an XLSForm to build, and a phone-survey export to import.

Prints figures, asserts nothing. Exports are generated into a temporary folder from the example district
pack's residents' form (every resident question answered): a KoboToolbox CSV ('/' group paths) and an
XLSX of the same rows. Writing the answer file is timed three ways in the same run: PyYAML's pure-Python
emitter (what `assess import` used), libyaml's (CSafeDumper), and the line writer it uses now; and the whole
`assess import` command as a user runs it, in a fresh process; then `assess score --respondents` on what it
wrote (the answer file naming its residents' table), on that table alone and on the export, fresh processes,
and the answer file against its table in one warm process (CPU time: the round trip's ratio, free of start-up).

Run: .venv/bin/python benchmarks/bench_import.py [--rows 2000,20000] (--rows 200000 for a district's survey)
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from openpyxl import Workbook

from assess.packs import loading
from assess.packs.loading import load_pack
from assess.packs.xlsform import build_xlsform, form_names, xlsform_bytes
from assess.responses.answer_file import dump_answer_file
from assess.responses.importing import import_file
from assess.scoring.score import score_file

PACK = "kuangqu-demo"


def timed(func, repeat: int = 1):
    """The best wall time of `repeat` runs (seconds) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def cold_load(ref: str):
    """The pack read and resolved from its files, as the first time in a process."""
    loading._LOADED.clear()
    return load_pack(ref)


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

    core_s, _ = timed(lambda: cold_load("core"), repeat=5)
    child_s, loaded = timed(lambda: cold_load(PACK), repeat=5)
    again_s, _ = timed(lambda: load_pack(PACK), repeat=5)
    print(f"load core pack: {core_s * 1000:.0f} ms; load {PACK} (extends core, resolved and validated): "
          f"{child_s * 1000:.0f} ms; again while its files are unchanged: {again_s * 1000:.2f} ms")
    form_s, data = timed(lambda: xlsform_bytes(build_xlsform(loaded, "resident")), repeat=5)
    print(f"residents' XLSForm of {PACK}: {form_s * 1000:.0f} ms, {len(data) / 1024:.0f} KiB")

    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            header, body = export_rows(rows)
            for kind, writer in (("csv", write_csv), ("xlsx", write_xlsx)):
                path = writer(Path(tmp) / f"export-{rows}.{kind}", header, body)
                seconds, result = timed(lambda p=path: import_file(p, loaded.pack, PACK, "bench"))
                print(f"read {rows:>7,} rows x {len(header) - 3} questions from {kind.upper():4}: {seconds:6.2f} s "
                      f"({rows / seconds:,.0f} rows/s; {result.imported:,} imported)")
            print_writers(result.answers)
            print_command(path.with_suffix(".csv"), Path(tmp) / f"imported-{rows}.yaml")


def print_writers(answers) -> None:
    document = yaml.safe_load(dump_answer_file(answers))
    options = {"allow_unicode": True, "sort_keys": False, "default_flow_style": False}
    pure_s, _ = timed(lambda: yaml.dump(document, Dumper=yaml.SafeDumper, **options))
    c_s, _ = timed(lambda: yaml.dump(document, Dumper=yaml.CSafeDumper, **options))
    lines_s, _ = timed(lambda: dump_answer_file(answers))
    print(f"  write the answer file of {len(answers.respondents):,} respondents: pure-Python emitter {pure_s:.2f} s, "
          f"libyaml {c_s:.2f} s, line writer {lines_s:.2f} s ({pure_s / lines_s:.0f}x and {c_s / lines_s:.0f}x faster)")


def print_command(export: Path, output: Path) -> None:
    command = [sys.executable, "-m", "assess", "import", str(export), "--pack", PACK, "-o", str(output),
               "--community-name", "bench", "--format", "json"]
    seconds, done = timed(lambda: subprocess.run(command, capture_output=True, text=True, check=True))
    print(f"  assess import {export.name} -> answer file, whole command: {seconds:.2f} s")
    print_read_back(export, output)


def print_read_back(export: Path, imported: Path) -> None:
    """`--respondents` on the imported answer file (its residents' table) against the export itself and the
    table alone, each `assess score` in a fresh process: the round trip's reading cost, as a ratio."""
    answers = imported.with_name("committee.yaml")
    answers.write_text(f"pack: {PACK}\ncommunity: {{name: bench}}\n", encoding="utf-8")
    table = imported.with_name(f"{imported.stem}.residents.csv")
    figures = {}
    for label, source in (("imported answer file", imported), ("its residents' table", table),
                          ("the Kobo export", export)):
        command = [sys.executable, "-m", "assess", "score", str(answers), "--respondents", str(source),
                   "--format", "json"]
        figures[label], _ = timed(lambda c=command: subprocess.run(c, capture_output=True, text=True, check=True))
    reference = figures["its residents' table"]
    print("  assess score --respondents, fresh process: " + "; ".join(
        f"{label} {seconds:.2f} s ({seconds / reference:.2f}x the table)" for label, seconds in figures.items()))
    warm = {label: warm_cpu(answers, source) for label, source in (("imported answer file", imported),
                                                                   ("its residents' table", table))}
    reference = warm["its residents' table"]
    print("  score_file in one warm process, CPU, best of 3 (the round trip beside the same rows as CSV): " + "; ".join(
        f"{label} {seconds:.2f} s ({seconds / reference:.2f}x the table)" for label, seconds in warm.items()))


def warm_cpu(answers: Path, source: Path) -> float:
    """CPU seconds of `score_file` in this process once its imports are warm: start-up and the machine's load
    do not enter, as they do in the fresh-process figures."""
    score_file(answers, source)
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        score_file(answers, source)
        best = min(best, time.process_time() - start)
    return best


if __name__ == "__main__":
    main()
