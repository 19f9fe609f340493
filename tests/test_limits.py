"""The suite's own bounds: a test that hangs or eats memory fails, named, instead of stalling or swapping CI."""

from __future__ import annotations

import pytest

from tests.conftest import REPO

pytest_plugins = ["pytester"]

HUNGRY_AND_SLOW = """
import subprocess
import sys
import time

SUITE_CACHES = bytearray(200_000_000)  # the suite's own size before the test: a child inherits its count
SUITE_CACHES[::4096] = b"x" * len(SUITE_CACHES[::4096])

def test_eats_memory():
    block = b"x" * 250_000_000
    assert len(block)

def test_hangs():
    time.sleep(30)

def test_runs_a_small_command_from_a_big_process():
    subprocess.run([sys.executable, "-c", "pass"], check=True)

def test_runs_a_hungry_command():
    subprocess.run([sys.executable, "-c", "block = b'x' * 450_000_000"], check=True)

def test_modest():
    assert sum(range(1000)) == 499500
"""


def test_a_test_over_the_memory_limit_or_the_timeout_fails_by_name(pytester: pytest.Pytester, monkeypatch):
    pytester.makeconftest((REPO / "tests" / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_bounds=HUNGRY_AND_SLOW)
    monkeypatch.setenv("ASSESS_TEST_MEMORY_MB", "150")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--timeout=2", "-o", "filterwarnings=")
    result.assert_outcomes(passed=2, failed=3)
    result.stdout.fnmatch_lines(["*test_eats_memory: grew this process by * MB (limit 150 MB)*"])
    result.stdout.fnmatch_lines(["*test_runs_a_hungry_command: a command it ran grew * MB past this process's size*"])
    result.stdout.fnmatch_lines(["*Timeout (>2.0s)*"])
