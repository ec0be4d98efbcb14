#!/usr/bin/env bash
# Installs Debian's chromium (headless browser for the jac serve page test) when missing, as
# scripts/ensure-deps.sh installs the build's packages: apt-get as root, or sudo without a
# password; otherwise, or when the install fails, prints why and exits 1 (the test then skips).
# JAC_NO_BROWSER=1 skips the install.
set -uo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
if [ "${JAC_NO_BROWSER:-0}" = 1 ]; then echo "JAC_NO_BROWSER=1: chromium not installed" >&2; exit 1; fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
    echo "chromium is missing and there are no root rights to install it (apt-get install chromium)" >&2
    exit 1
  fi
fi
echo "installing chromium (the browser test of the jac serve page)" >&2
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get install -y --no-install-recommends chromium >&2; then
  "${sudo[@]}" apt-get update >&2 && "${sudo[@]}" apt-get install -y --no-install-recommends chromium >&2 || {
    echo "chromium did not install" >&2
    exit 1
  }
fi
command -v chromium >/dev/null 2>&1
