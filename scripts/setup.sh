#!/usr/bin/env bash
# Installs what the playground needs to build, serve and test, skipping what is already there.
# Idempotent: run it as often as you like. Used by scripts/serve.sh and scripts/test.sh.
#   --no-browser   skip Chromium, chromedriver and the node packages (enough for `trunk serve`)
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
want_browser=1
[ "${1:-}" = "--no-browser" ] && want_browser=0

log() { printf '[setup] %s\n' "$*" >&2; }
export PATH="$HOME/.cargo/bin:$PATH"

# 1. The wasm32 target of the machine's one toolchain.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 2. wasm-bindgen CLI at exactly the version Cargo.lock pins (trunk uses it only on an exact match).
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock 2>/dev/null || true)
[ -n "$bindgen_version" ] || bindgen_version=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  log "installing wasm-bindgen-cli $bindgen_version (about 7 minutes on 2 cores)"
  # Not --locked: one of its locked dependencies is no longer in the registry (see docs/toolchain.md).
  cargo install wasm-bindgen-cli --version "$bindgen_version" --force
fi

# 3. trunk 0.21.14 (0.22 needs a newer rustc than this machine has).
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  log "installing trunk $TRUNK_VERSION (about 15 minutes on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked --force
fi

# 4. Crates, fetched once so that `--offline` builds work.
cargo fetch --quiet

if [ "$want_browser" = 1 ]; then
  # 5. Debian's Chromium and chromedriver (no browser download: the network allows registries only).
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    log "installing chromium and chromium-driver from Debian"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  # 6. Node packages for the browser tests (playwright-core, which never downloads a browser, and
  #    axe-core for the accessibility audit).
  if [ ! -d tests/e2e/node_modules/playwright-core ] || [ ! -d tests/e2e/node_modules/axe-core ] ||
     [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then
    log "installing node packages for the browser tests"
    (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
log "ready"
