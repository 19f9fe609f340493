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

    def __init__(self, problems: list[Problem], unlisted: dict[str, int] | None = None):
        """`unlisted`: per file, how many more problems were found than its reader kept (a file of a million
        bad rows keeps a few hundred); they are counted with the ones not shown, in one line."""
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.field))
        self.unlisted = {file: count for file, count in (unlisted or {}).items() if count}
        super().__init__("\n".join(shown_lines(self.problems, self.unlisted)))

    def __reduce__(self):
        """Rebuilt from its problems when it crosses from a worker process (reports run on every core)."""
        return type(self), (self.problems, self.unlisted)


SHOWN_PER_FILE = 50  # a file with thousands of problems is one mistake repeated: show the first, count the rest


def shown_lines(problems: list[Problem], unlisted: dict[str, int] | None = None) -> list[str]:
    """The first `SHOWN_PER_FILE` problems of each file, then per file one count of all the others."""
    lines: list[str] = []
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem.file] = counts.get(problem.file, 0) + 1
        if counts[problem.file] <= SHOWN_PER_FILE:
            lines.append(str(problem))
    for file in (unlisted or {}).keys() - counts.keys():
        counts[file] = 0
    for file, count in counts.items():
        rest = max(count - SHOWN_PER_FILE, 0) + (unlisted or {}).get(file, 0)
        if rest:
            lines.append(f"{file}: 另有 {rest} 个问题未列出 / {rest} more problems not shown")
    return lines

