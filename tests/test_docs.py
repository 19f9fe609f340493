"""Every command is documented: it has bilingual help and a row in the README's command table."""

from __future__ import annotations

import json
import re

import click
import pytest

from assess.cli import main
from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "old-community"


def all_commands(group: click.Group, prefix: str = "assess") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            found += all_commands(command, path)
        else:
            found.append((path, command))
    return found


COMMANDS = all_commands(main)


@pytest.mark.parametrize("path,command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_help_starts_in_chinese_then_english(path: str, command: click.Command):
    first_line = (command.help or "").strip().splitlines()[0]
    assert re.match(r"^[\u4e00-\u9fff]", first_line), first_line
    assert " / " in first_line


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS])
def test_command_is_in_the_readme_table(path: str):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"| `{path}" in readme


@pytest.mark.parametrize("name", ["score", "benchmark", "recommend", "report"])
def test_scoring_commands_share_their_options(name: str):
    options = {o for p in main.commands[name].params for o in getattr(p, "opts", [])}
    assert {"--respondents", "--pack", "--weights", "--allow-inconsistent", "--lang"} <= options


def test_recommend_follows_the_weights_option(runner):
    def priorities(weights: str) -> list[float]:
        args = ["recommend", str(EXAMPLE / "answers.yaml"), "--respondents", str(EXAMPLE / "residents.csv"),
                "--weights", weights, "--format", "json", "--top", "5"]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        return [a["priority"] for a in json.loads(result.output)["actions"]]

    assert priorities("declared") != priorities("equal")
