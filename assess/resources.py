"""Where the bundled data folders live.

From a checkout (or an editable install) they are the top-level `indicators/`, `templates/`, `seeds/` and
`examples/` folders; a wheel carries the same folders inside the package as `assess/_data/` (see
pyproject.toml). Looking in both places lets one code path serve both installs.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name


def indicators_dir() -> Path:
    return data_dir("indicators")


def templates_dir() -> Path:
    return data_dir("templates")


def seeds_dir() -> Path:
    return data_dir("seeds")


def examples_dir() -> Path:
    return data_dir("examples")
