"""Everything the command line prints passes through here: no control characters reach the terminal.

Pack texts, community names and answers come from files anyone may have written. An ESC, BEL or backspace
in them could rewrite the terminal, and a bidi control (U+202E …) could make a message read backwards, so
while a command runs its output streams show each such character as a visible escape
(`\\u001b`, `\\u202e`) instead. Newlines and tabs stay, since the tables and messages are laid out with them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

# C0 controls but tab and newline (a lone CR could overwrite a line too), DEL and the C1 controls, and the
# bidi embedding, override and isolate controls.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """Each unsafe character as `\\uXXXX`: readable in a table, and a valid escape inside JSON strings (JSON
    output escapes C0 controls itself, but not C1 or bidi controls)."""
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class SafeStream:
    """A text stream that writes through `visible`; everything else is the wrapped stream's."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(visible(text) if isinstance(text, str) else text)
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextmanager
def safe_output() -> Iterator[None]:
    """stdout and stderr as `SafeStream`s while the block runs."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
