"""A pipe or a device given where a file belongs is refused at once, wherever a path is read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parents[1] / "examples" / "old-community"
COMMANDS = [
    ["indicators", "validate", "{bad}"],
    ["indicators", "list", "--pack", "{bad}"],
    ["score", "{bad}"],
    ["score", str(EXAMPLE / "answers.yaml"), "--respondents", "{bad}"],
    ["import", "{bad}", "-o", "{out}"],
    ["ahp", "{bad}"],
    ["recommend", str(EXAMPLE / "answers.yaml"), "--library", "{bad}"],
]


@pytest.fixture(params=["fifo", "/dev/zero"])
def special(request, tmp_path):
    if request.param == "fifo":
        path = tmp_path / "pipe.yaml"
        os.mkfifo(path)
        return str(path)
    return request.param


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_special_file_is_refused_at_once(command, special, tmp_path):
    args = [part.format(bad=special, out=tmp_path / "o.yaml") for part in command]
    program = [sys.executable, "-c", "from assess.cli import main; main()", *args]
    done = subprocess.run(program, capture_output=True, text=True, timeout=30)
    assert done.returncode == 1 or "1 problem" in done.stdout + done.stderr, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "not a regular file" in done.stdout + done.stderr
