#!/usr/bin/env bash
# The randomized lifecycle tester (test/soak/): bootstrap (idempotent), then
# `node dist/test/soak/cli.js` with the arguments, e.g.
#   npm run soak -- --ops 40 --seed 7 [--kinds nat,fn,dist] [--faults on|off]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/bootstrap.sh >&2
# shellcheck disable=SC1091
source .ackless/env.sh
exec node dist/test/soak/cli.js "$@"
