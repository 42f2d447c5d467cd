#!/usr/bin/env bash
# ackless bootstrap: installs everything the main job and the tests need,
# idempotently, and writes .ackless/env.sh for the other scripts to source.
#
#   1. npm packages (npm ci, skipped while package-lock.json is unchanged)
#   2. the TypeScript build (tsc, incremental)
#   3. the Pulumi toolchain at the version of the pinned @pulumi/pulumi:
#      a matching `pulumi` from PATH, else binaries built once from Go modules
#      and cached per user in $ACKLESS_CACHE_DIR (default ~/.cache/ackless)
#   4. the AWS emulator's Python side (moto 5.2.1; a project venv if the
#      system python3 lacks it)
#
# Environment knobs: ACKLESS_CACHE_DIR, ACKLESS_FORCE_BUILD=1 (ignore pulumi
# on PATH), ACKLESS_SKIP_KUBE=1 (no Kubernetes pieces), PULUMI_CONFIG_PASSPHRASE
# (default: the local-only passphrase).
# `--pulumi-only` runs step 3's Pulumi CLI part alone (node_modules must exist).
set -euo pipefail
PULUMI_ONLY=0
[[ "${1:-}" == "--pulumi-only" ]] && PULUMI_ONLY=1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf '[bootstrap] %s\n' "$*" >&2; }
die() { printf '[bootstrap] error: %s\n' "$*" >&2; exit 1; }
MOTO_VERSION=5.2.1

# --- 1. npm packages -------------------------------------------------------
if [[ $PULUMI_ONLY == 0 ]]; then
command -v node >/dev/null || die "node is not on PATH: install Node.js 20 or later"
command -v npm >/dev/null || die "npm is not on PATH: install Node.js 20 or later (it ships npm)"
lock_hash="$(sha256sum package-lock.json | cut -c1-16)"
if [[ "$(cat node_modules/.ackless-lock 2>/dev/null || true)" != "$lock_hash" ]]; then
  say "installing npm packages (npm ci)..."
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2 || die "npm ci failed (see above); is the npm registry reachable?"
  echo "$lock_hash" > node_modules/.ackless-lock
fi
# Programs in this repository (and the provider code Pulumi stores in state)
# require("ackless") as a user's would: link the package to itself.
ln -sfn .. node_modules/ackless

# --- 2. TypeScript build ----------------------------------------------------
say "compiling TypeScript..."
node_modules/.bin/tsc -p tsconfig.json --incremental --tsBuildInfoFile dist/.tsbuildinfo >&2 \
  || die "TypeScript compile failed (see above)"
fi

# --- 3. Pulumi toolchain ----------------------------------------------------
PULUMI_VERSION="v$(node -p 'require("@pulumi/pulumi/package.json").version')"
CACHE="${ACKLESS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ackless}"
BIN="$CACHE/pulumi-$PULUMI_VERSION/bin"
mkdir -p "$BIN"

# The dynamic-provider host is a script shipped inside @pulumi/pulumi; the
# engine looks for it beside the pulumi binary, never in node_modules.
install -m 0755 node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs "$BIN/pulumi-resource-pulumi-nodejs"

go_build() { # <label> <output> <package> <ldflags> [<module dir>] [<version>]
  local label="$1" out="$2" pkg="$3" ldflags="$4" moddir="${5:-tools/pulumi}" ver="${6:-$PULUMI_VERSION}" log
  command -v go >/dev/null || die "Go is not on PATH, and $label $PULUMI_VERSION must be built from Go modules.
  Fix: install Go 1.24 or later (https://go.dev/dl), or put pulumi $PULUMI_VERSION and its
  pulumi-language-nodejs on PATH and re-run."
  log="$(mktemp)"
  say "building $label $ver from Go modules (first time only; a few minutes on 2 cores)..."
  local start=$SECONDS
  ( cd "$moddir" && GOFLAGS=-mod=readonly GOSUMDB=off CGO_ENABLED=0 \
      go build -v -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$out.tmp" "$pkg" ) 2>"$log" &
  local pid=$!
  local next=$((SECONDS + 15))
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if (( SECONDS >= next )) && kill -0 "$pid" 2>/dev/null; then
      next=$((SECONDS + 15))
      say "  $label: $(grep -vc '^go: downloading' "$log" || true) packages compiled, $(grep -c '^go: downloading' "$log" || true) modules downloaded, $((SECONDS - start)) s"
    fi
  done
  if ! wait "$pid"; then
    grep -v '^[a-z0-9./_-]*$' "$log" | tail -20 >&2 || true
    if grep -qiE 'proxy|dial tcp|no such host|403|404|410|timeout' "$log"; then
      die "building $label failed while downloading Go modules: the Go module proxy is unreachable or refused a module.
  Fix: check \`go env GOPROXY\` and network access to it, or put pulumi $PULUMI_VERSION on PATH. Log: $log"
    fi
    die "building $label failed (log: $log)"
  fi
  mv "$out.tmp" "$out"
  rm -f "$log"
  say "built $label in $((SECONDS - start)) s -> $out"
}

# A pulumi already on PATH is used when its version matches (and it brings
# its own language host); otherwise ours, built once and cached.
path_pulumi="$(command -v pulumi || true)"
if [[ -z "${ACKLESS_FORCE_BUILD:-}" && -n "$path_pulumi" && "$path_pulumi" != "$BIN/pulumi" ]] \
   && [[ "$("$path_pulumi" version 2>/dev/null || true)" == "$PULUMI_VERSION" ]] \
   && [[ -x "$(dirname "$path_pulumi")/pulumi-language-nodejs" ]]; then
  say "using pulumi $PULUMI_VERSION from PATH ($path_pulumi)"
  ln -sf "$path_pulumi" "$BIN/pulumi"
  ln -sf "$(dirname "$path_pulumi")/pulumi-language-nodejs" "$BIN/pulumi-language-nodejs"
else
  if [[ ! -x "$BIN/pulumi" || -L "$BIN/pulumi" || "$("$BIN/pulumi" version 2>/dev/null || true)" != "$PULUMI_VERSION" ]]; then
    rm -f "$BIN/pulumi"
    go_build "the Pulumi CLI" "$BIN/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
      "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"
  fi
  # Our language host is keyed by its source too, so a fix reaches the cache.
  lh_key="$PULUMI_VERSION-$(cat tools/pulumi/language-nodejs/main.go tools/pulumi/go.sum | sha256sum | cut -c1-16)"
  if [[ -L "$BIN/pulumi-language-nodejs" || "$(cat "$BIN/.language-nodejs.key" 2>/dev/null || true)" != "$lh_key" ]]; then
    rm -f "$BIN/pulumi-language-nodejs"
    go_build "the Node.js language host" "$BIN/pulumi-language-nodejs" ./language-nodejs \
      "-s -w -X main.version=$PULUMI_VERSION"
    echo "$lh_key" > "$BIN/.language-nodejs.key"
  fi
fi

[[ $PULUMI_ONLY == 1 ]] && { say "ready: pulumi $PULUMI_VERSION in $BIN"; exit 0; }

# --- 3b. Kubernetes control plane for the Kubernetes tests and programs -------
# etcd and kube-apiserver, as controller-runtime's envtest runs them.
KUBE_VERSION="v$(sed -n 's/^\tk8s.io\/kubernetes v//p' tools/kube/go.mod)"
ETCD_VERSION="v$(sed -n 's/^\tgo.etcd.io\/etcd\/server\/v3 v//p' tools/kube/go.mod)"
KUBE_BIN="$CACHE/kube-$KUBE_VERSION-etcd-$ETCD_VERSION/bin"
mkdir -p "$KUBE_BIN"
if [[ -z "${ACKLESS_SKIP_KUBE:-}" ]]; then
  if [[ ! -x "$KUBE_BIN/etcd" ]]; then
    go_build "etcd" "$KUBE_BIN/etcd" go.etcd.io/etcd/server/v3 "-s -w" tools/kube "$ETCD_VERSION"
  fi
  if [[ ! -x "$KUBE_BIN/kube-apiserver" ]]; then
    minor="${KUBE_VERSION#v1.}"; minor="${minor%%.*}"
    go_build "kube-apiserver" "$KUBE_BIN/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver \
      "-s -w -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor" \
      tools/kube "$KUBE_VERSION"
  fi
fi

# The Pulumi Kubernetes provider for @pulumi/kubernetes, at the release the
# npm package pins (its plugin download would go to a release page).
K8S_PROVIDER_VERSION="v$(node -p 'require("@pulumi/kubernetes/package.json").version')"
K8S_PROVIDER_BIN="$CACHE/pulumi-kubernetes-$K8S_PROVIDER_VERSION/bin"
mkdir -p "$K8S_PROVIDER_BIN"
if [[ -z "${ACKLESS_SKIP_KUBE:-}" && ! -x "$K8S_PROVIDER_BIN/pulumi-resource-kubernetes" ]]; then
  go_build "the Pulumi Kubernetes provider" "$K8S_PROVIDER_BIN/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes \
    "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${K8S_PROVIDER_VERSION#v}" \
    tools/kubernetes "$K8S_PROVIDER_VERSION"
fi

# --- 4. emulator (moto) ------------------------------------------------------
PYTHON=python3
if ! python3 -c "import moto, flask, flask_cors, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  if ! .venv/bin/python -c "import moto, flask, flask_cors, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
    command -v python3 >/dev/null || die "python3 is not on PATH: install Python 3.9 or later"
    say "installing moto $MOTO_VERSION into .venv..."
    python3 -m venv .venv || die "python3 -m venv failed: install the python3-venv package"
    .venv/bin/pip install --quiet "moto[server,cloudfront,ec2,cloudformation,s3]==$MOTO_VERSION" >&2 \
      || die "pip install moto==$MOTO_VERSION failed; is PyPI reachable?"
  fi
  PYTHON="$ROOT/.venv/bin/python"
fi

# --- environment for everything else ----------------------------------------
mkdir -p .ackless/state .ackless/pulumi-home
cat > .ackless/env.sh <<ENV
# Written by scripts/bootstrap.sh; source it to use the project's toolchain.
export PATH="$BIN:$K8S_PROVIDER_BIN:\$PATH"
export ACKLESS_PULUMI_ROOT="$(dirname "$BIN")"
export ACKLESS_PYTHON="$PYTHON"
export ACKLESS_KUBE_BIN="$KUBE_BIN"
export PULUMI_HOME="\${PULUMI_HOME:-$ROOT/.ackless/pulumi-home}"
export PULUMI_BACKEND_URL="\${PULUMI_BACKEND_URL:-file://$ROOT/.ackless/state}"
# Local-only default passphrase for the file backend's secrets; set your own
# for any stack that matters.
export PULUMI_CONFIG_PASSPHRASE="\${PULUMI_CONFIG_PASSPHRASE-ackless-local-only}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
ENV
say "ready: pulumi $PULUMI_VERSION in $BIN"
