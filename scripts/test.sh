#!/usr/bin/env bash
# Sets up what is missing, then runs every check: formatting, clippy (native and wasm32), the
# native tests, the wasm build, and the browser tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh

step() { printf '\n== %s\n' "$*"; }
step "cargo fmt --check"
cargo fmt --all -- --check
step "clippy, native (all targets)"
cargo clippy --offline --all-targets -- -D warnings
step "clippy, wasm32 web app"
cargo clippy --offline --target wasm32-unknown-unknown --bin multicast-playground -- -D warnings
step "rustdoc: no broken or private links in the library's docs"
RUSTDOCFLAGS="-D warnings" cargo doc --offline --no-deps --lib
step "native tests"
cargo test --offline
step "release CLI (the browser tests compare its trace hash with the page's)"
cargo build --offline --release --bin mcast
step "wasm build (trunk)"
trunk build --offline --release
step "browser tests (Playwright + Chromium)"
cd tests/e2e && node --test --test-concurrency=1
