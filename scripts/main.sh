#!/usr/bin/env bash
# The main job: a real `pulumi up` of the main program (programs/edge) against
# the local AWS emulator. Bootstraps first (idempotent).
#
#   npm run main                 up, print the outputs, then destroy (the
#                                emulator lives only as long as this script)
#   npm run main -- --keep       up, print the outputs, keep the emulator
#                                running until Ctrl-C, then destroy
#   npm run main -- --no-destroy up and stop; state stays in .ackless/state
#
# Against real AWS: see README ("Real AWS"); this script is for the emulator.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
KEEP=0; DESTROY=1
for a in "$@"; do
  case "$a" in
    --keep) KEEP=1 ;;
    --no-destroy) DESTROY=0 ;;
    *) echo "unknown option $a (use --keep or --no-destroy)" >&2; exit 2 ;;
  esac
done
bash scripts/bootstrap.sh
# shellcheck disable=SC1091
source .ackless/env.sh

PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
DEPLOY_SECONDS="${ACKLESS_DEMO_DEPLOY_SECONDS:-5}"
NAT_SECONDS="${ACKLESS_DEMO_NAT_SECONDS:-3}"
LOG=.ackless/emulator.log
echo "==> starting the AWS emulator on 127.0.0.1:$PORT (CloudFront deploys take ${DEPLOY_SECONDS}s, NAT transitions ${NAT_SECONDS}s; log: $LOG)"
"$ACKLESS_PYTHON" -m emulator --port "$PORT" --deploy-seconds "$DEPLOY_SECONDS" --nat-seconds "$NAT_SECONDS" >"$LOG" 2>&1 &
EMU=$!
cleanup() { kill "$EMU" 2>/dev/null || true; wait "$EMU" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/ackless/config" >/dev/null 2>&1 && break
  kill -0 "$EMU" 2>/dev/null || { cat "$LOG" >&2; echo "the emulator did not start" >&2; exit 1; }
  sleep 0.2
done

export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN

STACK="${ACKLESS_STACK:-dev}"
pulumi stack select --create "$STACK" --non-interactive >/dev/null
# The network the NAT gateway lives in exists before Pulumi, as it does for
# users whose VPC is already there: make it in the emulator, pass it as config.
node scripts/seed-network.js | while read -r key value; do
  pulumi config set "$key" "$value" --non-interactive
done

echo "==> pulumi up (stack $STACK)"
pulumi up --yes --skip-preview --non-interactive --stack "$STACK"
echo
echo "==> stack outputs"
pulumi stack output --json --stack "$STACK"
cat <<MSG

What happened: Pulumi ran programs/edge with ackless's dynamic providers
against a local emulator of AWS. State is in .ackless/state (file backend).
MSG
if [[ $KEEP == 1 ]]; then
  echo "The emulator keeps running at $AWS_ENDPOINT_URL; press Ctrl-C to destroy and stop."
  trap 'echo; echo "==> pulumi destroy"; pulumi destroy --yes --skip-preview --non-interactive --stack "$STACK"; cleanup; exit 0' INT TERM
  wait "$EMU"
elif [[ $DESTROY == 1 ]]; then
  echo "==> pulumi destroy (the emulator's state ends with this script; --keep keeps it running)"
  pulumi destroy --yes --skip-preview --non-interactive --stack "$STACK"
else
  echo "Stack left up in .ackless/state; the emulator has stopped, so run 'pulumi stack rm --force $STACK' before the next run."
fi
