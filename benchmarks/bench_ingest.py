"""How fast residents' files are read and scored, against pandas doing the same work in the same run.

Prints figures, asserts nothing. Each measurement runs in a fresh process that reports its own peak
resident set size (VmHWM), so one run's memory does not hide in the next.

1. Candidate CSV readers on the same 1,000,000-row file, each reading every cell and dictionary-encoding
   each question column (the work the columnar path needs): csv module, pyarrow, polars, pandas.
2. `score_file` on residents' CSVs and XLSX workbooks of the core pack (every resident question), against
   the pandas baseline: `read_csv(dtype=str)` + the same per-column normalisation (each distinct cell text
   checked by the same reader and normalized once, mapped onto the column, column means).
3. A 200-respondent 问卷星 (WJX) `.xls` download.

Run: .venv/bin/python benchmarks/bench_ingest.py [--csv-rows 20000,1000000] [--xlsx-rows 20000,100000]
(pandas, polars, xlwt and xlsxwriter must be installed for the comparisons: pip install pandas polars xlwt xlsxwriter)

Workbooks are measured in both layouts writers use: openpyxl's (every text in its cell, inline) and Excel's
(texts in a shared-strings table, which xlsxwriter writes as Excel does).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from assess.packs.loading import load_pack

sys.path.insert(0, str(Path(__file__).parent))
from bench_scoring import resident_questions, write_answer_file, write_csv  # noqa: E402

PEAK = """
from pathlib import Path
status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
print(int(status["VmHWM"].split()[0]) // 1024)
"""

READERS = {
    "csv module (rows)": """
import csv
with open(PATH, encoding="utf-8", newline="") as f:
    rows = sum(1 for _ in csv.reader(f)) - 1
""",
    "pyarrow (blocks, dictionary-encoded)": """
import pyarrow as pa, pyarrow.csv as pacsv, pyarrow.compute as pc
header = open(PATH, encoding="utf-8").readline().strip().split(",")
rows = 0
for batch in pacsv.open_csv(PATH, pacsv.ReadOptions(block_size=1 << 20),
                            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()))):
    for array in batch.columns[1:]:
        pc.dictionary_encode(array)
    rows += batch.num_rows
""",
    "polars (whole file, categorical)": """
import polars as pl
frame = pl.read_csv(PATH, infer_schema=False)
for name in frame.columns[1:]:
    frame[name].cast(pl.Categorical)
rows = frame.height
""",
    "pandas (whole file, category)": """
import pandas as pd
frame = pd.read_csv(PATH, dtype=str, keep_default_na=False)
for name in frame.columns[1:]:
    frame[name].astype("category")
rows = len(frame)
""",
}

SCORE = """
from assess.scoring.score import score_file
result = score_file(ANSWERS, PATH)
rows = result.respondents
"""

PANDAS_BASELINE = """
import pandas as pd
from assess.packs.loading import load_pack
from assess.responses.residents_csv import typed_reader
from assess.scoring.collect import normalize
questions = {q.id: q for _, _, q in load_pack("core").pack.questions()}
frame = pd.read_csv(PATH, dtype=str, keep_default_na=False)
means = {}
for name in frame.columns[1:]:
    question, read = questions[name], typed_reader(questions[name])
    lookup = {text: (normalize(question, read(text)) if text else None) for text in frame[name].unique()}
    means[name] = frame[name].map(lookup).astype(float).mean()
rows = len(frame)
"""


def measured(code: str, **names: str) -> tuple[float, int, int]:
    """(seconds, rows, peak MiB) of `code` run in a fresh process with `names` bound to strings."""
    bindings = "".join(f"{k} = {v!r}\n" for k, v in names.items())
    program = f"import time\n{bindings}start = time.perf_counter()\n{code}\nseconds = time.perf_counter() - start\n"
    program += f"print(seconds, rows)\n{PEAK}"
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    if done.returncode:
        last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"
        raise RuntimeError(last)
    seconds, rows, peak = done.stdout.split()
    return float(seconds), int(rows), int(peak)


def line(label: str, seconds: float, rows: int, peak: int, reference: float | None = None) -> str:
    ratio = f"{seconds / reference:6.2f}×" if reference else "       "
    return f"  {label:<44} {rows:>10,} {seconds:>8.2f} s {rows / seconds:>11,.0f} rows/s {peak:>6} MiB {ratio}"


def write_xlsx(path: Path, csv_path: Path) -> None:
    """The same rows as an .xlsx workbook as openpyxl writes it (texts inline, numbers as numbers)."""
    import csv

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.reader(handle)):
            sheet.append(row if n == 0 else [int(c) if c.isdigit() else c for c in row])
    book.save(path)


def write_excel_xlsx(path: Path, csv_path: Path) -> None:
    """The same rows as Excel saves them: texts in the shared-strings table, numbers as numbers, no empty cells."""
    import csv

    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet()
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for r, row in enumerate(csv.reader(handle)):
            for c, text in enumerate(row):
                if r and text.isdigit():
                    sheet.write_number(r, c, int(text))
                elif text:
                    sheet.write_string(r, c, text)
    book.close()


def write_wjx_xls(path: Path, rows: int) -> None:
    """A 问卷星 按序号 download: six metadata columns, `N、题干` headers, option numbers."""
    import xlwt

    pack = load_pack("core").pack
    questions = [q for q in resident_questions(pack) if q.type in ("likert", "yes_no", "choice")]
    rng = np.random.default_rng(2)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    header = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
    header += [f"{n}、{q.title.zh}" for n, q in enumerate(questions, start=1)]
    for c, text in enumerate(header):
        sheet.write(0, c, text)
    for r in range(1, rows + 1):
        meta = [r, "2026/5/1 10:00:00", "75秒", "手机提交", "直接访问", "1.2.3.4(山西晋城)"]
        cells = [int(rng.integers(1, {"likert": q.scale.max if q.type == "likert" else 0, "yes_no": 2,
                                      "choice": len(getattr(q, "options", []))}[q.type] + 1)) for q in questions]
        for c, value in enumerate(meta + cells):
            sheet.write(r, c, value)
    book.save(str(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-rows", default="20000,1000000")
    parser.add_argument("--xlsx-rows", default="20000,100000")
    args = parser.parse_args()
    pack = load_pack("core").pack
    print(f"core pack: {len(resident_questions(pack))} resident questions per row")
    with tempfile.TemporaryDirectory(prefix="assess-ingest-") as tmp:
        folder = Path(tmp)
        answers = str(write_answer_file(folder, pack, np.random.default_rng(0)))
        csv_sizes = [int(n) for n in args.csv_rows.split(",")]
        biggest = folder / f"residents-{max(csv_sizes)}.csv"
        write_csv(biggest, pack, max(csv_sizes))
        print(f"1. CSV readers on {max(csv_sizes):,} rows ({biggest.stat().st_size / 2**20:.0f} MiB), "
              "fresh process each (ratio to pandas):")
        results = {}
        for label, code in READERS.items():
            try:
                results[label] = measured(code, PATH=str(biggest))
            except RuntimeError as exc:
                print(f"  {label:<44} not measured: {exc}")
        reference = results.get("pandas (whole file, category)", (None,))[0]
        for label, figures in results.items():
            print(line(label, *figures, reference))
        print("2. score_file (ratio to pandas read_csv + the same per-column normalisation):")
        for rows in csv_sizes:
            path = folder / f"residents-{rows}.csv"
            if not path.exists():
                write_csv(path, pack, rows)
            try:
                baseline = measured(PANDAS_BASELINE, PATH=str(path))
                print(line(f"pandas baseline, CSV {rows:,}", *baseline))
            except RuntimeError as exc:
                baseline = (None,)
                print(f"  pandas baseline not measured: {exc}")
            print(line(f"assess score, CSV {rows:,}", *measured(SCORE, PATH=str(path), ANSWERS=answers),
                       baseline[0]))
        seconds: dict[str, dict[int, float]] = {"openpyxl": {}, "as Excel": {}}
        for rows in [int(n) for n in args.xlsx_rows.split(",")]:
            source = folder / f"residents-{rows}.csv"
            if not source.exists():
                write_csv(source, pack, rows)
            path = folder / f"residents-{rows}.xlsx"
            write_xlsx(path, source)
            figures = measured(SCORE, PATH=str(path), ANSWERS=answers)
            seconds["openpyxl"][rows] = figures[0]
            print(line(f"assess score, XLSX {rows:,} (openpyxl)", *figures))
            excel = folder / f"residents-{rows}-excel.xlsx"
            try:
                write_excel_xlsx(excel, source)
            except ImportError:
                print(f"  XLSX {rows:,} as Excel saves it not measured: xlsxwriter is not installed")
                continue
            figures = measured(SCORE, PATH=str(excel), ANSWERS=answers)
            seconds["as Excel"][rows] = figures[0]
            print(line(f"assess score, XLSX {rows:,} (as Excel)", *figures))
        for layout, times in seconds.items():
            if len(times) > 1:
                small, large = min(times), max(times)
                rate = (large - small) / (times[large] - times[small])
                print(f"  XLSX ({layout}) rows/s beyond start-up: {large - small:,} more rows in "
                      f"{times[large] - times[small]:.2f} s more = {rate:,.0f} rows/s")
        print("3. 问卷星 download:")
        wjx = folder / "wjx-200.xls"
        try:
            write_wjx_xls(wjx, 200)
            print(line("assess score, WJX .xls 200 respondents", *measured(SCORE, PATH=str(wjx), ANSWERS=answers)))
        except ImportError:
            print("  not measured: xlwt is not installed")


if __name__ == "__main__":
    main()
