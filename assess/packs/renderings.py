"""The project's Chinese renderings of the evidence phrases quoted from the English thesis abstracts.

Packs, case profiles and countermeasure libraries quote their evidence verbatim in English, so every claim
can be checked against the abstract word for word; `seeds/evidence-zh.yaml` gives each phrase a Chinese
rendering written by the project, for Chinese reports, which print the English originals in an appendix.
"""

from __future__ import annotations

from functools import cache

from assess.packs.yamlio import load_yaml
from assess.resources import seeds_dir

RENDERINGS_FILE = "evidence-zh.yaml"


@cache
def evidence_renderings() -> dict[str, str]:
    data = load_yaml(seeds_dir() / RENDERINGS_FILE).data
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def rendering(phrase: str) -> str | None:
    """Our Chinese for `phrase`, or None when the phrase (e.g. a district's own) has none yet."""
    return evidence_renderings().get(phrase)
