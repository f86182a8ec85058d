#!/usr/bin/env bash
# Builds sqlscim's .deb and .rpm with nfpm (deploy/nfpm.yaml).
#
#   deploy/package.sh BINARY VERSION OUTDIR
#
# BINARY is a static linux/amd64 sqlscim (make build: bin/sqlscim), VERSION
# the `git describe` string it was built with; the packages are written to
# OUTDIR/sqlscim_<package version>_amd64.{deb,rpm}, and their paths printed.
# `make package` runs this. NFPM overrides the nfpm command (default: the
# pinned version through `go run`, which needs only Go and the module proxy).
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 BINARY VERSION OUTDIR" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
binary=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
version=$2
outdir=$3
if [[ ! -x $binary ]]; then
  echo "$0: $binary is not an executable; run make build first" >&2
  exit 1
fi
pkgver=$(bash "$root/deploy/pkg-version.sh" "$version")
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
read -r -a nfpm <<<"${NFPM:-go run github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2}"

cd "$root" # nfpm.yaml names its sources relative to the repository root
# The man pages and shell completions, from the command tree (cmd/sqlscim-docs).
generated=$(mktemp -d)
trap 'rm -rf "$generated"' EXIT
go run -ldflags "-X github.com/sqlscim/sqlscim/internal/buildinfo.Version=$version" ./cmd/sqlscim-docs "$generated" >&2
for format in deb rpm; do
  target=$outdir/sqlscim_${pkgver}_amd64.$format
  PKG_BINARY=$binary PKG_VERSION=$pkgver PKG_GENERATED=$generated "${nfpm[@]}" package \
    --config deploy/nfpm.yaml --packager "$format" --target "$target" >&2
  echo "$target"
done
