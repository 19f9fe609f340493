"""Stage 1, packs: the indicator framework as YAML, read into checked pydantic models.

Takes a pack id or file (and the files it `extends`); gives a `LoadedPack` (`loading.load_pack`): dimensions,
indicators and questions with weights, targets, goalposts and thesis sources, plus the AHP judgment format,
the thesis register, diffs between packs, the catalogue shown to people and the XLSForm export. Every later
stage reads packs; this stage imports none of them.
"""

from __future__ import annotations

import importlib
from typing import Any

# The stage's entry points, which the command line and the web call; each is imported when first used,
# so that importing the stage stays cheap.
PLACES = {
    "LoadedPack": "loading",
    "load_pack": "loading",
    "validate_files": "loading",
    "DEFAULT_PACK": "building",
    "pack_path": "building",
    "Pack": "model",
    "Question": "model",
    "Dimension": "model",
    "Indicator": "model",
    "RESPONDENTS": "respondents",
    "pack_reference_for": "inherit",
    "starter_pack": "inherit",
    "pack_export": "catalog",
    "tree_lines": "catalog",
    "find_element": "catalog",
    "element_export": "catalog",
    "element_lines": "catalog",
    "diff_packs": "diff",
    "diff_lines": "diff",
    "questionnaire_text": "questionnaire",
    "build_xlsform": "xlsform",
    "xlsform_bytes": "xlsform",
    "judgment_sets": "ahp_workbook",
    "template_workbook": "ahp_workbook",
    "template_bytes": "entry_workbook",
    "csv_text": "sheets",
    "table_rows": "sheets",
    "workbook_bytes": "sheets",
}
__all__ = list(PLACES)


def __getattr__(name: str) -> Any:
    if name not in PLACES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{PLACES[name]}"), name)
