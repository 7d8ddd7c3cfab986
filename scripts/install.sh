#!/usr/bin/env bash
# Installs what Emotion Studio needs on a fresh Debian/Ubuntu machine with Node 20: from apt ffmpeg (a
# PATH fallback), espeak-ng (tests and the demo script), chromium (browser-mode tests, PDF reports),
# poppler-utils and libxml2-utils (report tests: pdftotext, xmllint), praat (tests: TextGrids written by
# Praat itself); then the npm packages and the build.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
need=()
for pair in ffmpeg:ffmpeg espeak-ng:espeak-ng chromium:chromium pdftotext:poppler-utils xmllint:libxml2-utils praat:praat; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Without internet these downloads cannot happen: onnxruntime-node's CUDA add-on and electron's
# binary (see README, "For users with an NVIDIA GPU", and docs/desktop.md: the desktop bundle builds
# without the binary; ELECTRON_SKIP_BINARY_DOWNLOAD=0 fetches it where there is internet).
export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"
export ELECTRON_SKIP_BINARY_DOWNLOAD="${ELECTRON_SKIP_BINARY_DOWNLOAD:-1}"
npm ci --no-audit --no-fund
# the desktop bundle (out/main, out/preload, out/app-renderer; it says whether the app can start here),
# then the CLI and the browser-mode renderer (out/node, out/renderer)
npm run build:app
npm run build
