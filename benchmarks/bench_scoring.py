"""How fast scoring is, and whether a residents' CSV of any length is scored in flat memory.

Prints figures, asserts nothing. Data are generated into a temporary folder: an answer file with every
committee question of the core pack answered, and residents answering every resident question.

1. One community with 2,000 respondents x every resident question: in memory, from the answer file's
   `respondents:` block, and from a CSV (target: under 1 s).
2. Residents' CSVs of 10,000 / 100,000 / 1,000,000 rows, each scored in a fresh subprocess that reports its
   own peak resident set size (VmHWM): flat memory means the peaks hardly grow with the number of rows.

Run: .venv/bin/python benchmarks/bench_scoring.py [--rows 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from assess.packs.loading import load_pack
from assess.packs.model import Pack, Question
from assess.packs.yamlio import load_yaml
from assess.responses.answer_file import RespondentEntry, load_answer_file
from assess.scoring.options import ScoringOptions
from assess.scoring.score import score, score_file

SURVEY = 2_000


def committee_answer(question: Question, rng: np.random.Generator):
    if question.type == "likert":
        return int(rng.integers(question.scale.min, question.scale.max + 1))
    if question.type == "yes_no":
        return bool(rng.integers(2))
    if question.type == "choice":
        return str(rng.choice([o.id for o in question.options]))
    if question.type == "multi_choice":
        return [o.id for o in question.options if rng.random() < 0.5]
    if question.type == "number":
        low, high = sorted((question.worst, question.best))
        value = float(rng.uniform(low, high))
        return round(value) if question.integer else round(value, 1)
    return "示例说明"


def resident_questions(pack: Pack) -> list[Question]:
    return [q for _, _, q in pack.questions() if q.respondent == "resident"]


def resident_cell(question: Question, rng: np.random.Generator) -> str:
    """A CSV cell as a survey export writes it; one in twenty left empty."""
    if rng.random() < 0.05:
        return ""
    value = committee_answer(question, rng)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(value)
    return str(value)


def write_answer_file(folder: Path, pack: Pack, rng: np.random.Generator, respondents: int = 0) -> Path:
    committee = [q for _, _, q in pack.questions() if q.respondent == "committee"]
    document = {
        "pack": "core",
        "community": {"name": "基准测试社区", "city": "常德市", "population": 8000},
        "answers": {q.id: committee_answer(q, rng) for q in committee},
    }
    if respondents:
        questions = resident_questions(pack)
        document["respondents"] = [
            {"id": f"r{n:06d}", "answers": {q.id: committee_answer(q, rng) for q in questions}}
            for n in range(respondents)
        ]
    path = folder / (f"answers-{respondents}.yaml" if respondents else "answers.yaml")
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_csv(path: Path, pack: Pack, rows: int, seed: int = 1) -> None:
    """Rows are drawn once in blocks of 1,000 and repeated with new ids: realistic cells, fast to write."""
    rng = np.random.default_rng(seed)
    questions = resident_questions(pack)
    block = [[resident_cell(q, rng) for q in questions] for _ in range(min(rows, 1_000))]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["respondent_id", *(q.id for q in questions)])
        for n in range(rows):
            writer.writerow([f"c{n:07d}", *block[n % len(block)]])


def best_of(action, repeat: int = 3):
    """(fastest wall-clock seconds, last result) over `repeat` runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result


def timed(label: str, action, repeat: int = 3) -> None:
    best, result = best_of(action, repeat)
    print(f"  {label:<58} {best:7.3f} s   (overall {result.overall.score}, respondents {result.respondents})")


def survey_figures(folder: Path) -> None:
    loaded = load_pack("core")
    pack = loaded.pack
    rng = np.random.default_rng(0)
    answers_path = write_answer_file(folder, pack, rng)
    data = load_answer_file(answers_path).data
    questions = resident_questions(pack)
    entries = [
        RespondentEntry(id=f"r{n}", answers={q.id: committee_answer(q, rng) for q in questions})
        for n in range(SURVEY)
    ]
    csv_path = folder / "residents-2000.csv"
    write_csv(csv_path, pack, SURVEY)
    with_block = write_answer_file(folder, pack, rng, respondents=SURVEY)
    print(f"1. One community, {SURVEY:,} respondents x {len(questions)} resident questions (best of 3):")
    timed("score() on respondents already in memory", lambda: score(loaded, data, entries))
    timed("score_file(): answer file + residents' CSV", lambda: score_file(answers_path, csv_path))
    timed("score_file(): answer file with a respondents: block (YAML)", lambda: score_file(with_block))
    parsing, _ = best_of(lambda: load_yaml(with_block))
    print(f"  {'  of which parsing that YAML (yamlio.load_yaml)':<58} {parsing:7.3f} s")
    timed("score_file() with --uncertainty 1000", lambda: score_file(answers_path, csv_path,
                                                                         options=ScoringOptions(uncertainty=1000)))


# Peak memory is read from /proc (VmHWM), not getrusage: Linux carries ru_maxrss over an exec, so a child
# started from this (larger) benchmark process would report the parent's peak instead of its own.
CHILD = """
import sys, time
from pathlib import Path
from assess.scoring.score import score_file
start = time.perf_counter()
result = score_file(sys.argv[1], sys.argv[2])
seconds = time.perf_counter() - start
status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
kib = {key: int(status[key].split()[0]) for key in ("VmHWM", "VmRSS")}
print(result.respondents, f"{seconds:.1f}", kib["VmHWM"], kib["VmRSS"])
"""


def memory_figures(folder: Path, sizes: list[int]) -> None:
    pack = load_pack("core").pack
    answers_path = write_answer_file(folder, pack, np.random.default_rng(0))
    print("2. Residents' CSV scored in a fresh process (peak RSS = VmHWM, RSS at the end = VmRSS; Linux):")
    print(f"  {'rows':>10} {'file MiB':>9} {'seconds':>8} {'rows/s':>9} {'peak RSS MiB':>13} {'end RSS MiB':>12}")
    for rows in sizes:
        csv_path = folder / f"residents-{rows}.csv"
        write_csv(csv_path, pack, rows)
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(answers_path), str(csv_path)],
            check=True, capture_output=True, text=True,
        ).stdout.split()
        respondents, seconds, peak_kib, end_kib = int(out[0]), float(out[1]), int(out[2]), int(out[3])
        size = csv_path.stat().st_size / 2**20
        rate = respondents / seconds
        print(
            f"  {respondents:>10,} {size:>9.1f} {seconds:>8.1f} {rate:>9,.0f} {peak_kib / 1024:>13.1f} "
            f"{end_kib / 1024:>12.1f}"
        )
        csv_path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000,100000,1000000", help="CSV sizes for the memory test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="assess-bench-") as tmp:
        folder = Path(tmp)
        survey_figures(folder)
        memory_figures(folder, [int(n) for n in args.rows.split(",")])


if __name__ == "__main__":
    main()
