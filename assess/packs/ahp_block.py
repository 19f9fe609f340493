"""The experts' filled-in AHP workbooks as a pack that `--weights ahp` can use, instead of copying numbers by
hand: a small pack that extends the one the workbooks were made for and holds their judgments in its `ahp:`
block (every expert kept by name, combined when the weights are computed, as for any pack)."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import yaml

from assess.packs.ahp_workbook import read_workbooks
from assess.packs.loading import LoadedPack
from assess.packs.model import Pack


def ratio(value: float) -> int | float | str:
    """A judgment as people write it: 3, "1/3", or the number itself when it is neither."""
    whole = round(value)
    if abs(value - whole) < 1e-9:
        return int(whole)
    near = Fraction(value).limit_denominator(9)
    if near.numerator == 1 and abs(float(near) - value) < 1e-9:
        return f"1/{near.denominator}"
    return round(value, 6)


def judgment_block(judgments) -> dict:
    experts = []
    for expert in judgments.experts or []:
        row: dict = {"name": expert.name} if expert.name else {}
        if expert.judgments is not None:
            row["judgments"] = [[a, b, ratio(v)] for a, b, v in expert.judgments]
        else:
            row["matrix"] = [[ratio(v) for v in line] for line in expert.matrix]
        experts.append(row)
    return {"experts": experts}


def ahp_pack_text(paths: list[Path], loaded: LoadedPack, output: Path) -> str:
    """The YAML of a pack extending `loaded` with the workbooks' judgments as its `ahp:` block."""
    found = read_workbooks(paths, loaded.pack)
    block: dict = {}
    if "dimensions" in found:
        block["dimensions"] = judgment_block(found["dimensions"].judgments)
    indicators = {key: judgment_block(read.judgments) for key, read in found.items() if key != "dimensions"}
    if indicators:
        block["indicators"] = indicators
    pack = loaded.pack
    data = {
        "id": f"{pack.id}-ahp",
        "version": pack.version,
        "title": {"zh": f"{pack.title.zh}（专家 AHP 权重）", "en": f"{pack.title.en} (experts' AHP weights)"},
        "extends": parent_reference(loaded, output),
        "ahp": block,
    }
    head = (f"# 由 assess ahp 从 {len(paths)} 份专家打分表生成；评分时用 --pack {output.name} --weights ahp\n"
            f"# Written by assess ahp from {len(paths)} experts' workbooks; score with --pack {output.name} "
            "--weights ahp\n")
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def parent_reference(loaded: LoadedPack, output: Path) -> str:
    """The parent as `extends:` names it: a bundled pack by its id, a file by its path from the new file."""
    from assess.errors import AssessError
    from assess.packs.building import pack_path

    try:
        if Path(pack_path(loaded.pack.id)).resolve() == Path(loaded.file).resolve():
            return loaded.pack.id
    except AssessError:
        pass  # not a bundled id: the pack is a file of the user's
    return os.path.relpath(Path(loaded.file).resolve(), output.resolve().parent)


def composite_weights(pack: Pack, dimension_weights: dict[str, float],
                      indicator_weights: dict[str, dict[str, float]]) -> list[tuple[str, str, float, float, float]]:
    """综合权重: (dimension, indicator, dimension weight, indicator weight within its dimension, their product),
    every weight normalised to sum 1 among its siblings; the products sum to 1."""
    total = sum(dimension_weights.values())
    rows = []
    for dim in pack.dimensions:
        within = indicator_weights[dim.id]
        share = sum(within.values())
        for ind in dim.indicators:
            d, i = dimension_weights[dim.id] / total, within[ind.id] / share
            rows.append((dim.id, ind.id, d, i, d * i))
    return rows
