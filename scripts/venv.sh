#!/usr/bin/env bash
# Create the virtualenv and install the pinned requirements. Usage: venv.sh PYTHON VENV_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${1:-python3}
VENV=${2:-.venv}

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "venv: Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1 || echo none))." >&2
  exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
    # Debian ships venv separately.
    if command -v apt-get >/dev/null && [ "$(id -u)" -eq 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      rm -rf "$VENV"; "$PYTHON" -m venv "$VENV"
    else
      echo "venv: '$PYTHON -m venv' failed; install python3-venv (Debian/Ubuntu) and retry." >&2
      exit 1
    fi
  fi
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt
