"""Every command is documented: bilingual help, a row in the reference's command table, a place in the Chinese
guide; the README is short; and every example command in the README and the docs runs as written."""

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


README = REPO / "README.md"
REFERENCE = REPO / "docs" / "reference.md"
GUIDE = REPO / "docs" / "使用指南.md"


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS])
def test_command_is_in_the_reference_table_and_the_chinese_guide(path: str):
    assert f"| `{path}" in REFERENCE.read_text(encoding="utf-8")
    assert re.search(rf"(^|`){re.escape(path)}\b", GUIDE.read_text(encoding="utf-8"), flags=re.M), path


def test_the_readme_is_short_bilingual_and_reaches_a_pdf_in_five_steps():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) < 120
    quick = text.split("## 快速上手", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^(\d)\. ", quick, flags=re.M) == ["1", "2", "3", "4", "5"]
    assert "-o 评估报告.pdf" in quick
    assert "## 安装 / Set-up" in text and "**English**" in text
    for link in re.findall(r"\]\((docs/[^)]+)\)", text):
        assert (REPO / link).is_file(), link


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


# -- the examples in the docs run ---------------------------------------------------------------------------

# fill is interactive (driven through stdin in tests/responses/test_fill.py); demo writes some twenty PDFs and
# is run by tests/report/test_demo.py; serve and worker run until stopped, and they, units and users are run by
# tests/web.
NOT_RUN = {"fill", "demo", "serve", "worker", "units", "users"}


def example_commands(doc) -> list[list[str]]:
    """Every `assess ...` command of the document's ```bash blocks, as arguments, in the order written.
    ```text blocks hold synopses (with [options]) and are not run."""
    import shlex

    commands = []
    for block in re.findall(r"^[ \t]*```bash\n(.*?)^[ \t]*```", doc.read_text(encoding="utf-8"), flags=re.M | re.S):
        for line in block.splitlines():
            for part in " ".join(shlex.split(line, comments=True)).split(" && "):
                words = shlex.split(part)
                if words[:1] == ["assess"] and words[1] not in NOT_RUN:
                    commands.append(words[1:])
    return commands


def docs_workspace(folder, runner) -> None:
    """The files the examples name, made as a user would have them: the example community's answer file, its
    residents as a 问卷星 download and as ODK Central's zip, a Kobo export for kuangqu-demo, two experts' AHP
    workbooks, a pack with AHP judgments, a library file, and a sub-district's two rounds (four of the demo's
    fictional communities)."""
    import random
    import shutil

    import yaml

    from assess.district import demo
    from assess.packs.loading import load_pack
    from assess.responses.respondents import read_respondents
    from tests.packs.test_ahp_workbook import LI, ZHANG, filled
    from tests.responses.test_kobo import form_questions, respondents, write_export
    from tests.responses.test_respondents import central_zip, wjx_download

    shutil.copytree(REPO / "examples", folder / "examples", ignore=shutil.ignore_patterns("*.py"))
    shutil.copytree(REPO / "indicators" / "examples", folder / "indicators" / "examples")
    for name in ("答卷.yaml", "answers.yaml"):
        shutil.copy(EXAMPLE / "answers.yaml", folder / name)
    for name in ("居民问卷.csv", "residents.csv"):
        shutil.copy(EXAMPLE / "residents.csv", folder / name)
    core = load_pack("core")
    people = list(read_respondents(EXAMPLE / "residents.csv", core))
    wjx_download(core, people, folder / "问卷星下载.xls", "text")
    central_zip(core, people, folder / "submissions.csv.zip")
    kuangqu = load_pack("kuangqu-demo")
    write_export(folder / "residents-export.csv", "kobo-csv-semicolon", form_questions(kuangqu),
                 respondents(kuangqu, 30, seed=5))
    filled(runner, folder, "张老师", "张老师", ZHANG)
    filled(runner, folder, "李老师", "李老师", LI)
    judged = yaml.safe_load((REPO / "indicators" / "examples" / "ahp-core-dimensions.yaml").read_text("utf-8"))
    judged.pop("items")
    (folder / "ahp-district.yaml").write_text(yaml.safe_dump(
        {"id": "ahp-district", "version": "1", "title": {"zh": "示例", "en": "Example"}, "extends": "core",
         "ahp": {"dimensions": judged}}, allow_unicode=True), encoding="utf-8")
    library = REFERENCE.read_text(encoding="utf-8").split("```yaml\ncountermeasures:", 1)[1].split("```", 1)[0]
    (folder / "my-actions.yaml").write_text("countermeasures:" + library, encoding="utf-8")
    pack = core.pack
    rng = random.Random(demo.SEED)
    current = demo.profiles(pack, rng)[:4]
    for number, (label, on) in enumerate(demo.ROUNDS):
        if number:
            current = demo.next_round(current, rng)
        for relative, text in demo.round_files(pack, current, label, on, demo.SEED).items():
            (folder / "街道" / label / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / "街道" / label / relative).write_text(text, encoding="utf-8")


@pytest.mark.timeout(600)  # every command of a guide, reports included: past two minutes on a busy machine
@pytest.mark.parametrize("doc", [README, GUIDE, REFERENCE], ids=lambda d: d.name)
def test_every_example_in_the_docs_runs_as_written(doc, runner, tmp_path, monkeypatch):
    commands = example_commands(doc)
    assert len(commands) >= 3
    docs_workspace(tmp_path, runner)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ASSESS_LANG", raising=False)
    for args in commands:
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (" ".join(["assess", *args]), result.output)
