#!/usr/bin/env bash
# Installs the Debian packages JacobianKit links against, when they are missing:
#   liblapacke-dev (lapacke.h, LAPACKE) and libopenblas-dev (cblas.h, OpenBLAS as libblas.so.3).
# As root it runs apt-get; otherwise sudo if it works without a password; otherwise it prints
# the command to run and fails.
set -euo pipefail
pkgs=(liblapacke-dev libopenblas-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing ${missing[*]} (needed for LAPACKE and OpenBLAS)" >&2
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "error: ${missing[*]} missing and no root rights; run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >&2; then
  "${SUDO[@]}" apt-get update >&2
  "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi
# A build made against the other BLAS headers must not be reused (SwiftPM does not notice).
rm -rf .build
