"""Hostile inputs bounded in time and memory, beside the same reader on an ordinary file of the same size.

Prints figures, asserts nothing. Each measurement runs in a fresh process that reports its wall time and its
own peak resident set size (VmHWM), so one run's memory does not hide in the next; the baseline line is an
interpreter that imports the same modules and reads nothing.

1. YAML alias bombs given to `load_yaml` (refused by the amplification bound), beside an alias-free file
   of the same size read by `load_yaml`, and the same bomb given to PyYAML's own `yaml.safe_load` (which
   expands it; stopped at a time limit when it does not finish).
2. An experts' AHP workbook that declares the extent A1:XFD1048576 (17 billion cells) and has an empty
   row far below its grid, read by
   `read_workbooks`, beside the same workbook as written by `assess ahp template` and filled in, and
   beside openpyxl's read-only rows honouring the declared extent (how it was read before), capped at 1 GB.

Run: .venv/bin/python benchmarks/bench_bounds.py [--timeout 60]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

MEASURED = """
import time
from pathlib import Path
{imports}
start = time.perf_counter()
try:
    {work}
    outcome = "read"
except MemoryError:
    outcome = "MemoryError at the address-space cap"
except Exception as exc:  # the bound's refusal, named in the output
    outcome = "refused: " + str(exc).split(" / ")[-1][:70]
elapsed = time.perf_counter() - start
status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
print(f"{{elapsed:.3f}}|{{int(status['VmHWM'].split()[0]) // 1024}}|{{outcome}}")
"""


def measure(imports: str, work: str, timeout: float, memory_mb: int | None = None) -> str:
    """One measurement in a fresh process; `memory_mb` caps its address space (for a reference that would
    otherwise take gigabytes of a shared machine)."""
    import resource

    def capped() -> None:
        if memory_mb:
            resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024**2, memory_mb * 1024**2))

    code = MEASURED.format(imports=imports, work=work)
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                              preexec_fn=capped)
    except subprocess.TimeoutExpired:
        return f"did not finish in {timeout:.0f} s"
    if done.returncode != 0:
        return f"failed: {done.stderr.strip().splitlines()[-1][:90] if done.stderr.strip() else done.returncode}"
    seconds, peak, outcome = done.stdout.strip().split("|", 2)
    return f"{float(seconds):8.3f} s  {int(peak):6d} MB peak  {outcome}"


def alias_bombs(folder: Path) -> dict[str, Path]:
    def laughs(levels: int, width: int) -> str:
        lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
        lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * width)}]" for n in range(1, levels)]
        return "\n".join(lines) + "\n"

    texts = {
        "billion laughs (0.5 KB)": laughs(9, 9),
        "one list aliased 4,000 times (18 KB)": "base: &b [" + ",".join(["x"] * 3000) + "]\nrefs: ["
                                                + ",".join(["*b"] * 4000) + "]\n",
        "2,000 values aliased 450,000 times (2.2 MB)": "base: &b [" + ",".join(map(str, range(2000)))
                                                       + "]\nrefs:\n" + "- *b\n" * 450_000,
    }
    files = {}
    for n, (name, text) in enumerate(texts.items()):
        files[name] = folder / f"bomb{n}.yaml"
        files[name].write_text(text, encoding="utf-8")
        plain = folder / f"plain{n}.yaml"  # the same size without aliases: a list of distinct values
        count = max(len(text) // 8, 1)
        plain.write_text("values:\n" + "".join(f"- v{i:05d}\n" for i in range(count)), encoding="utf-8")
    return files


def workbooks(folder: Path) -> tuple[Path, Path]:
    """A filled-in experts' workbook, and the same with the extent A1:XFD1048576 declared in every sheet and an
    empty row element at row 40,000 (what a formatted row leaves): still 17 KB."""
    from openpyxl import load_workbook

    from assess.packs.ahp_workbook import FIRST_ROW, template_workbook
    from assess.packs.loading import load_pack

    plain = folder / "专家.xlsx"
    plain.write_bytes(template_workbook(load_pack("core").pack))
    book = load_workbook(plain)
    for sheet in book.worksheets[1:]:
        sheet.cell(row=2, column=2, value="专家甲")
        size = sum(1 for c in sheet[1] if c.value) - 1
        for i in range(size):
            for j in range(i + 1, size):
                sheet.cell(row=FIRST_ROW + i, column=j + 2, value="3")
    book.save(plain)
    bomb = folder / "专家-声明超大范围.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)
                data = data.replace(b"</sheetData>", b'<row r="40000"/></sheetData>')  # an empty row far below
            target.writestr(info.filename, data)
    return plain, bomb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="assess-bounds-") as folder:
        base = Path(folder)
        yaml_imports = "from assess.packs.yamlio import load_yaml\nimport yaml"
        print("interpreter importing the YAML reader, reading nothing:",
              measure(yaml_imports, "pass", args.timeout))
        for n, (name, path) in enumerate(alias_bombs(base).items()):
            print(f"\n{name}, {path.stat().st_size / 1024:,.1f} KB")
            print("  load_yaml             ", measure(yaml_imports, f"load_yaml({str(path)!r})", args.timeout))
            plain = base / f"plain{n}.yaml"
            print(f"  same-size plain file   {measure(yaml_imports, f'load_yaml({str(plain)!r})', args.timeout)}"
                  f"  ({plain.stat().st_size / 1024:,.1f} KB)")
            print("  yaml.safe_load (ref.) ", measure(yaml_imports, f"yaml.safe_load(open({str(path)!r}))",
                                                      args.timeout))
        plain, bomb = workbooks(base)
        ahp_imports = "from assess.packs.ahp_workbook import read_workbooks\nfrom assess.packs.loading import load_pack"
        print("\ninterpreter importing the AHP reader, reading nothing:", measure(ahp_imports, "pass", args.timeout))
        for name, path in (("filled-in workbook", plain), ("declaring A1:XFD1048576", bomb)):
            print(f"{name:26s} ({path.stat().st_size / 1024:.0f} KB)",
                  measure(ahp_imports, f"read_workbooks([Path({str(path)!r})], load_pack('core').pack)", args.timeout))
        honouring = (f"book = load_workbook({str(bomb)!r}, read_only=True, data_only=True)\n    "
                     "rows = [list(r) for r in book.worksheets[1].iter_rows(values_only=True)]")
        print("openpyxl honouring it (ref.)",
              measure("from openpyxl import load_workbook", honouring, args.timeout, memory_mb=1024))


if __name__ == "__main__":
    main()
