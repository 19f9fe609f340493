"""Bounds taken from what a pack needs: alias expansion against the file's own size, pack files capped at a
stated size and parsed once. Every bomb is refused in well under a second, under the suite's memory guard."""

from __future__ import annotations

import time

import pytest

from assess.cli import main
from assess.errors import AssessError
from assess.packs import yamlio
from assess.packs.building import pack_path
from assess.packs.yamlio import AMPLIFICATION_FLOOR, MAX_AMPLIFICATION, MAX_PACK_BYTES, load_yaml


def laughs(levels: int, width: int) -> str:
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * width)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


BOMBS = {
    "billion laughs": laughs(10, 10),
    "deep and narrow": laughs(40, 2),
    "one big list aliased often": "base: &b [" + ",".join(["x"] * 3000) + "]\nrefs: ["
                                  + ",".join(["*b"] * 4000) + "]\n",
    "a mapping aliased as keys' values": "m: &m {" + ", ".join(f"k{i}: v" for i in range(2000)) + "}\n"
                                        + "".join(f"c{i}: *m\n" for i in range(500)),
    "wide, 2 MB": "base: &b [" + ",".join(str(i) for i in range(2000)) + "]\nrefs:\n" + "- *b\n" * 400_000,
}


@pytest.mark.parametrize("text", BOMBS.values(), ids=BOMBS.keys())
def test_every_alias_bomb_is_refused_in_well_under_a_second(write, text):
    path = write("bomb.yaml", text)
    started = time.perf_counter()
    with pytest.raises(AssessError, match="expands to more than"):
        load_yaml(path)
    # the 2 MB file takes 0.4 s on an idle machine, most of it libyaml reading 400,000 aliases: room for CI's load
    assert time.perf_counter() - started < (2.0 if len(text) > 1_000_000 else 1.0)


def test_small_files_may_reuse_anchors_up_to_the_floor(write):
    listed = ",".join(["x"] * 99)
    below = f"base: &b [{listed}]\nrefs: [" + ",".join(["*b"] * (AMPLIFICATION_FLOOR // 100 - 5)) + "]\n"
    assert len(load_yaml(write("ok.yaml", below)).data["refs"]) == AMPLIFICATION_FLOOR // 100 - 5
    above = f"base: &b [{listed}]\nrefs: [" + ",".join(["*b"] * (AMPLIFICATION_FLOOR // 100 + 5)) + "]\n"
    with pytest.raises(AssessError, match=f"{MAX_AMPLIFICATION} times its own values"):
        load_yaml(write("no.yaml", above))


def test_large_files_may_expand_by_the_factor(write):
    own = AMPLIFICATION_FLOOR  # distinct values written in the file
    items = ",".join(f"x{i}" for i in range(own))
    within = f"base: &b [{items}]\nrefs: [" + ", ".join(["*b"] * (MAX_AMPLIFICATION - 2)) + "]\n"
    assert len(load_yaml(write("ok.yaml", within)).data["refs"]) == MAX_AMPLIFICATION - 2
    beyond = f"base: &b [{items}]\nrefs: [" + ", ".join(["*b"] * (MAX_AMPLIFICATION + 1)) + "]\n"
    with pytest.raises(AssessError, match="expands to more than"):
        load_yaml(write("no.yaml", beyond))


def test_the_core_packs_own_anchors_are_well_within_the_bound():
    assert load_yaml(pack_path("core")).data["id"] == "core"


def padded_pack(write, size: int):
    """The core pack with a comment that brings it to `size` bytes."""
    text = pack_path("core").read_text(encoding="utf-8")
    return write("big.yaml", text + "#" + "x" * (size - len(text.encode("utf-8")) - 2) + "\n")


def test_a_pack_over_the_stated_size_is_refused_before_it_is_parsed(write, runner, tmp_path):
    path = padded_pack(write, MAX_PACK_BYTES + 10)
    started = time.perf_counter()
    result = runner.invoke(main, ["indicators", "validate", str(path)])
    assert result.exit_code == 1 and "over the 2 MiB limit" in result.output
    answers = tmp_path / "a.yaml"
    answers.write_text("pack: big.yaml\ncommunity: {name: 社区}\nanswers: {}\n", encoding="utf-8")
    scored = runner.invoke(main, ["score", str(answers)])
    assert scored.exit_code == 1 and "over the 2 MiB limit" in scored.output
    assert time.perf_counter() - started < 20


def test_a_pack_at_the_stated_size_is_parsed_once_by_validate(write, runner, monkeypatch):
    path = padded_pack(write, MAX_PACK_BYTES - 10)
    parsed: list[str] = []
    real = yamlio.parse_yaml

    def counting(text, name, *options):
        parsed.append(name)
        return real(text, name, *options)

    monkeypatch.setattr(yamlio, "parse_yaml", counting)
    monkeypatch.setattr(yamlio, "_parsed", type(yamlio._parsed)())
    assert runner.invoke(main, ["indicators", "validate", str(path)]).exit_code == 0
    assert parsed.count(str(path)) == 1
