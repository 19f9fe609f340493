"""User-facing errors.

A user mistake must end in a message that names the file, the line where known, the field and what is
allowed -- never a traceback. Everything that can be the user's fault is raised as `AssessError` (or a
subclass); the CLI turns it into exit status 1 and prints `str(error)`.
"""

from __future__ import annotations

from dataclasses import dataclass


class AssessError(Exception):
    """A problem the user can fix; its message is shown as is."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, located as precisely as we know."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ProblemsError(AssessError):
    """Every problem found in one or more files, reported together."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.field))
        super().__init__("\n".join(shown_lines(self.problems)))

    def __reduce__(self):
        """Rebuilt from its problems when it crosses from a worker process (reports run on every core)."""
        return type(self), (self.problems,)


SHOWN_PER_FILE = 50  # a file with thousands of problems is one mistake repeated: show the first, count the rest


def shown_lines(problems: list[Problem]) -> list[str]:
    lines: list[str] = []
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem.file] = counts.get(problem.file, 0) + 1
        if counts[problem.file] <= SHOWN_PER_FILE:
            lines.append(str(problem))
    for file, count in counts.items():
        if count > SHOWN_PER_FILE:
            rest = count - SHOWN_PER_FILE
            lines.append(f"{file}: 另有 {rest} 个问题未列出 / {rest} more problems not shown")
    return lines

