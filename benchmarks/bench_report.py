"""How long one report takes, step by step, and how much of it is WeasyPrint.

    .venv/bin/python benchmarks/bench_report.py [EXAMPLE] [--lang zh|en] [--repeat N]

Prints (1) the wall time of the whole command `assess report` in a fresh process (interpreter start and
imports included: what a user waits for; goal under 3 s), (2) the split of one in-process run -- load,
score, benchmark, recommend, template, WeasyPrint layout, PDF writing -- best of N, and (3) the ratio of
that whole run to WeasyPrint alone rendering the same final HTML with its default settings (goal <= 1.2).
EXAMPLE is a folder of examples/ (default old-community).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assess import report
from assess.resources import examples_dir


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    value = func(*args, **kwargs)
    return value, time.perf_counter() - start


def one_run(answers: Path, residents: Path, lang: str) -> tuple[dict[str, float], str]:
    """One report through the library, each step timed; the final HTML is returned for the comparison."""
    steps: dict[str, float] = {}
    loaded, steps["load"] = timed(report.load_inputs, answers)
    free_text = report.FreeTextAnswers(loaded.pack.pack)
    result, steps["score"] = timed(report.score_inputs, loaded, residents, free_text)
    pack = loaded.pack.pack
    bench, steps["benchmark"] = timed(report.benchmark_cases, result, pack)
    plan, steps["recommend"] = timed(report.recommend_actions, result, pack)
    data = report.ReportData(result, loaded.pack, bench, plan, free_text, answers.name, residents.name)
    html, steps["template"] = timed(report.render_html, data, lang)
    dirs = report.template_dirs(None)
    document, steps["layout"] = timed(report.layout_pdf, html, dirs)
    if report.pages_without_contents(document) <= report.CONTENTS_AFTER_PAGES:
        html, extra = timed(report.render_html, data, lang, None, False)
        document, again = timed(report.layout_pdf, html, dirs)
        steps["template"] += extra
        steps["layout"] += again
    _, steps["write"] = timed(report.write_pdf, document)
    steps["pages"] = len(document.pages)
    return steps, html


def weasyprint_alone(html: str) -> float:
    from weasyprint import HTML

    base = report.templates_dir().resolve().as_uri() + "/"
    _, seconds = timed(lambda: HTML(string=html, base_url=base).render().write_pdf())
    return seconds


def command_time(answers: Path, residents: Path, lang: str) -> float:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "report.pdf"
        command = [sys.executable, "-m", "assess", "report", str(answers), "--respondents", str(residents),
                   "--lang", lang, "-o", str(out)]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("example", nargs="?", default="old-community")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = examples_dir() / args.example
    answers, residents = folder / "answers.yaml", folder / "residents.csv"

    commands = [command_time(answers, residents, args.lang) for _ in range(args.repeat)]
    print(f"assess report, whole command in a fresh process: best {min(commands):.2f} s "
          f"(runs: {', '.join(f'{c:.2f}' for c in commands)})")

    one_run(answers, residents, args.lang)  # warm-up: imports, font lookup, caches
    runs = [one_run(answers, residents, args.lang) for _ in range(args.repeat)]
    best = min(runs, key=lambda r: sum(v for k, v in r[0].items() if k != "pages"))
    steps, html = best
    total = sum(v for k, v in steps.items() if k != "pages")
    print(f"\nin-process run, best of {args.repeat} ({steps['pages']:.0f} pages, {args.lang}):")
    for name in ("load", "score", "benchmark", "recommend", "template", "layout", "write"):
        print(f"  {name:<10} {steps[name]:6.3f} s  {steps[name] / total:6.1%}")
    print(f"  {'total':<10} {total:6.3f} s")

    alone = min(weasyprint_alone(html) for _ in range(args.repeat))
    print(f"\nWeasyPrint alone on the same HTML: {alone:.3f} s; whole run / WeasyPrint alone = {total / alone:.2f}")


if __name__ == "__main__":
    main()
