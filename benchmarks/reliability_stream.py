"""Cronbach's alpha over many respondents: time and peak memory of `ReliabilityAccumulator`.

Each size runs in a fresh process so that its peak resident memory (ru_maxrss) is its own. Respondents
are generated in blocks and fed one dict at a time, as `assess score` does, so memory should stay flat
from ten thousand to a million respondents.

    .venv/bin/python benchmarks/reliability_stream.py [--items 5] [--sizes 10000 100000 1000000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def run_one(respondents: int, items: int) -> dict:
    import numpy as np

    from assess.scoring.reliability import ReliabilityAccumulator

    ids = [f"q{i}" for i in range(items)]
    acc = ReliabilityAccumulator("bench", ids)
    rng = np.random.default_rng(0)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    for first in range(0, respondents, 10_000):
        count = min(10_000, respondents - first)
        block = 60 + 10 * (rng.normal(size=(count, 1)) + rng.normal(size=(count, items)))
        for row in block.tolist():
            acc.add(dict(zip(ids, row, strict=True)))
    result = acc.result()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"respondents": respondents, "items": items, "seconds": round(seconds, 2),
            "rows_per_second": round(respondents / seconds), "peak_rss_mib": round(peak / 1024, 1),
            "growth_during_run_mib": round((peak - baseline) / 1024, 1), "alpha": round(result.alpha, 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.items)))
        return
    print(f"{'respondents':>12} {'items':>5} {'seconds':>8} {'rows/s':>9} {'peak RSS MiB':>13} {'growth MiB':>11}")
    for size in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(size), "--items", str(args.items)],
                             capture_output=True, text=True, check=True).stdout
        r = json.loads(out)
        print(f"{r['respondents']:>12,} {r['items']:>5} {r['seconds']:>8} {r['rows_per_second']:>9,} "
              f"{r['peak_rss_mib']:>13} {r['growth_during_run_mib']:>11}")


if __name__ == "__main__":
    main()
