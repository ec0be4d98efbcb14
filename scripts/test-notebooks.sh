#!/usr/bin/env bash
# Runs the notebooks (jac notebook test Notebooks-md) under the OpenBLAS kernel this CPU picks, then
# again under the forced kernels OPENBLAS_CORETYPE=Haswell (needs avx2, fma) and =Sandybridge (needs
# avx) when this CPU has their instructions: the recorded outputs must hold whatever kernel computed
# them (last-bit differences are absorbed by the numeric comparison, docs/notebooks.md).
# Usage: scripts/test-notebooks.sh [path/to/jac]
set -euo pipefail
jac=${1:-.build/debug/jac}
flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "

# The kernel OpenBLAS reports (OPENBLAS_VERBOSE=2 prints "Core: NAME" when it loads).
core() { OPENBLAS_VERBOSE=2 "$jac" chain 2x2 2>&1 | sed -n 's/^Core: //p' | head -1; }

failed=()
echo "notebooks under the default OpenBLAS kernel ($(core || true))"
"$jac" notebook test Notebooks-md || failed+=(default)
for forced in Haswell:avx2,fma Sandybridge:avx; do
  name=${forced%%:*}
  needs=${forced#*:}
  lacking=()
  for f in ${needs//,/ }; do [[ $flags == *" $f "* ]] || lacking+=("$f"); done
  if [ ${#lacking[@]} -gt 0 ]; then
    echo "skipping OPENBLAS_CORETYPE=$name: this CPU lacks ${lacking[*]}"
    continue
  fi
  export OPENBLAS_CORETYPE=$name
  got=$(core || true)
  if [ "$got" != "$name" ]; then
    echo "skipping OPENBLAS_CORETYPE=$name: the BLAS in use does not take it (reports '${got:-no OpenBLAS core}')"
    unset OPENBLAS_CORETYPE
    continue
  fi
  echo "notebooks under OPENBLAS_CORETYPE=$name"
  "$jac" notebook test Notebooks-md || failed+=("$name")
  unset OPENBLAS_CORETYPE
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "error: the notebooks failed under the OpenBLAS kernels: ${failed[*]}" >&2
  exit 1
fi
