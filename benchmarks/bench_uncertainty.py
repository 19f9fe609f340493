"""How honest the uncertainty is, on a simulated district whose true scores are known (see
tests/district/simulation.py). Prints figures, asserts nothing (the test suite asserts on a smaller run).

For each source of the draws (both: residents resampled and weights perturbed, as `district score` does by
default; sampling: residents only): the share of 200 communities (30–300 residents) marked as really changed
between two rounds with no true change (the test's level is 10 %), the share marked when the true score rose
by 5 points with 150 residents, and the share of 90 % intervals (residents' sampling) covering the true score.

Run: .venv/bin/python benchmarks/bench_uncertainty.py [--communities 200] [--draws 1000] [--seeds 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.district.simulation import simulate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communities", type=int, default=200)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    for source in ("both", "sampling"):
        for seed in range(args.seeds):
            start = time.perf_counter()
            f = simulate(args.communities, args.draws, seed, source=source)
            print(f"source={source:8} seed={seed}: no change marked real {f.false_alarms:.1%}, "
                  f"+{f.shift:g} with 150 residents marked real {f.detected:.1%}, "
                  f"90 % intervals cover the truth {f.covered:.1%} ({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
