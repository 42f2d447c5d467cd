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
# Extra arguments go to mocha (e.g. `npm test -- --grep NatGateway`). Files run in ACKLESS_TEST_JOBS mocha workers
# (default 2; 1: one process).
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
# The files, longest first: mocha --parallel hands them to its workers in this order, so no worker is left running
# a long file alone at the end (figures: README, Tests). Then every other file of the tier, in path order.
shopt -s globstar nullglob
longest=(
  dist/test/e2e/lifecycle-matrix-nat-public.e2e.test.js
  dist/test/e2e/lifecycle-matrix-nat-private.e2e.test.js
  dist/test/e2e/soak.e2e.test.js
  dist/test/e2e/lifecycle-matrix-distribution.e2e.test.js
  dist/test/e2e/chaos.e2e.test.js
  dist/test/e2e/lifecycle-matrix-function.e2e.test.js
  dist/test/e2e/iam.e2e.test.js
  dist/test/e2e/nat-gateway.e2e.test.js
)
declare -A wanted=() seen=()
files=()
for spec in "${specs[@]}"; do
  for f in $spec; do wanted["$f"]=1; done
done
for f in "${longest[@]}"; do
  if [[ -n "${wanted[$f]:-}" ]]; then files+=("$f"); seen["$f"]=1; fi
done
for spec in "${specs[@]}"; do
  for f in $spec; do
    if [[ -z "${seen[$f]:-}" ]]; then files+=("$f"); seen["$f"]=1; fi
  done
done
if [[ ${#files[@]} -eq 0 ]]; then
  echo "[test] no compiled test files for tier $tier (run npm run build)" >&2
  exit 1
fi
# ACKLESS_TEST_JOBS: mocha workers (default 2, one per core of the reference machine; the unit tier alone runs in one
# process, where starting workers costs more than it saves); 1 runs the files in one process. Each worker has its own
# shared emulator (test/helpers/hooks.ts), and every server a test starts takes a free port.
default_jobs=2
[[ "$tier" == unit ]] && default_jobs=1
jobs="${ACKLESS_TEST_JOBS:-$default_jobs}"
parallel=()
if [[ "$jobs" -gt 1 ]]; then
  parallel=(--parallel --jobs "$jobs")
fi
exec node_modules/.bin/mocha "${parallel[@]}" "${files[@]}" "$@"
