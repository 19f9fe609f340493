from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
SHARED_SEEDS = REPO.parent / "shared" / "seeds"
# The verbatim-evidence tests need the thesis abstracts beside the checkout. A developer without them sees the
# tests skipped with the reason; under CI (which always has shared/ beside the clone) they run and fail instead.
needs_abstracts = pytest.mark.skipif(
    not SHARED_SEEDS.is_dir() and not os.environ.get("CI"), reason=f"thesis abstracts not found at {SHARED_SEEDS}"
)
SEED = "004_6627220e668f044e.txt"

MINIMAL_PACK = f"""\
id: mini
version: "1"
title: {{zh: 小指标包, en: Mini pack}}
dimensions:
  - id: lead
    title: {{zh: 党建引领, en: Leadership}}
    weight: 2
    indicators:
      - id: lead-org
        title: {{zh: 组织建设, en: Organization}}
        sources:
          - {{seed: {SEED}, evidence: "one party committee and three centers"}}
        questions:
          - id: q-meetings
            type: number
            title: {{zh: 年度会议次数, en: Meetings a year}}
            worst: 0
            best: 12
          - id: q-trust
            type: likert
            respondent: resident
            title: {{zh: 我信任社区党组织, en: I trust the community Party organization}}
  - id: part
    title: {{zh: 居民参与, en: Participation}}
    indicators:
      - id: part-channels
        title: {{zh: 参与渠道, en: Channels}}
        sources:
          - {{seed: {SEED}, evidence: "residents’ night talks"}}
        questions:
          - id: q-night-talks
            type: yes_no
            title: {{zh: 是否开展居民夜话, en: Are night talks held}}
"""

# a district pack that removes a whole inherited dimension
WITHOUT_INNOVATION = """\
id: no-innovation
version: "1"
extends: core
title: {zh: 不评创新, en: Without innovation}
remove: [innovation]
ahp: null
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def write(tmp_path: Path):
    """Write a small file inline in a test and return its path."""

    def _write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


# Every test also runs under pytest-timeout (pyproject's [tool.pytest.ini_options]); this bounds memory the same
# way. What a test is charged with is what its input made the process grow by: the peak during the test over the
# resident size it started from (the suite's own process keeps the caches of the tests before it). A command it ran
# in a process of its own is charged the same way, over this process's peak: Linux counts to every child the
# resident pages of the process it came from (a forked worker shares them; an exec'd command inherits their count
# in ru_maxrss), so a child's peak says something of its own only where it passes that. Either past the limit
# fails the test, named.
MEMORY_LIMIT_MB = int(os.environ.get("ASSESS_TEST_MEMORY_MB", "500"))  # lowered only to test this check


def _resident_mb() -> tuple[float, float]:
    """This process's resident size now and its peak (VmRSS, VmHWM), in MB."""
    status = Path("/proc/self/status").read_text()
    sizes = dict(line.split(":", 1) for line in status.splitlines() if line.startswith(("VmRSS", "VmHWM")))
    return int(sizes["VmRSS"].split()[0]) / 1024, int(sizes["VmHWM"].split()[0]) / 1024


def _children_peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    if not Path("/proc/self/clear_refs").exists():  # the peak can only be restarted on Linux
        return (yield)
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from the size now
    start, _ = _resident_mb()
    children_before = _children_peak_mb()
    result = yield
    _, peak = _resident_mb()
    children = _children_peak_mb()
    if peak - start > MEMORY_LIMIT_MB:
        pytest.fail(f"{item.nodeid}: grew this process by {peak - start:.0f} MB (limit {MEMORY_LIMIT_MB} MB)",
                    pytrace=False)
    if children > children_before and children - peak > MEMORY_LIMIT_MB:
        pytest.fail(f"{item.nodeid}: a command it ran grew {children - peak:.0f} MB past this process's size "
                    f"(limit {MEMORY_LIMIT_MB} MB)", pytrace=False)
    return result
