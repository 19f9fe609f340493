"""Click's own words in Chinese by default, English with --lang en or ASSESS_LANG=en (issue: Chinese first)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from assess.cli import main

ENGLISH_ONLY = ("Usage:", "Options:", "Show this message and exit.", "Show the version and exit.", "Got unexpected",
                "Missing argument", "Invalid value for", "[OPTIONS]", "COMMAND [ARGS]", "Example:")
REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("args", [["--help"], ["score", "--help"], ["district", "--help"], ["score"],
                                  ["score", "a", "b", "c"], ["report", "x.yaml", "-o", "r.pdf", "--top", "zero"],
                                  ["nonsense"]])
def test_no_english_only_click_text_by_default(runner, args, monkeypatch):
    monkeypatch.delenv("ASSESS_LANG", raising=False)
    result = runner.invoke(main, args)
    for text in ENGLISH_ONLY:
        if text in result.output:  # allowed only after a slash, beside the Chinese
            assert f"/ {text}" in result.output, (text, result.output)
    assert "用法" in result.output


def test_english_on_request(runner, monkeypatch):
    assert "Usage:" in runner.invoke(main, ["score", "--lang", "en"]).output
    monkeypatch.setenv("ASSESS_LANG", "en")
    result = runner.invoke(main, ["score"])
    assert "Usage:" in result.output and "用法" not in result.output
    assert "[OPTIONS]" in runner.invoke(main, ["district", "--help"]).output


def test_help_in_a_fresh_process_is_chinese():
    done = subprocess.run([sys.executable, "-c", "from assess.cli import main; main()", "--help"],
                          capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert done.stdout.startswith("用法") and "显示本帮助并退出" in done.stdout


def test_the_committed_catalog_is_compiled_from_its_po():
    spec = importlib.util.spec_from_file_location("build_translations", REPO / "scripts" / "build-translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for po in (REPO / "assess" / "locale").glob("*/LC_MESSAGES/*.po"):
        assert po.with_suffix(".mo").read_bytes() == module.compiled(po), po
