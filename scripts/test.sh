#!/usr/bin/env bash
# The whole test suite: bootstrap (idempotent), then mocha over the compiled
# tests. Extra arguments go to mocha (e.g. `npm test -- --grep NatGateway`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/bootstrap.sh
# shellcheck disable=SC1091
source .ackless/env.sh
exec node_modules/.bin/mocha "$@"
