"""Where every cell of a piece of sheet XML sits, read by NumPy from the references as Excel writes them.

The pieces of a large sheet (`sheet_pieces`) are searched before they are parsed: a cell far from its row
would make the parser lay out a huge grid. Regular expressions did that at about 2 s per 100,000 rows, on
the thread that also codes the rows; here the `<c r="AB12"` tags are found and their letters and digits
read as arrays, several times faster, and NumPy's work on large arrays lets the parsing thread run.

A reference is taken as Excel writes it: 1 to 3 capital letters, then a row number without leading zeros,
right after the tag's name and one white-space character. A cell tag written any other way (no reference,
another attribute first, `b3`, `B03`) makes `cell_places` give None, and the sheet is read whole.
"""

from __future__ import annotations

import numpy as np

WHITE_SPACE = np.frombuffer(b" \t\r\n", dtype=np.uint8)
TAG_ENDS = np.frombuffer(b" \t\r\n/>", dtype=np.uint8)
MAX_DIGITS = 7  # 1,048,576 rows: an eighth digit is no row of a sheet
PADDING = b"\0" * 16  # so that reading a few bytes past any tag stays inside the array


def cell_places(xml: bytes, prefix: bytes = b"") -> tuple[np.ndarray, np.ndarray] | None:
    """(row numbers, column numbers) of the cell tags in `xml`, each from 1; None if a cell tag does not
    start with its reference as Excel writes it. `prefix` is the cell tags' namespace prefix (b"x:")."""
    data = np.frombuffer(xml + PADDING, dtype=np.uint8)
    name = b"<" + prefix + b"c"
    starts = tag_starts(data, name, len(xml))
    after = starts + len(name)
    if not (np.isin(data[after], WHITE_SPACE).all() and (data[after + 1] == ord("r")).all()
            and (data[after + 2] == ord("=")).all() and (data[after + 3] == ord('"')).all()):
        return None
    letters_at = after + 4
    capital = [(data[letters_at + k] >= ord("A")) & (data[letters_at + k] <= ord("Z")) for k in range(4)]
    if not capital[0].all() or (capital[1] & capital[2] & capital[3]).any():
        return None
    count = 1 + capital[1] + (capital[1] & capital[2])
    columns = (data[letters_at] - 64).astype(np.int64)
    for k in (1, 2):
        more = count > k
        columns = np.where(more, columns * 26 + data[letters_at + k].astype(np.int64) - 64, columns)
    digits_at = letters_at + count
    rows = row_numbers(data, digits_at)
    return (rows, columns) if rows is not None else None


def tag_starts(data: np.ndarray, name: bytes, length: int) -> np.ndarray:
    """The offsets where a tag called `name` (with its "<") opens: followed by white space, "/" or ">"."""
    starts = np.flatnonzero(data[:length] == name[0])
    for k, byte in enumerate(name[1:], start=1):
        starts = starts[data[starts + k] == byte]
    return starts[np.isin(data[starts + len(name)], TAG_ENDS)]


def row_numbers(data: np.ndarray, at: np.ndarray) -> np.ndarray | None:
    """The row numbers starting at offsets `at`: 1 to `MAX_DIGITS` digits, not starting with 0, then a quote."""
    rows = np.zeros(len(at), dtype=np.int64)
    reading = np.ones(len(at), dtype=bool)
    for k in range(MAX_DIGITS + 1):
        byte = data[at + k]
        digit = (byte >= ord("0")) & (byte <= ord("9"))
        if k == 0 and not (digit & (byte != ord("0"))).all():
            return None
        if (reading & ~digit & (byte != ord('"'))).any():
            return None  # a number ended by something else than its closing quote
        reading &= digit
        if not reading.any():
            return rows
        rows = np.where(reading, rows * 10 + byte - ord("0"), rows)
    return None  # more digits than a sheet has rows
