"""Ctrl-C ends a command that runs worker processes quietly: one line, status 130, no worker's traceback.

The terminal sends SIGINT to its whole foreground process group; the test does the same to a command run
in a process group of its own."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO


@pytest.mark.parametrize("command", [["district", "reports", "{round}", "-o", "{out}"],
                                     ["district", "score", "{round}", "--no-history", "--uncertainty", "0"]])
def test_ctrl_c_during_work_in_worker_processes_is_one_line(tmp_path, command):
    round_path = tmp_path / "2026"
    # Enough work that the workers are still busy when the signal comes: scoring reads a community's files
    # by column in milliseconds, and 90 communities were scored before it on a quiet machine.
    copies = 4 if "reports" in command else 200
    for n in range(copies):
        for example in ("old-community", "new-commercial", "mining-district"):
            shutil.copytree(REPO / "examples" / example, round_path / f"{example}-{n}")
    args = [a.format(round=round_path, out=tmp_path / "out") for a in command]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen([sys.executable, "-m", "assess", *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, start_new_session=True, env=env) as process:
        interrupt_when_busy(process)
        _, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert process.returncode in (130, 1), stderr
    if process.returncode == 130:
        assert "interrupted" in stderr


def interrupt_when_busy(process: subprocess.Popen) -> None:
    """Ctrl-C to the command's process group once its worker processes are running (and have had a moment
    to start their work, as a person's Ctrl-C would come)."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        busy = subprocess.run(["pgrep", "-g", str(process.pid)], capture_output=True, text=True).stdout.split()
        if len(busy) > 1:  # the workers are running
            time.sleep(0.5)
            break
        time.sleep(0.05)
    assert process.poll() is None, "the command ended before its workers could be interrupted"
    os.killpg(process.pid, signal.SIGINT)
