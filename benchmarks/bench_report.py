"""How long one report takes, step by step, and how much of it is WeasyPrint.

    .venv/bin/python benchmarks/bench_report.py [EXAMPLE] [--lang zh|en] [--repeat N]

Prints (1) the wall time of the whole command `assess report` in a fresh process (interpreter start and
imports included: what a user waits for; goal under 3 s) beside a fresh process that only imports
WeasyPrint and renders the same final HTML; (2) the split of an in-process run -- load, score, benchmark,
recommend, template, WeasyPrint layout, PDF writing -- each step's best of N; (3) the ratio of the whole
run to WeasyPrint alone rendering the same HTML with its default settings, in process (goal <= 1.1).
The package is compiled to bytecode first, as `pip install` does.
Runs alternate between the two sides so that a busy machine slows both alike. EXAMPLE is a folder of
examples/ (default old-community).
"""

from __future__ import annotations

import argparse
import compileall
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assess.report import community, layout, templates
from assess.report import data as report_data
from assess.resources import examples_dir, templates_dir


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    value = func(*args, **kwargs)
    return value, time.perf_counter() - start


def one_run(answers: Path, residents: Path, lang: str) -> tuple[dict[str, float], str]:
    """One report through the library, each step timed; the final HTML is returned for the comparison."""
    steps: dict[str, float] = {}
    loaded, steps["load"] = timed(report_data.load_inputs, answers)
    free_text = report_data.FreeTextAnswers(loaded.pack.pack)
    result, steps["score"] = timed(report_data.score_inputs, loaded, residents, free_text)
    pack = loaded.pack.pack
    bench, steps["benchmark"] = timed(report_data.benchmark_cases, result, pack)
    plan, steps["recommend"] = timed(report_data.recommend_actions, result, pack)
    data = report_data.ReportData(result, loaded.pack, bench, plan, free_text, answers.name, residents.name)
    html, steps["template"] = timed(community.render_html, data, lang)
    where = layout.LocalLayout(templates.template_dirs(None))
    laid, steps["layout"] = timed(where.layout, html)
    if community.pages_without_contents(laid) <= community.CONTENTS_AFTER_PAGES:
        html, extra = timed(community.render_html, data, lang, None, False)
        laid, again = timed(where.layout, html)
        steps["template"] += extra
        steps["layout"] += again
    _, steps["write"] = timed(where.pdf)
    steps["pages"] = laid.pages
    return steps, html


def weasyprint_alone(html: str) -> float:
    from weasyprint import HTML

    base = templates_dir().resolve().as_uri() + "/"
    _, seconds = timed(lambda: HTML(string=html, base_url=base).render().write_pdf())
    return seconds


def process_time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


WEASYPRINT_ONLY = (
    "import sys, weasyprint; weasyprint.HTML(filename=sys.argv[1], base_url=sys.argv[2]).write_pdf(sys.argv[3])"
)


def fresh_processes(answers: Path, residents: Path, lang: str, html: str, repeat: int) -> tuple[list, list]:
    """Wall times of `assess report` and of WeasyPrint alone on the same HTML, each in a new interpreter."""
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "report.html"
        page.write_text(html, encoding="utf-8")
        base = templates_dir().resolve().as_uri() + "/"
        ours = [sys.executable, "-m", "assess", "report", str(answers), "--respondents", str(residents),
                "--lang", lang, "-o", str(Path(folder) / "ours.pdf"), "--force"]
        alone = [sys.executable, "-c", WEASYPRINT_ONLY, str(page), base, str(Path(folder) / "alone.pdf")]
        pairs = [(process_time(ours), process_time(alone)) for _ in range(repeat)]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def compile_package() -> None:
    """Compile assess to bytecode first, as `pip install` does: an editable checkout run with
    PYTHONDONTWRITEBYTECODE would otherwise compile every module in every fresh process."""
    compileall.compile_dir(str(Path(community.__file__).parents[1]), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("example", nargs="?", default="old-community")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = examples_dir() / args.example
    answers, residents = folder / "answers.yaml", folder / "residents.csv"

    _, html = one_run(answers, residents, args.lang)  # warm-up: imports, font lookup, caches
    compile_package()
    ours, alone = fresh_processes(answers, residents, args.lang, html, args.repeat)
    print(f"fresh process, best of {args.repeat}: assess report {min(ours):.2f} s "
          f"(runs {', '.join(f'{t:.2f}' for t in ours)}); WeasyPrint alone on its HTML {min(alone):.2f} s; "
          f"ratio {min(ours) / min(alone):.2f}")

    runs, alone_in_process = [], []
    for _ in range(args.repeat):
        runs.append(one_run(answers, residents, args.lang)[0])
        alone_in_process.append(weasyprint_alone(html))
    names = ("load", "score", "benchmark", "recommend", "template", "layout", "write")
    best = {name: min(run[name] for run in runs) for name in names}
    totals = [sum(run[name] for name in names) for run in runs]
    print(f"\nin process, each step's best of {args.repeat} ({runs[0]['pages']:.0f} pages, {args.lang}):")
    for name in names:
        print(f"  {name:<10} {best[name]:6.3f} s  {best[name] / sum(best.values()):6.1%}")
    print(f"  {'total':<10} {min(totals):6.3f} s (best whole run)")
    print(f"\nWeasyPrint alone on the same HTML: {min(alone_in_process):.3f} s; "
          f"whole run / WeasyPrint alone = {min(totals) / min(alone_in_process):.2f}")


if __name__ == "__main__":
    main()
