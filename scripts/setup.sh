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
.venv/bin/python -m pip install -q -e ".[test,web]"

# `assess` on the PATH, so that the README's commands work as typed in any folder: a link in the first folder
# of the PATH that may hold it (/usr/local/bin as root or with sudo, else ~/.local/bin when it is on the PATH).
link_into() { [ -d "$1" ] && ln -sf "$PWD/.venv/bin/assess" "$1/assess" 2>/dev/null; }
placed=""
for dir in /usr/local/bin "$HOME/.local/bin"; do
  case ":$PATH:" in *":$dir:"*) link_into "$dir" && { placed="$dir"; break; } ;; esac
done
if [ -z "$placed" ] && [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 \
   && case ":$PATH:" in *":/usr/local/bin:"*) true ;; *) false ;; esac \
   && sudo ln -sf "$PWD/.venv/bin/assess" /usr/local/bin/assess; then
  placed=/usr/local/bin
fi
if [ -n "$placed" ]; then
  echo "已安装：可直接输入 assess / installed: type assess ($placed/assess)"
else
  echo "已安装：请用 .venv/bin/assess 运行 / installed: run it as .venv/bin/assess (no folder of the PATH could hold a link)"
fi
