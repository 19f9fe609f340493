"""Compile assess/locale/*/LC_MESSAGES/assess.po into assess.mo (GNU gettext's binary catalog).

Run after editing a .po file: python scripts/build-translations.py. A test compiles each .po again and
compares it with the committed .mo, so the two cannot drift apart.
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "assess" / "locale"


def parse_po(text: str) -> dict[bytes, bytes]:
    """msgid (with msgid_plural joined by NUL) -> msgstr (plural forms joined by NUL)."""
    entries: dict[bytes, bytes] = {}
    current: dict[str, list[str]] = {}
    key = None

    def flush() -> None:
        if "msgid" in current:
            msgid = "".join(current["msgid"])
            if "msgid_plural" in current:
                msgid += "\0" + "".join(current["msgid_plural"])
                forms = sorted(k for k in current if k.startswith("msgstr["))
                msgstr = "\0".join("".join(current[k]) for k in forms)
            else:
                msgstr = "".join(current.get("msgstr", []))
            entries[msgid.encode()] = msgstr.encode()
        current.clear()

    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            current[key].append(ast.literal_eval(line))
            continue
        word, _, rest = line.partition(" ")
        if word == "msgid":
            flush()
        key = word
        current[key] = [ast.literal_eval(rest)]
    flush()
    return entries


def mo_bytes(entries: dict[bytes, bytes]) -> bytes:
    keys = sorted(entries)
    ids = b"".join(k + b"\0" for k in keys)
    strs = b"".join(entries[k] + b"\0" for k in keys)
    start = 7 * 4 + 16 * len(keys)
    id_table, str_table, offset = [], [], 0
    for k in keys:
        id_table += [len(k), start + offset]
        offset += len(k) + 1
    for k in keys:
        str_table += [len(entries[k]), start + len(ids) + sum(len(entries[x]) + 1 for x in keys[:keys.index(k)])]
    header = struct.pack("7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    return header + struct.pack(f"{len(id_table)}I", *id_table) + struct.pack(f"{len(str_table)}I", *str_table) \
        + ids + strs


def compiled(po: Path) -> bytes:
    return mo_bytes(parse_po(po.read_text(encoding="utf-8")))


if __name__ == "__main__":
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        po.with_suffix(".mo").write_bytes(compiled(po))
        print(po.with_suffix(".mo"), file=sys.stderr)
