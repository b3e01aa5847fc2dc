#!/usr/bin/env bash
# Installs what lstmcorr needs to build and test on Debian 12, as root; does nothing when all is there.
set -euo pipefail
packages=(build-essential cmake pkg-config libcmocka-dev ocl-icd-opencl-dev opencl-headers
          pocl-opencl-icd clinfo libclblast-dev python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: run as root (or install: ${missing[*]})" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
