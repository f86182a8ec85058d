# sqlscim – the front door. `make run` and `make test` are all a newcomer needs.
GO        ?= go
BIN       := bin/sqlscim
# The latest vX.Y.Z tag (git describe), or 0.1.0-dev+<commit>: scripts/version.sh.
VERSION   ?= $(shell scripts/version.sh)
# Only the version comes from the link; the commit, its date, the dirty flag
# and the Go version are what the go command records (-buildvcs=auto: also
# where GOFLAGS turns it off, and without error outside a git checkout).
LDFLAGS   := -s -w -X github.com/sqlscim/sqlscim/internal/buildinfo.Version=$(VERSION)
BUILDVCS  := -buildvcs=auto
export CGO_ENABLED := 0
# Every go command runs with the release toolchain go.mod names on its
# toolchain line (the go command fetches it from the module proxy on first
# use), also where the installed go would not switch by itself.
export GOTOOLCHAIN ?= $(shell sed -n 's/^toolchain //p' go.mod)

.PHONY: build run test test-short test-race lint clean

## build: the static binary in bin/sqlscim
build:
	$(GO) build -trimpath $(BUILDVCS) -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/sqlscim

## run: start the demo on https://127.0.0.1:1443 (loopback only) with its files in ./data
run: build
	./$(BIN) serve --data-dir data --address 127.0.0.1 --log-format console

## test: every test, against the local MariaDB and PostgreSQL, then every benchmark
## once (one iteration, no timing) so that a benchmark cannot rot unnoticed
test:
	$(GO) test -count=1 -timeout 15m ./...
	$(GO) test -count=1 -timeout 5m -run '^$$' -bench . -benchtime 1x ./...

## test-short: unit tests only (no databases, no RSA-4096 generation)
test-short:
	$(GO) test -count=1 -short ./...

## test-race: the packages that run work concurrently, under the race detector and
## against the local MariaDB and PostgreSQL. The detector needs cgo and a C compiler
## at test time only; the binary make build ships stays static.
## The 100 000-user stream test measures memory, which the detector multiplies, and
## would take minutes under it.
RACE_PACKAGES := ./internal/db/... ./internal/provision ./internal/tenant ./internal/server ./internal/app
RACE_SKIP     := TestHundredThousandUsersStreamInFlatMemory
test-race:
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 15m -skip '$(RACE_SKIP)' $(RACE_PACKAGES)

## lint: gofmt, go mod tidy, go vet, the import rules, staticcheck and govulncheck
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) mod tidy -diff
	$(GO) vet ./...
	$(GO) test -count=1 ./internal/layering
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	scripts/govulncheck.sh

-include deploy/deploy.mk
-include fuzz.mk

clean:
	rm -rf bin dist

## bench: micro-benchmarks (allocations per request included), then sqlscim against a prepared
## database/sql baseline on the local MariaDB and PostgreSQL, driven by wrk (apt-get install wrk);
## never part of make test. E.g. make bench BENCH_FLAGS='-users 100000 -scenarios b,c'
.PHONY: bench
bench:
	$(GO) test -count=1 -run '^$$' -bench . -benchmem ./internal/scim ./internal/provision ./internal/tenant ./internal/app
	$(GO) run ./cmd/sqlscim-bench $(BENCH_FLAGS)
