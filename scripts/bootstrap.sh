#!/usr/bin/env bash
# ackless bootstrap: installs everything the main job and the tests need,
# idempotently, and writes .ackless/env.sh for the other scripts to source.
#
#   0. Node.js: the machine's own when it is 22.19 or later; otherwise the newest
#      24.x (LTS) from the npm registry's node-linux-<arch> package, cached per
#      user and version in $ACKLESS_CACHE_DIR, and put first on PATH for
#      everything that follows and everything the other scripts start
#   1. npm packages (npm ci, skipped while package-lock.json is unchanged)
#   2. the TypeScript build (tsc, incremental)
#   3. the Pulumi toolchain at the version of the pinned @pulumi/pulumi:
#      a matching `pulumi` from PATH, else binaries built once from Go modules
#      and cached per user in $ACKLESS_CACHE_DIR (default ~/.cache/ackless)
#   4. the AWS emulator's Python side (moto 5.2.1; a project venv if the
#      system python3 lacks it)
#
# Environment knobs: ACKLESS_CACHE_DIR, ACKLESS_FORCE_BUILD=1 (ignore pulumi
# on PATH), ACKLESS_NODE_VERSION=24.x.y (that Node.js, whatever the machine has), ACKLESS_SKIP_KUBE=1 (no Kubernetes pieces), PULUMI_CONFIG_PASSPHRASE
# (default: the local-only passphrase).
# `--pulumi-only` runs step 3's Pulumi CLI part alone (node_modules must exist).
# `--build-only` runs steps 0-2 alone (what the unit tests need) and writes
# .ackless/node-env.sh (PATH with the chosen Node.js) instead of .ackless/env.sh.
set -euo pipefail
PULUMI_ONLY=0
BUILD_ONLY=0
[[ "${1:-}" == "--pulumi-only" ]] && PULUMI_ONLY=1
[[ "${1:-}" == "--build-only" ]] && BUILD_ONLY=1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf '[bootstrap] %s\n' "$*" >&2; }
die() { printf '[bootstrap] error: %s\n' "$*" >&2; exit 1; }
MOTO_VERSION=5.2.1
CACHE="${ACKLESS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ackless}"

# --- 0. Node.js --------------------------------------------------------------
# Node 20 is past its end of life, newer @pulumi/pulumi releases need 22, and
# Node before 24 can spend ~30 s formatting each program error (nodejs/node
# #64011): below 22.19 we bring our own 24.x (22.19: what @kubernetes/client-node's
# undici needs, and require() of ES modules, which that client is, unflagged).
NODE_DIR=""
# True when that node is 22.19 or later. The version is compared here, not by
# the node under test, whose exit status alone proves nothing.
node_recent() {
  local v a b
  v="$("${1:-node}" -p 'process.versions.node' 2>/dev/null)" || return 1
  a="${v%%.*}"; b="${v#*.}"; b="${b%%.*}"
  [[ "$a" =~ ^[0-9]+$ ]] || return 1
  [[ "$b" =~ ^[0-9]+$ ]] || b=0
  (( a > 22 || (a == 22 && b >= 19) ))
}
if [[ -n "${ACKLESS_NODE_VERSION:-}" ]] || ! node_recent; then
  command -v npm >/dev/null || die "npm is not on PATH: install Node.js (it ships npm); the bootstrap then fetches Node.js 24 itself"
  case "$(uname -m)" in
    x86_64|amd64) node_arch=x64 ;; aarch64|arm64) node_arch=arm64 ;;
    *) die "no Node.js 24 package for $(uname -m): install Node.js 22.19 or later yourself and re-run" ;;
  esac
  node_pkg="node-linux-$node_arch"
  want="${ACKLESS_NODE_VERSION:-}"
  if [[ -z "$want" ]]; then
    # The newest 24.x already cached, so a warm run asks no registry.
    want="$(ls -d "$CACHE"/node-v24.* 2>/dev/null | sed 's|.*/node-v||' | sort -t. -k1,1n -k2,2n -k3,3n | tail -1 || true)"
    [[ -n "$want" && -x "$CACHE/node-v$want/bin/node" ]] || want=""
  fi
  if [[ -z "$want" ]]; then
    say "the machine's node is $(node --version 2>/dev/null || echo missing); looking up the newest Node.js 24 ($node_pkg)..."
    want="$(npm view "$node_pkg@24" version --json 2>/dev/null | tr -d '[]" \n' | tr ',' '\n' | sort -t. -k1,1n -k2,2n -k3,3n | tail -1)"
    [[ "$want" =~ ^24\.[0-9]+\.[0-9]+$ ]] || die "could not find $node_pkg@24 on the npm registry.
  Fix: check npm's registry access (npm view $node_pkg version), or install Node.js 22.19 or later and re-run."
  fi
  NODE_DIR="$CACHE/node-v$want"
  if [[ ! -x "$NODE_DIR/bin/node" ]]; then
    say "installing Node.js $want from the npm package $node_pkg (once; cached in $NODE_DIR)..."
    tmp="$(mktemp -d)"
    ( cd "$tmp" && npm pack "$node_pkg@$want" --silent >/dev/null 2>"$tmp/err" ) \
      || die "npm pack $node_pkg@$want failed: $(tail -3 "$tmp/err")"
    mkdir -p "$tmp/x" && tar -xzf "$tmp"/"$node_pkg"-*.tgz -C "$tmp/x" \
      || die "could not unpack $node_pkg@$want (disk full?)"
    [[ "$("$tmp/x/package/bin/node" --version 2>/dev/null)" == "v$want" ]] \
      || die "the node in $node_pkg@$want does not run on this machine"
    mkdir -p "$CACHE" && rm -rf "$NODE_DIR.tmp" && mv "$tmp/x/package" "$NODE_DIR.tmp" && mv "$NODE_DIR.tmp" "$NODE_DIR"
    rm -rf "$tmp"
  fi
  export PATH="$NODE_DIR/bin:$PATH"
  hash -r
fi
command -v node >/dev/null || die "node is not on PATH: install Node.js (any version with npm; the bootstrap brings 24 when it is older than 22.19)"
say "using Node.js $(node --version) ($(command -v node))"

# --- 1. npm packages -------------------------------------------------------
if [[ $PULUMI_ONLY == 0 ]]; then
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
# A compiled test whose source was deleted would still run (mocha globs dist/): drop it.
find dist/test -name '*.test.js' 2>/dev/null | while read -r js; do
  src="${js#dist/}"
  [[ -f "${src%.js}.ts" ]] || rm -f "$js" "$js.map" "${js%.js}.d.ts"
done
fi
if [[ $BUILD_ONLY == 1 ]]; then
  mkdir -p .ackless
  cat > .ackless/node-env.sh <<ENV
# Written by scripts/bootstrap.sh --build-only: the Node.js the build used.
export PATH="${NODE_DIR:+$NODE_DIR/bin:}\$PATH"
ENV
  say "ready: built with Node.js $(node --version)"
  exit 0
fi

# --- 3. Pulumi toolchain ----------------------------------------------------
# The SDK is the npm @pulumi/pulumi; the CLI may be any release at or above it
# (the engine speaks to older SDKs). Ours is built at the pkg/v3 version that
# tools/pulumi/go.mod pins: the newest the Go module proxy serves.
SDK_VERSION="v$(node -p 'require("@pulumi/pulumi/package.json").version')"
PULUMI_VERSION="$(sed -n 's/^\tgithub.com\/pulumi\/pulumi\/pkg\/v3 //p' tools/pulumi/go.mod)"
[[ -n "$PULUMI_VERSION" ]] || die "tools/pulumi/go.mod does not require github.com/pulumi/pulumi/pkg/v3"
ver_ge() { # <a> <b>: a >= b, both vX.Y.Z
  [[ "$(printf '%s\n%s\n' "${1#v}" "${2#v}" | sort -t. -k1,1n -k2,2n -k3,3n | head -1)" == "${2#v}" ]]
}
ver_ge "$PULUMI_VERSION" "$SDK_VERSION" \
  || die "tools/pulumi/go.mod pins the Pulumi CLI at $PULUMI_VERSION, older than @pulumi/pulumi $SDK_VERSION: raise it"
BIN="$CACHE/pulumi-$PULUMI_VERSION/bin"
mkdir -p "$BIN"

# The dynamic-provider host is a script shipped inside @pulumi/pulumi; the
# engine looks for it beside the pulumi binary, never in node_modules.
install -m 0755 node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs "$BIN/pulumi-resource-pulumi-nodejs"

go_build() { # <label> <output> <package> <ldflags> [<module dir>] [<version>]
  local label="$1" out="$2" pkg="$3" ldflags="$4" moddir="${5:-tools/pulumi}" ver="${6:-$PULUMI_VERSION}" log
  command -v go >/dev/null || die "Go is not on PATH, and $label $PULUMI_VERSION must be built from Go modules.
  Fix: install Go 1.26 or later (https://go.dev/dl), or put a pulumi at or above $SDK_VERSION and its
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
  Fix: check \`go env GOPROXY\` and network access to it, or put a pulumi at or above $SDK_VERSION on PATH. Log: $log"
    fi
    die "building $label failed (log: $log)"
  fi
  mv "$out.tmp" "$out"
  rm -f "$log"
  say "built $label in $((SECONDS - start)) s -> $out"
}

# A pulumi already on PATH is used when its version is at or above the SDK's
# (and it brings its own language host); otherwise ours, built once and cached.
path_pulumi="$(command -v pulumi || true)"
path_version=""
[[ -n "$path_pulumi" ]] && path_version="$("$path_pulumi" version 2>/dev/null || true)"
if [[ -z "${ACKLESS_FORCE_BUILD:-}" && -n "$path_pulumi" && "$path_pulumi" != "$BIN/pulumi" ]] \
   && [[ "$path_version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] && ver_ge "$path_version" "$SDK_VERSION" \
   && [[ -x "$(dirname "$path_pulumi")/pulumi-language-nodejs" ]]; then
  say "using pulumi $path_version from PATH ($path_pulumi; @pulumi/pulumi is $SDK_VERSION)"
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
export PATH="${NODE_DIR:+$NODE_DIR/bin:}$BIN:$K8S_PROVIDER_BIN:\$PATH"
export ACKLESS_NODE="$(command -v node)"
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
