#!/usr/bin/env bash
# The main job: a real `pulumi up` of the main program (programs/edge) against
# a local AWS emulator and a local Kubernetes API server, then an ordered
# `pulumi destroy`. Bootstraps first (idempotent).
#
#   npm run main              up, print the outputs, destroy (the emulator and
#                             the API server live only as long as this script)
#   npm run main -- --keep    up, print the outputs and how to use the stack,
#                             keep everything running until Ctrl-C, then destroy
#
# Knobs: ACKLESS_DEMO_DEPLOY_SECONDS (CloudFront deploy time, default 5),
# ACKLESS_DEMO_NAT_SECONDS (NAT transitions, default 3), ACKLESS_STACK (dev).
# For a real cluster and real AWS see docs/edge.md; this script is local only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
KEEP=0
for a in "$@"; do
  case "$a" in
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $a (use --keep, or nothing)" >&2; exit 2 ;;
  esac
done
START=$SECONDS
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\nmain: %s\n' "$*" >&2; exit 1; }
# Pulumi's non-interactive display, shortened: one line per resource step (no
# "creating (0s)" repeats or await notes), no progress dots, no notice about
# the locally built Kubernetes plugin, and the Diagnostics block only when it
# holds more than the info lines already shown. Errors always pass.
tidy() {
  awk '
    /using pulumi-resource-kubernetes from \$PATH/ { next }
    /Skipping await logic/ { next }
    /^ [-+~] .* (creating|deleting|updating) \([0-9.]+s\) *$/ { next }
    /The resources in the stack have been deleted, but the history/ || /If you want to remove the stack completely/ { next }
    /^Diagnostics:/ { diag = 1; buf = $0 "\n"; keep = 0; next }
    diag && /^Resources:/ { if (keep) printf "%s\n", buf; diag = 0 }
    diag { if ($0 !~ /^ *$/ && $0 !~ /^    info: / && $0 !~ /^  pulumi:pulumi:Stack/) keep = 1; buf = buf $0 "\n"; next }
    { sub(/ +[0-9]+ warnings?(; [0-9]+ messages?)?$| +[0-9]+ messages?$/, "") }
    /^    pulumi:pulumi:Stack [^ ]+ *$/ { next }
    { print; fflush() }
    END { if (diag) printf "%s", buf }'
}

bash scripts/bootstrap.sh
# shellcheck disable=SC1091
source .ackless/env.sh

# --- 1. the local AWS emulator and Kubernetes API server, side by side ------
DEPLOY_SECONDS="${ACKLESS_DEMO_DEPLOY_SECONDS:-5}"
NAT_SECONDS="${ACKLESS_DEMO_NAT_SECONDS:-3}"
PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
EMU_LOG=.ackless/emulator.log KUBE_LOG=.ackless/kube.log
export KUBECONFIG="$ROOT/.ackless/kubeconfig"
rm -f "$KUBECONFIG"
step "starting a local AWS emulator and a local Kubernetes API server"
# Each in its own session (setsid): Ctrl-C reaches this script only, which
# destroys the stack while both are still up, then stops them.
setsid "$ACKLESS_PYTHON" -m emulator --port "$PORT" --deploy-seconds "$DEPLOY_SECONDS" --nat-seconds "$NAT_SECONDS" >"$EMU_LOG" 2>&1 &
EMU=$!
setsid node scripts/kube-up.js "$KUBECONFIG" >"$KUBE_LOG" 2>&1 &
KUBE=$!
cleanup() {
  kill -TERM "$EMU" "$KUBE" 2>/dev/null || true
  wait "$EMU" "$KUBE" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$PORT/ackless/config" >/dev/null 2>&1 && break
  kill -0 "$EMU" 2>/dev/null || { tail -20 "$EMU_LOG" >&2; fail "the AWS emulator did not start (log: $EMU_LOG)"; }
  sleep 0.2
done
for _ in $(seq 1 600); do
  [[ -s $KUBECONFIG ]] && break
  kill -0 "$KUBE" 2>/dev/null || { tail -20 "$KUBE_LOG" >&2; fail "the Kubernetes API server did not start (log: $KUBE_LOG)"; }
  sleep 0.2
done
[[ -s $KUBECONFIG ]] || fail "the Kubernetes API server was not ready after 120 s (log: $KUBE_LOG)"
echo "AWS:        http://127.0.0.1:$PORT  (moto + ackless's AWS contract; CloudFront deploys take ${DEPLOY_SECONDS}s, NAT gateways ${NAT_SECONDS}s)"
echo "Kubernetes: $(sed -n 's/^kube-apiserver ready at //p' "$KUBE_LOG")  (etcd + kube-apiserver; no nodes, so no pod ever runs)"

export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN

# --- 2. the stack and its config ---------------------------------------------
STACK="${ACKLESS_STACK:-dev}"
pulumi stack select --create "$STACK" --non-interactive >/dev/null
if [[ "$(pulumi stack export --stack "$STACK" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log((JSON.parse(s).deployment.resources||[]).length))')" != 0 ]]; then
  echo "(forgetting the resources a previous run left in stack $STACK: the emulator that held them is gone)"
  pulumi state delete --all --force --yes --stack "$STACK" >/dev/null
fi
# The network exists before Pulumi, as a team's VPC does: make a VPC, the
# egress subnet and an Elastic IP in the emulator and pass them as config.
args=()
while read -r key value; do args+=(--plaintext "$key=$value"); done < <(node --no-warnings scripts/seed-network.js)
[[ ${#args[@]} -gt 0 ]] || fail "could not create the network in the emulator"
pulumi config set-all --stack "$STACK" "${args[@]}" \
  --plaintext waitForReady=false
pulumi config set --secret kubeconfig --stack "$STACK" <"$KUBECONFIG"

# --- 3. up -------------------------------------------------------------------
step "pulumi up (stack $STACK)"
pulumi up --yes --skip-preview --non-interactive --suppress-outputs --suppress-progress --stack "$STACK" 2>&1 | tidy \
  || fail "pulumi up failed (the messages above say why). Logs: $EMU_LOG, $KUBE_LOG"

step "stack outputs"
pulumi stack output --json --stack "$STACK"
cat <<'MSG'

What happened: one `pulumi up` of programs/edge declared
  - in Kubernetes: the app namespace, a Deployment and a Service, and an
    Ingress of class alb, the IngressClass of the AWS Load Balancer Controller
    the cluster already has (read, not created: the controller is installed
    outside the stack, as an EKS add-on or Helm chart is);
  - in AWS, through ackless: a CloudFront Function, published, then the
    Distribution that runs it (Pulumi waited for it to deploy), and a NAT
    gateway for the cluster's egress (waited for until available).
No controller runs here (no nodes), so the Ingress has no hostname yet and
CloudFront points at the originDomainName fallback. On a real cluster the
controller sets it and `pulumi up --refresh` points CloudFront at the ALB.
MSG

# --- 4. destroy --------------------------------------------------------------
destroy() {
  step "pulumi destroy: the distribution is disabled, waited for and deleted before the Ingress goes; the installed controller's IngressClass stays"
  pulumi destroy --yes --skip-preview --non-interactive --suppress-progress --stack "$STACK" 2>&1 | tidy \
    || fail "pulumi destroy failed (the messages above say why)"
  echo
  echo "Done in $((SECONDS - START)) s. Everything was local: nothing was created in a real AWS account or cluster."
}
if [[ $KEEP == 1 ]]; then
  cat <<MSG

Everything keeps running until you press Ctrl-C (then the stack is destroyed).
In another terminal, from $ROOT:

  source .ackless/env.sh
  export AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
  export KUBECONFIG=$KUBECONFIG
  pulumi stack output                  # the outputs again
  pulumi preview --diff                # edit programs/edge, npm run build, see the plan
  pulumi config set replicas 3 && pulumi up   # scale the app: only its Deployment changes
  pulumi refresh                       # compare the state with the emulator and the API server
MSG
  trap 'destroy; exit 0' INT TERM
  while kill -0 "$EMU" 2>/dev/null && kill -0 "$KUBE" 2>/dev/null; do sleep 1; done
  fail "the emulator or the API server stopped (logs: $EMU_LOG, $KUBE_LOG); the stack could not be destroyed"
else
  destroy
fi
