#!/usr/bin/env bash
# `save` before the tests and `check` after them: fails when the tests changed the git work tree
# (a tracked file rewritten, a new untracked file). Outside a git work tree it does nothing.
set -euo pipefail
state=.build/worktree-before
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || exit 0
snapshot() {
  git status --porcelain=v1 --untracked-files=all
  git diff --binary HEAD | sha256sum
}
case ${1:-} in
  save)
    mkdir -p .build
    snapshot > "$state"
    ;;
  check)
    if ! snapshot | cmp -s - "$state"; then
      echo "error: the tests changed the work tree (git status before, then after):" >&2
      cat "$state" >&2
      echo "---" >&2
      snapshot >&2
      exit 1
    fi
    echo "git status unchanged by the tests"
    ;;
  *)
    echo "usage: $0 save|check" >&2
    exit 2
    ;;
esac
