#!/usr/bin/env bash
# The test suite, by tier. The tier is in each test file's name:
#   *.unit.test.ts         unit: no emulator, no engine, no servers; fake time
#   *.contract.test.ts     contract: the emulator holds to AWS's behaviour
#   *.integration.test.ts  integration: provider code against the emulator or a
#                          local Kubernetes API server (no engine); runs with contract
#   *.e2e.test.ts          end to end: whole `pulumi`/`ackless` runs
#
#   scripts/test.sh                everything: `npm run lint`, bootstrap, every tier (npm test, CI)
#   scripts/test.sh unit           unit tier only (builds, no Pulumi/Python toolchain needed)
#   scripts/test.sh contract|e2e   that tier (bootstraps)
# Extra arguments go to mocha (e.g. `npm test -- --grep NatGateway`).
# ACKLESS_SKIP_LINT=1 skips the lint step of the whole run (it says so).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
tier=all
case "${1:-}" in
  unit | contract | e2e | all) tier="$1"; shift ;;
esac
case "$tier" in
  unit) specs=("dist/test/**/*.unit.test.js") ;;
  contract) specs=("dist/test/**/*.contract.test.js" "dist/test/**/*.integration.test.js") ;;
  e2e) specs=("dist/test/**/*.e2e.test.js") ;;
  all) specs=("dist/test/**/*.unit.test.js" "dist/test/**/*.contract.test.js" "dist/test/**/*.integration.test.js" "dist/test/**/*.e2e.test.js") ;;
esac
if [[ "$tier" == unit ]]; then
  bash scripts/bootstrap.sh --build-only
  # shellcheck disable=SC1091
  source .ackless/node-env.sh
else
  bash scripts/bootstrap.sh
  # shellcheck disable=SC1091
  source .ackless/env.sh
  if [[ "$tier" == all ]]; then
    if [[ "${ACKLESS_SKIP_LINT:-}" == 1 ]]; then
      echo "[test] ACKLESS_SKIP_LINT=1: lint skipped" >&2
    else
      npm run --silent lint
    fi
  fi
fi
# Each glob is quoted: mocha expands it (so ** matches at any depth).
exec node_modules/.bin/mocha "${specs[@]}" "$@"
