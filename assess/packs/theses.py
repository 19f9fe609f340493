"""The project's register of the five theses that the framework is drawn from.

Packs, case profiles and countermeasures cite a thesis by its seed file name; the register says what each
one studied, so a citation can be checked and shown to users as a place and subject, not a file name.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated

from pydantic import Field, ValidationError

from assess.packs.model import Id, Strict, Text
from assess.packs.yamlio import load_yaml, validation_problems
from assess.resources import seeds_dir

REGISTER_FILE = "theses.yaml"


class Thesis(Strict):
    file: Annotated[str, Field(pattern=r"^\d{3}_[0-9a-f]{16}\.txt$")]
    id: Id
    place: Text
    community_kind: Text
    subject: Text
    theories: Text
    methods: Text
    year: int | None = None


class Register(Strict):
    theses: Annotated[list[Thesis], Field(min_length=1)]


@cache
def load_register() -> Register:
    located = load_yaml(seeds_dir() / REGISTER_FILE)
    try:
        return Register.model_validate(located.data)
    except ValidationError as exc:
        raise validation_problems(located, exc, Register) from None


def thesis_by_file(file: str) -> Thesis | None:
    return next((t for t in load_register().theses if t.file == file), None)


def thesis_files() -> list[str]:
    return [t.file for t in load_register().theses]
