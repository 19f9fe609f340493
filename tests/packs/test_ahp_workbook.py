"""The AHP experts' workbook: written for a pack, filled in as an expert would, read back as judgments."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from assess.cli import main
from assess.packs.ahp_workbook import FIRST_ROW, judgment_sets

# Each expert's judgments among the core pack's 8 dimensions: row item vs column item, upper triangle.
ZHANG = {(0, 1): "3", (0, 2): "5", (1, 2): "2"}
LI = {(0, 1): "1/2", (0, 2): "3", (1, 2): "1"}


def filled(runner, tmp_path, name: str, expert: str, judged: dict, default: str = "1", mismatch=None):
    path = tmp_path / f"{name}.xlsx"
    assert runner.invoke(main, ["ahp", "template", "--pack", "core", "-o", str(path)]).exit_code == 0
    book = load_workbook(path)
    sheet = book["维度"]
    sheet.cell(row=2, column=2, value=expert)
    for i in range(8):
        for j in range(i + 1, 8):
            sheet.cell(row=FIRST_ROW + i, column=j + 2, value=judged.get((i, j), default))
    if mismatch:
        sheet.cell(row=FIRST_ROW + mismatch[0], column=mismatch[1] + 2, value=mismatch[2])
    book.save(path)
    return path


def yaml_experts(tmp_path, experts: dict[str, dict]) -> str:
    from assess.packs.loading import load_pack

    ids = [d.id for d in load_pack("core").pack.dimensions]
    lines = [f"items: [{', '.join(ids)}]", "experts:"]
    for expert, judged in experts.items():
        lines.append(f"  - name: {expert}\n    judgments:")
        for i in range(8):
            for j in range(i + 1, 8):
                lines.append(f"      - [{ids[i]}, {ids[j]}, {judged.get((i, j), '1')}]")
    path = tmp_path / "experts.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_the_template_has_a_sheet_per_judgment_set_with_the_scale_as_a_drop_down(runner, tmp_path):
    from assess.packs.loading import load_pack

    path = tmp_path / "专家打分表.xlsx"
    result = runner.invoke(main, ["ahp", "template", "--pack", "core", "-o", str(path)])
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    sets = judgment_sets(load_pack("core").pack)
    assert book.sheetnames[0] == "填写说明" and len(book.sheetnames) == 1 + len(sets)
    sheet = book["维度"]
    assert sheet.row_dimensions[1].hidden and sheet["A1"].value == "dimensions"
    assert sheet["B3"].value == "党组织引领与自身建设" and sheet["B4"].value == "1"
    rules = sheet.data_validations.dataValidation
    assert rules and '"9,8,7,6,5,4,3,2,1,1/2' in rules[0].formula1 and "C4" in str(rules[0].sqref)


def test_two_experts_workbooks_give_the_weights_of_the_same_judgments_in_yaml(runner, tmp_path):
    books = [filled(runner, tmp_path, "zhang", "张老师", ZHANG), filled(runner, tmp_path, "li", "李老师", LI)]
    from_books = json.loads(runner.invoke(main, ["ahp", *map(str, books), "--pack", "core", "--format",
                                                 "json"]).stdout)["sets"]["dimensions"]
    from_yaml = json.loads(runner.invoke(main, ["ahp", yaml_experts(tmp_path, {"张老师": ZHANG, "李老师": LI}),
                                                "--format", "json"]).stdout)["sets"]["items"]
    assert from_books["experts"] == ["张老师", "李老师"]
    assert from_books["weights"] == pytest.approx(from_yaml["weights"]) and from_books["cr"] == pytest.approx(
        from_yaml["cr"])
    table = runner.invoke(main, ["ahp", *map(str, books), "--pack", "core"])
    assert table.exit_code == 0 and "党组织引领与自身建设" in table.stdout


def test_a_missing_cell_and_a_lower_cell_that_is_not_the_reciprocal_are_named_by_sheet_and_cell(runner, tmp_path):
    path = filled(runner, tmp_path, "wang", "王老师", ZHANG, mismatch=(1, 0, "3"))
    book = load_workbook(path)
    book["维度"]["D4"] = None
    book.save(path)
    result = runner.invoke(main, ["ahp", str(path), "--pack", "core"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "[维度]:4: D4: 未填写" in result.output
    assert "[维度]:5: B5: 左下方应为右上方 3 的倒数 1/3" in result.output


def test_inconsistent_judgments_are_named_by_the_sheet_s_titles_and_cells(runner, tmp_path):
    # party leadership 5× participation, participation 5× resources, resources 5× party leadership (D4: 1/5)
    path = filled(runner, tmp_path, "zhao", "赵老师", {(0, 1): "5", (1, 2): "5", (0, 2): "1/5"})
    result = runner.invoke(main, ["ahp", str(path), "--pack", "core"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "专家打分表 zhao.xlsx 的工作表“维度”：成对比较判断前后矛盾较多" in result.output
    assert "「资源整合与共享」比「党组织引领与自身建设」重要 5 倍（D4 格填 1/5）" in result.output
    assert "「党组织引领与自身建设」比「居民参与与自治」重要 5 倍（C4 格填 5）" in result.output


def zip_of(path, members: dict[str, str]):
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


@pytest.mark.parametrize("make,message", [
    (lambda p: p.write_bytes(b"PK\x03\x04 not really a zip"), "not a readable zip or xlsx"),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0 an old .xls"), "not a readable zip or xlsx"),
    (lambda p: p.write_bytes(zip_of(p.with_suffix(".tmp"), {"a": "b" * 10_000}).read_bytes()[:-30]),
     "not a readable zip or xlsx"),
    (lambda p: zip_of(p, {"xl/workbook.xml": "<workbook/>", "xl/sharedStrings.xml": "<sst><si><t>"
                          + "a" * 60_000_000 + "</t></si></sst>"}), "zip bomb"),
    (lambda p: zip_of(p, {"xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": "<worksheet><sheetData>"
                          + "<row><c><v>1</v></c></row>" * 3_000_000 + "</sheetData></worksheet>"}), "zip bomb"),
])
def test_a_workbook_that_is_broken_or_a_zip_bomb_is_a_message(runner, tmp_path, make, message):
    path = tmp_path / "专家.xlsx"
    make(path)
    result = runner.invoke(main, ["ahp", str(path), "--pack", "core"])
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
    assert str(path) in result.output


def with_sheet_xml(path, edit) -> None:
    """Rewrite every worksheet part of the workbook at `path` through `edit(xml) -> xml`."""
    import zipfile

    parts = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            parts[info.filename] = edit(data) if info.filename.startswith("xl/worksheets/sheet") else data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.mark.parametrize("far_row", [None, 40_000, 150_000])
@pytest.mark.parametrize("extent", ["A1:XFD1048576", "A1:ZZ100000", "B2:XFD1"])
def test_a_sheet_declaring_a_huge_extent_is_read_by_its_cells_quickly(runner, tmp_path, extent, far_row):
    """The declared extent, and an empty row element far below the grid (a formatted row), cost nothing:
    openpyxl padded every row to the declared width and every gap row too (3.8 GB for a 17 KB file)."""
    import re

    def declared(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{extent}"'.encode(), xml)
        return xml.replace(b"</sheetData>", f'<row r="{far_row}"/></sheetData>'.encode()) if far_row else xml

    path = filled(runner, tmp_path, "a", "张", ZHANG)
    with_sheet_xml(path, declared)
    result = runner.invoke(main, ["ahp", str(path), "--pack", "core", "--format", "json"])
    assert result.exit_code == 0, result.output  # the suite's memory guard fails the unbounded reader first
    assert json.loads(result.stdout)


@pytest.mark.parametrize(("row", "column"), [(200, 3), (5, 300), (1_048_576, 16_384)])
def test_a_value_far_beyond_the_judgment_grid_is_refused_by_sheet(runner, tmp_path, row, column):
    path = filled(runner, tmp_path, "a", "张", ZHANG)
    book = load_workbook(path)
    book["维度"].cell(row=row, column=column, value="x")
    book.save(path)
    result = runner.invoke(main, ["ahp", str(path), "--pack", "core"])
    assert result.exit_code == 1 and "[维度]" in result.output and "reaches beyond a judgment sheet" in result.output


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_is_refused_by_name_not_counted_as_an_expert(runner, tmp_path, state):
    path = filled(runner, tmp_path, "a", "张", ZHANG)
    book = load_workbook(path)
    copy = book.copy_worksheet(book["维度"])
    copy.title = "旧的打分"
    copy.sheet_state = state
    book.save(path)
    result = runner.invoke(main, ["ahp", str(path), "--pack", "core"])
    assert result.exit_code == 1 and "旧的打分" in result.output and "is hidden" in result.output


def test_the_workbooks_become_a_pack_that_weights_ahp_uses_with_its_composite_weights(runner, tmp_path):
    """`assess ahp 张.xlsx 李.xlsx --pack core -o ahp.yaml` writes a pack extending core with the experts'
    judgments; scoring with it under --weights ahp uses the weights `assess ahp` printed, and the composite
    weights (dimension weight × indicator weight within it) sum to 1."""
    import json

    zhang = filled(runner, tmp_path, "张老师", "张老师", ZHANG)
    li = filled(runner, tmp_path, "李老师", "李老师", LI)
    out = tmp_path / "ahp.yaml"
    made = runner.invoke(main, ["ahp", str(zhang), str(li), "--pack", "core", "-o", str(out), "--format", "json"])
    assert made.exit_code == 0, made.output
    printed = json.loads(made.stdout)
    composite = printed["composite"]
    assert sum(r["composite"] for r in composite) == pytest.approx(1.0, abs=1e-5)
    for row in composite:
        assert row["composite"] == pytest.approx(row["dimension_weight"] * row["indicator_weight"], abs=1e-6)
    from assess.packs.loading import load_pack
    from assess.scoring.weights import effective_weights

    pack = load_pack(out)
    assert pack.parents and pack.parents[0].startswith("core@")
    used = effective_weights(pack.pack, "ahp")
    dims = printed["sets"]["dimensions"]
    total = sum(used.dimensions.values())
    for item, weight in zip(dims["items"], dims["weights"], strict=True):
        assert used.dimensions[item] / total == pytest.approx(weight, abs=1e-6)
    again = runner.invoke(main, ["ahp", str(zhang), str(li), "--pack", "core", "-o", str(out)])
    assert again.exit_code == 1 and "--force" in again.output
    table = runner.invoke(main, ["ahp", str(zhang), str(li), "--pack", "core"])
    assert "综合权重 = 维度权重 × 指标权重" in table.stdout
