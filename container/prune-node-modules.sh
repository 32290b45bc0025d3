#!/bin/sh
# Removes from a production node_modules what nothing loads at run time, before it is copied into the image:
# source maps (204 of the 392 MiB `npm ci --omit=dev` installs; Node reads them only with --enable-source-maps, which
# the image does not set), and TensorFlow.js's browser builds (WeChat mini-program trees and the ES2017/ESM/minified
# bundles beside the `*.node.js` entry points Node loads). docs/cloud-latency.md has the measured sizes.
#   usage: container/prune-node-modules.sh [node_modules]
set -eu
dir="${1:-node_modules}"
test -d "$dir/@tensorflow/tfjs" || { echo "prune-node-modules: $dir holds no @tensorflow/tfjs" >&2; exit 1; }
find "$dir" -type f -name '*.map' -delete
find "$dir/@tensorflow" -type d -path '*/dist/miniprogram' -prune -exec rm -rf {} +
find "$dir/@tensorflow" -type f -path '*/dist/*' \
  \( -name 'tf*.es2017*.js' -o -name 'tf*.fesm*.js' -o -name 'tf*.min.js' -o -name 'tf*.min.js.html' \) -delete
