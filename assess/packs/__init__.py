"""Stage 1, packs: the indicator framework as YAML, read into checked pydantic models.

Takes a pack id or file (and the files it `extends`); gives a `LoadedPack` (`loading.load_pack`): dimensions,
indicators and questions with weights, targets, goalposts and thesis sources, plus the AHP judgment format,
the thesis register, diffs between packs, the catalogue shown to people and the XLSForm export. Every later
stage reads packs; this stage imports none of them.
"""
