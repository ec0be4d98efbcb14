#!/usr/bin/env bash
# Installs what JacobianKit builds and tests with, when it is missing (Debian):
#   liblapacke-dev (lapacke.h, LAPACKE) and libopenblas-dev (cblas.h, OpenBLAS as libblas.so.3),
#     which the library links against;
#   python3 with NumPy, which the tests use to write and read reference .npy files: from apt
#     (python3, python3-numpy) when `python3` is Debian's /usr/bin/python3 or is missing, else with
#     `python3 -m pip install numpy` for that interpreter (pyenv, a virtual environment).
# As root it runs apt-get; otherwise sudo if it works without a password; otherwise it prints
# the command to run and fails.
set -euo pipefail

missing=()
for p in liblapacke-dev libopenblas-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
blas_missing=${#missing[@]}

python=$(command -v python3 || true)
pip_numpy=0
if [ -z "$python" ] || ! "$python" -c 'import numpy' >/dev/null 2>&1; then
  if [ -z "$python" ] || [ "$python" = /usr/bin/python3 ]; then
    missing+=(python3 python3-numpy)
  else
    pip_numpy=1
  fi
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (LAPACKE and OpenBLAS to link; python3 and NumPy for the tests)" >&2
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
fi

if [ "$pip_numpy" -eq 1 ]; then
  echo "installing NumPy for $python with pip (the tests write and read .npy files with it)" >&2
  "$python" -m pip install --quiet numpy >&2 || {
    echo "error: NumPy is missing for $python and pip could not install it; run: $python -m pip install numpy" >&2
    exit 1
  }
fi
python=$(command -v python3 || true)
if [ -z "$python" ] || ! "$python" -c 'import numpy' >/dev/null 2>&1; then
  echo "error: python3 with NumPy is still missing (the tests need it); install python3-numpy" >&2
  exit 1
fi

# Optional: pdflatex (texlive-latex-base, about 39 MB to download, 2-3 minutes to install) for
# the test that compiles jac's LaTeX output; without it that test says it skipped and why.
# JAC_NO_TEX=1 leaves it out.
install_tex() {
  [ "${JAC_NO_TEX:-0}" = 1 ] && return 0
  command -v pdflatex >/dev/null 2>&1 && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null || {
      echo "note: pdflatex missing (apt-get install texlive-latex-base); the LaTeX compile test will skip" >&2
      return 0
    }
    sudo=(sudo -n)
  fi
  echo "installing texlive-latex-base (optional: the LaTeX compile test)" >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends texlive-latex-base >&2 \
    || echo "note: texlive-latex-base did not install; the LaTeX compile test will skip" >&2
}
install_tex

# A build made against the other BLAS headers must not be reused (SwiftPM does not notice).
if [ "$blas_missing" -gt 0 ]; then rm -rf .build; fi
