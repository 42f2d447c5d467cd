#!/usr/bin/env bash
# `npm run emulator -- --port N [--deploy-seconds S] [--nat-seconds S]`: the
# local AWS emulator in the foreground, with the Python the bootstrap chose
# (the system python3 when it has moto, else the project's .venv).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${ACKLESS_PYTHON:-}"
if [[ -z "$PYTHON" ]]; then
  if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
exec "$PYTHON" -m emulator "$@"
