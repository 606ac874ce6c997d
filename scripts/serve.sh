#!/usr/bin/env bash
# Sets up what is missing (wasm32 target, wasm-bindgen-cli, trunk) and serves the playground
# with `trunk serve`. Usage: scripts/serve.sh [--release] [--port N]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh --no-browser
port=8080; release=()
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --release) release=(--release); shift ;;
    *) echo "usage: scripts/serve.sh [--release] [--port N]" >&2; exit 2 ;;
  esac
done
echo "[serve] the playground will be at http://127.0.0.1:$port/" >&2
exec trunk serve --offline "${release[@]}" --port "$port"
