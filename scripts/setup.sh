#!/usr/bin/env bash
# Installs what assess needs on a fresh Debian machine: the system libraries WeasyPrint uses, a CJK font
# for Chinese reports, and the package itself (with its test tools) in ./.venv.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "assess needs Python 3.11 or newer; this python3 is $(python3 --version 2>&1)" >&2
  exit 1
}

need=()
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0)
dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || need+=(libpangoft2-1.0-0)
dpkg -s libharfbuzz-subset0 >/dev/null 2>&1 || need+=(libharfbuzz-subset0)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
dpkg -s poppler-utils >/dev/null 2>&1 || need+=(poppler-utils)
python3 -c "import ensurepip" >/dev/null 2>&1 || need+=(python3-venv)  # Debian strips ensurepip out
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
