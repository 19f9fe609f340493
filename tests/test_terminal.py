"""No control character from a file reaches the terminal: ESC, BEL and bidi controls are shown as escapes."""

from __future__ import annotations

import json

import pytest

from assess.cli import main
from assess.cli.terminal import visible
from tests.responses.test_kobo import ALL_TYPES_PACK

HOSTILE = ["\x1b[2J\x1b[31m", "\x07", "\u202e", "\u2066", "\r", "\x9b", "\x08"]


@pytest.mark.parametrize("bad", HOSTILE)
def test_control_characters_in_pack_texts_are_printed_as_escapes(bad, runner, tmp_path):
    pack = tmp_path / "p.yaml"
    title = json.dumps(f"我信任{bad}社区党组织")  # a YAML double-quoted scalar: control characters escaped
    pack.write_text(ALL_TYPES_PACK.replace("我信任社区党组织", title, 1), encoding="utf-8")
    controls = [ch for ch in bad if not ch.isprintable()]
    table = runner.invoke(main, ["indicators", "list", "--pack", str(pack)])
    assert table.exit_code == 0, table.output
    assert not any(ch in table.output for ch in controls)
    # shown as an escape; click itself drops whole ANSI sequences when the output is not a terminal
    assert visible(controls[0]) in table.output or bad.startswith("\x1b[")
    data = runner.invoke(main, ["indicators", "list", "--pack", str(pack), "--format", "json"]).output
    assert not any(ch in data for ch in controls)
    assert any(bad in text for text in strings(json.loads(data)))  # JSON keeps the text, escaped


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_error_messages_are_escaped_too(runner, tmp_path):
    result = runner.invoke(main, ["score", str(tmp_path / "无\x1b[31m此文件.yaml")])
    assert result.exit_code == 1 and "\x1b" not in result.output and "\\u001b" in result.output


def test_layout_characters_stay():
    assert visible("一\t二\n三") == "一\t二\n三" and visible("a\u202eb") == "a\\u202eb"
