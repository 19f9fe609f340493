#!/usr/bin/env bash
# Builds the wheel, installs it into a fresh virtual environment and runs assess from outside the
# checkout, so the bundled packs, seeds and templates must come from the installed package.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$repo/.venv/bin/python" -m pip wheel -q --no-deps -w "$work/dist" "$repo"
"$repo/.venv/bin/python" - "$work"/dist/*.whl <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
for needed in ("assess/web/static/htmx.min.js", "assess/web/static/app.css", "assess/web/templates/base.html",
               "assess/web/static/survey.js", "assess/web/templates/survey_poster.html"):
    assert needed in names, f"{needed} is not in the wheel"
print("wheel web assets OK")
PY
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q "$work"/dist/*.whl
cd "$work"
"$work/venv/bin/assess" indicators list --format json > pack.json
"$work/venv/bin/python" - <<'PY'
import json
data = json.load(open("pack.json"))
assert data["pack"]["id"] == "core", data["pack"]
assert "/_data/indicators/" in data["pack"]["file"], data["pack"]["file"]
print("wheel install OK:", data["pack"]["file"])
PY
"$work/venv/bin/assess" indicators validate "$("$work/venv/bin/python" -c 'from assess.packs.building import bundled_packs; print(bundled_packs()["core"])')"
"$work/venv/bin/assess" demo -o "$work/demo" >/dev/null
pdfs=$(find "$work/demo" -name '*.pdf' | wc -l)
[ "$pdfs" -ge 8 ] || { echo "wheel demo wrote $pdfs PDFs, expected 8 (6 community, 2 district)" >&2; exit 1; }
echo "wheel demo OK: $pdfs PDFs"
