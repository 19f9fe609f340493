"""CPU time of `assess --help` in a fresh interpreter, beside an interpreter that only imports click.

    .venv/bin/python benchmarks/bench_startup.py [--repeat N]

Prints each side's best CPU time (user + system, read from the child's resource usage) over N runs,
their ratio, and the modules `assess --help` loads that it should not need (pydantic, yaml, jinja2,
weasyprint, numpy). Goal: under 0.3 s CPU; the help lists commands and loads none of their logic.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys

HEAVY = ("pydantic", "yaml", "jinja2", "weasyprint", "numpy")
LOADED = "import sys; from assess.cli import main; print(' '.join(m for m in {heavy} if m in sys.modules))"


def cpu_seconds(command: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    ours = [sys.executable, "-m", "assess", "--help"]
    click_only = [sys.executable, "-c", "import click"]
    pairs = [(cpu_seconds(ours), cpu_seconds(click_only)) for _ in range(args.repeat)]
    best_ours, best_click = min(p[0] for p in pairs), min(p[1] for p in pairs)
    print(f"assess --help: {best_ours:.3f} s CPU (best of {args.repeat}); import click alone {best_click:.3f} s; "
          f"ratio {best_ours / best_click:.2f}")
    loaded = subprocess.run([sys.executable, "-c", LOADED.format(heavy=HEAVY)], check=True,
                            capture_output=True, text=True).stdout.split()
    print(f"heavy modules loaded by the CLI's import: {', '.join(loaded) or 'none'}")


if __name__ == "__main__":
    main()
