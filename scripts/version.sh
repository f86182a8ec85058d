#!/usr/bin/env bash
# Prints the version make build links into sqlscim (internal/buildinfo) and
# make package turns into the package version (deploy/pkg-version.sh):
#
#   at a vX.Y.Z tag                 vX.Y.Z
#   N commits after the latest one  vX.Y.Z-N-g<sha>   (git describe)
#   no vX.Y.Z tag yet               0.1.0-dev+<sha>
#   uncommitted changes             the above with -dirty appended
#   not a git checkout              0.1.0-dev
set -euo pipefail
cd "$(dirname "$0")/.."
if v=$(git describe --tags --match 'v[0-9]*.[0-9]*.[0-9]*' --dirty 2>/dev/null); then
  printf '%s\n' "$v"
elif sha=$(git rev-parse --short=12 HEAD 2>/dev/null); then
  dirty=
  if [[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]]; then dirty=-dirty; fi
  printf '0.1.0-dev+%s%s\n' "$sha" "$dirty"
else
  echo 0.1.0-dev
fi
