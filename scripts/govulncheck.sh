#!/usr/bin/env bash
# Runs govulncheck on the module. It uses the Go vulnerability database at
# vuln.go.dev when that answers; machines without internet access (our CI)
# get a local copy built from the golang.org/x/vulndb module, which the Go
# module proxy serves. The snapshot's date is pinned below: move it forward
# to learn of newer vulnerabilities.
set -euo pipefail
cd "$(dirname "$0")/.."

GOVULNCHECK=golang.org/x/vuln/cmd/govulncheck@v1.9.0
VULNDB_VERSION=v0.0.0-20261105234957-e22db6528018

if curl -sf --max-time 5 -o /dev/null https://vuln.go.dev/index/db.json; then
  exec go run "$GOVULNCHECK" ./...
fi

cache="${XDG_CACHE_HOME:-$HOME/.cache}/sqlscim/vulndb-$VULNDB_VERSION"
if [ ! -f "$cache/index/db.json" ]; then
  echo "govulncheck: vuln.go.dev is unreachable; building the database from golang.org/x/vulndb@$VULNDB_VERSION" >&2
  src=$(go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  rm -rf "$cache.tmp"
  go run "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION" -vulns "$src/data/osv" -out "$cache.tmp"
  mv "$cache.tmp" "$cache"
fi
exec go run "$GOVULNCHECK" -db "file://$cache" ./...
