#!/usr/bin/env bash
# npm run lint: ESLint (eslint.config.mjs), the import-cycle check over
# provider/ and programs/ (madge), and the formatting check (prettier --check).
# All three run; the exit status is non-zero when any of them failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
failed=()
echo "[lint] eslint" >&2
node_modules/.bin/eslint . || failed+=(eslint)
echo "[lint] import cycles (madge) in provider/ and programs/" >&2
node_modules/.bin/madge --circular --no-spinner --extensions ts --ts-config tsconfig.json provider programs || failed+=("import cycles")
echo "[lint] formatting (prettier --check; npm run format writes)" >&2
node_modules/.bin/prettier --check --log-level warn . || failed+=(prettier)
if ((${#failed[@]})); then
  echo "[lint] failed: ${failed[*]}" >&2
  exit 1
fi
echo "[lint] ok" >&2
