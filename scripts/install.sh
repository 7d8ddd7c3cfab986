#!/usr/bin/env bash
# Installs what Emotion Studio needs on a fresh Debian/Ubuntu machine with Node 20: ffmpeg (a PATH
# fallback) and espeak-ng (tests and the demo script) from apt, then the npm packages, then the build.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
need=()
for pkg in ffmpeg espeak-ng; do
  command -v "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Without internet these downloads cannot happen: onnxruntime-node's CUDA add-on and electron's
# binary (see README, "For users with an NVIDIA GPU"; electron's binary installs where it can).
export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"
export ELECTRON_SKIP_BINARY_DOWNLOAD="${ELECTRON_SKIP_BINARY_DOWNLOAD:-1}"
npm ci --no-audit --no-fund
npm run build
