#!/usr/bin/env bash
# The main job of `make demo`: derive ∂(RᵀR)/∂R symbolically and check it against finite
# differences, then diagnose a classic wrong hand derivation (the row-major trap).
# Fails when the derivation does not check or the wrong claim is not caught.
set -u
jac=${1:-.build/debug/jac}

echo "\$ jac derive \"R'*R\" --wrt R --dims R=3x3 --check"
"$jac" derive "R'*R" --wrt R --dims R=3x3 --check
derive=$?
echo "[exit $derive]"
echo
echo "\$ jac check \"R'*R\" --wrt R --dims R=3x2 --claim \"kron(I(2),R')*K(2,3) + kron(R',I(2))\""
"$jac" check "R'*R" --wrt R --dims R=3x2 --claim "kron(I(2),R')*K(2,3) + kron(R',I(2))"
check=$?
echo "[exit $check: the hand derivation is wrong, and jac check says why]"
[ "$derive" -eq 0 ] && [ "$check" -eq 1 ]
