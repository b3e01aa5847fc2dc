#!/usr/bin/env bash
# The main job on built-in demo data: install what is missing, build, list devices, run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
build/bin/lstmcorr devices
build/bin/lstmcorr demo "$@"
