#!/usr/bin/env bash
# Build and run every test: a release build (all backends, PoCL included) and an
# AddressSanitizer + UBSan build of the same tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

scripts/build.sh build
(cd build && ctest --output-on-failure -j"$jobs")

# Sanitizers: the CUDA plugin is left out (the CUDA runtime is not built with ASan), and so are the
# "learning" tests (what training reaches on real data; minutes at -O0, no new memory paths).
scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DLSTMCORR_SANITIZE=ON -DLSTMCORR_CUDA=OFF
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$jobs" -LE learning)
